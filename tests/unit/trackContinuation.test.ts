/**
 * `#` on a box of a later key frame proposes the track it continues (renderer/editors/lidar/
 * sequence/continuation.ts): the pure choice, and on the real KITTI tracking drive 0001 (its 11
 * camera-cropped scans, parked cars passing by in the sensor frame) the ego-motion carry of each
 * object's first key box to its last key frame among every other object open then.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AnnotationObject, Cuboid3D, ItemDocument } from '../../core/document/schema';
import { recordsOf, setTrackId } from '../../renderer/editors/lidar/model';
import { CONTINUE_DISTANCE, MAX_CARRY_FRAMES, continuationCandidates, createCarrier, pickContinuation } from '../../renderer/editors/lidar/sequence/continuation';
import { hasKittiSequence, keyFramePlan, prepareKittiSequence } from '../bench/efficiency/kittiSequence';

const box = (x: number, y = 0): Cuboid3D => ({ kind: 'cuboid3d', center: [x, y, 0], size: [4, 2, 1.5], yaw: 0 });
const obj = (id: string, frame: number, x: number, label = 'car'): AnnotationObject => ({ id, label, frame, zOrder: 0, source: { kind: 'human' }, attributes: {}, geometry: box(x) });
const doc = (objects: AnnotationObject[]): ItemDocument => ({ schemaVersion: 1, itemId: 'i', status: 'new', objects, tracks: [], pointLabels: [] });

describe('track continuation', () => {
  it('candidates: tracks of the class with no box on the frame whose last keyframe is before it', () => {
    let r = recordsOf(doc([obj('a', 0, 0), obj('b', 1, 5), obj('c', 4, 9), obj('p', 0, 3, 'pedestrian'), obj('new', 2, 0)]), true);
    for (const [k, f, id] of [['a', 0, '1'], ['b', 1, '2'], ['c', 4, '3'], ['p', 0, '4']] as const) r = setTrackId(r, k, f, id).records;
    // Track 3 starts after frame 2, the pedestrian is another class; the untracked box is no candidate.
    expect(continuationCandidates(r, 2, 'car').map((c) => [c.id, c.frame])).toEqual([['1', 0], ['2', 1]]);
    // Tracks that ended too long ago are not carried (one registration per frame pair).
    expect(continuationCandidates(r, MAX_CARRY_FRAMES + 1, 'car').map((c) => c.id)).toEqual(['2', '3']);
  });

  it('picks the nearest carried box within the distance, else none', () => {
    expect(pickContinuation(box(10), [{ id: '1', box: box(11.5) }, { id: '2', box: box(10.4) }])).toBe('2');
    expect(pickContinuation(box(10), [{ id: '1', box: box(10, CONTINUE_DISTANCE + 0.1) }])).toBeNull();
  });
});

describe.skipIf(!hasKittiSequence())('track continuation on KITTI tracking 0001', () => {
  it('carries every object\'s first key box to its last key frame within 0.6 m and picks it among the objects open then (12 of 12)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'continuation-'));
    try {
      const seq = prepareKittiSequence(dir);
      const load = async (f: number) => {
        const b = readFileSync(path.join(dir, 'kitti0001', 'velodyne', `${seq.frames[f].stem}.bin`));
        const rec = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
        const n = rec.length / 4;
        const positions = new Float32Array(n * 3);
        for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) positions[i * 3 + k] = rec[i * 4 + k];
        return { positions, count: n };
      };
      const carry = createCarrier(load, () => seq.frames.map((f) => Number(f.stem)));
      const plan = keyFramePlan(seq);
      const at = (id: number, f: number) => seq.frames[f].targets[seq.frames[f].trackIds.indexOf(id)];
      let right = 0, n = 0;
      for (const [id, first] of plan.first) {
        const last = plan.last.get(id)!;
        if (last === first) continue;
        // Every object boxed on an earlier frame and not boxed on this one is a candidate.
        const open = [...plan.first].filter(([o, f]) => f < last && !seq.frames[last].trackIds.includes(o) || o === id);
        const carried = [];
        for (const [o, f] of open) {
          const from = o === id ? first : plan.last.get(o)! < last ? plan.last.get(o)! : f;
          carried.push({ id: String(o), box: await carry(at(o, from), from, last) });
        }
        const own = carried.find((c) => c.id === String(id))!.box;
        expect(Math.hypot(own.center[0] - at(id, last).center[0], own.center[1] - at(id, last).center[1]), `object ${id}, frames ${first} → ${last}`).toBeLessThan(0.6);
        n++;
        if (pickContinuation(at(id, last), carried) === String(id)) right++;
      }
      expect(n).toBe(12);
      expect(right).toBe(12);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
