/**
 * The KITTI sequence of the efficiency benchmark (tests/bench/efficiency/kittiSequence.ts): the
 * key frames the interpolation arm plans, and the sequence built from the real drive (targets with
 * their KITTI track ids; skipped when ../shared/data is absent).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Cuboid3D } from '../../core/document/schema';
import { hasKittiSequence, keyFramePlan, prepareKittiSequence, type TrackedSequence } from '../bench/efficiency/kittiSequence';
import { renderMarkdown, summarise } from '../bench/efficiency/report';

const box = (x: number): Cuboid3D => ({ kind: 'cuboid3d', center: [x, 0, 0], size: [4, 2, 1.5], yaw: 0 });
const seqOf = (ids: number[][]): TrackedSequence => ({ title: 't', frames: ids.map((f, i) => ({ stem: String(i), targets: f.map((_, k) => box(k)), trackIds: f })) });

describe('key-frame plan', () => {
  it('keys each object on its first and last frame as a target; an object on one frame has one key frame', () => {
    // Track 7 on frames 0-3, track 8 on frames 1 and 3 (not a target on frame 2), track 9 on frame 3 only.
    const seq = seqOf([[7], [7, 8], [7], [7, 8, 9]]);
    const plan = keyFramePlan(seq);
    const keys = seq.frames.map((f, i) => f.trackIds.filter((_, g) => plan.isKey(i, g)));
    expect(keys).toEqual([[7], [8], [], [7, 8, 9]]);
    expect(plan.first.get(8)).toBe(1);
    expect(plan.last.get(8)).toBe(3);
    expect(plan.first.get(9)).toBe(plan.last.get(9));
  });

  it('prints the report notes under the tables', () => {
    const log = { steps: [], targets: [{ item: '0', target: 0, outcome: 'created' as const, via: 'fit' as const, quality: 0.8, correctionKeys: 0 }], deleted: [], errors: [] };
    const md = renderMarkdown({ modality: '3D sequence (KITTI)', dataset: 'x', items: 1, arms: [summarise('per-frame', log, 1)], target: 0.3, endQuality: {}, notes: ['interpolate: 2 key-frame boxes'] });
    expect(md).toContain('\ninterpolate: 2 key-frame boxes');
  });
});

describe.skipIf(!hasKittiSequence())('KITTI tracking 0001 as one sequence', () => {
  it('11 camera-cropped scans, targets with ≥ 50 points each carrying its KITTI track id; every object keyed on its first and last target frame', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'effseq-unit-'));
    try {
      const seq = prepareKittiSequence(dir);
      expect(seq.frames).toHaveLength(11);
      const n = seq.frames.reduce((s, f) => s + f.targets.length, 0);
      // The same boxes as the single-frame arm (n = 54): same scans, same crop, same MIN_POINTS rule.
      expect(n).toBe(54);
      for (const f of seq.frames) {
        expect(f.trackIds).toHaveLength(f.targets.length);
        expect(new Set(f.trackIds).size).toBe(f.trackIds.length); // one box per object per frame
      }
      const json = JSON.parse(readFileSync(path.join(dir, 'kitti0001', 'sequence.json'), 'utf8'));
      expect(json).toMatchObject({ kind: 'pointcloud', pointFormat: 'kitti-bin' });
      expect(json.frames.map((f: { cloud: string }) => f.cloud)[10]).toBe('velodyne/000030.bin');
      const plan = keyFramePlan(seq);
      const keyBoxes = seq.frames.reduce((s, f, i) => s + f.targets.filter((_, g) => plan.isKey(i, g)).length, 0);
      expect(plan.first.size).toBe(12);
      expect(keyBoxes).toBe(24);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
