/**
 * 3D sequence end to end: the SUSTechPOINTS example in ../shared/data (4 labelled 64-beam frames,
 * 000950–000975) as one point-cloud sequence item (a `sequence.json` over its clouds, no labels
 * imported). Targets per frame: labelled vehicles (Car, Van, Bus, Truck) with >= MIN_POINTS
 * points; boxes on the other labelled objects are left alone (policy.ts IGNORE_IOU). Arms: every
 * frame from scratch; the first frame plus "Copy to next frame" and fixing the copies; the first
 * frame plus propagation (Shift+D, every box to the sequence's end) and fixing the propagated
 * boxes (lidarArm.ts `runSequenceArm`). End quality is read from the saved document's
 * objects and tracks (`cuboidsOnFrame`).
 *
 * The KITTI tracking drive 0001 as a second sequence (kittiSequence.ts: 11 camera-cropped scans,
 * targets with their track ids): per frame, propagation (Shift+D) and key frames + interpolation
 * (interpolateArm.ts: each object boxed on its first and last target frame, linked by a typed
 * track id, Shift+T, then every interpolated box judged).
 */
import type { Browser } from '@playwright/test';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Cuboid3D, ItemDocument } from '../../../core/document/schema';
import { cuboidsOnFrame } from '../../../core/document/cuboidTracks';
import { parseSustechFrame } from '../../../core/formats/sustech/labels';
import { pointsInBox } from '../../../core/lidar/box';
import { itemId } from '../../../main/services/indexer';
import { DATA, readSustechCloud } from '../../support/lidarData';
import { driveArm, makeProject } from './session';
import { runSequenceArm, type LidarSequence } from './lidarArm';
import { prepareKittiSequence, type TrackedSequence } from './kittiSequence';
import { runInterpolateArm, type InterpolateStats } from './interpolateArm';
import type { ArmLog } from './armLog';
import { MATCH_IOU, MIN_POINTS, onIgnored, quality3d } from './policy';
import type { EndQuality } from './verify';

const SUSTECH = path.join(DATA, 'sustech');
const FRAMES = ['000950', '000965', '000970', '000975'];
export const hasSustech = () => FRAMES.every((f) => existsSync(path.join(SUSTECH, 'lidar', `${f}.pcd`)));

export function prepareSequence(dir: string, frames = FRAMES.length): LidarSequence {
  const FRAMES_USED = FRAMES.slice(0, frames);
  mkdirSync(path.join(dir, 'sustech', 'lidar'), { recursive: true });
  for (const f of FRAMES_USED) copyFileSync(path.join(SUSTECH, 'lidar', `${f}.pcd`), path.join(dir, 'sustech', 'lidar', `${f}.pcd`));
  writeFileSync(path.join(dir, 'sustech', 'sequence.json'), JSON.stringify({ kind: 'pointcloud', frames: FRAMES_USED.map((f) => ({ name: f, cloud: `lidar/${f}.pcd`, images: {} })) }, null, 1));
  return {
    title: 'sustech',
    frames: FRAMES_USED.map((stem) => {
      const cloud = readSustechCloud(stem);
      const labelled = parseSustechFrame(readFileSync(path.join(SUSTECH, 'label', `${stem}.json`), 'utf8'), `${stem}.json`);
      const targets = labelled
        .filter((o) => /^(Car|Van|Bus|Truck)$/i.test(o.label))
        .map((o) => o.box)
        .filter((b) => pointsInBox(cloud.positions, cloud.count, b) >= MIN_POINTS)
        .sort((a, b) => Math.atan2(b.center[1], b.center[0]) - Math.atan2(a.center[1], a.center[0]));
      return { stem, targets, ignore: labelled.map((o) => o.box).filter((b) => !targets.includes(b)) };
    }),
  };
}

function verifySequence(dir: string, seq: LidarSequence): EndQuality {
  const source = (JSON.parse(readFileSync(path.join(dir, 'datum.json'), 'utf8')) as { sources: { id: string }[] }).sources[0].id;
  const f = path.join(dir, 'annotations', `${itemId(source, seq.title)}.json`);
  const doc = existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as ItemDocument) : null;
  const r: EndQuality = { targets: 0, covered: 0, falseLeft: 0, pendingLeft: 0, ignoredLeft: 0 };
  seq.frames.forEach((frame, i) => {
    r.targets += frame.targets.length;
    const boxes = doc ? cuboidsOnFrame(doc, i).filter((o) => o.geometry.kind === 'cuboid3d') : [];
    const used = new Set<string>();
    for (const t of frame.targets) {
      const hit = boxes.find((o) => !used.has(o.id) && quality3d(o.geometry as Cuboid3D, t) >= MATCH_IOU);
      if (hit) (used.add(hit.id), r.covered++);
    }
    const rest = boxes.filter((o) => !used.has(o.id));
    const ignored = rest.filter((o) => onIgnored(o.geometry as Cuboid3D, frame.ignore ?? [])).length;
    r.ignoredLeft! += ignored;
    r.falseLeft += rest.length - ignored;
  });
  return r;
}

/**
 * "manual" = every frame from scratch, "ai-review" = Copy to next frame (the name the other tables
 * use for the assisted arm), "propagate" = Shift+D, "interpolate" = key frames + Shift+T (needs
 * track ids: the KITTI sequence).
 */
export type SequenceArm = 'manual' | 'ai-review' | 'propagate' | 'interpolate';
export const SEQUENCE_ARMS: readonly SequenceArm[] = ['manual', 'ai-review', 'propagate'];
export const KITTI_SEQUENCE_ARMS: readonly SequenceArm[] = ['manual', 'propagate', 'interpolate'];
const MODE = { manual: 'per-frame', 'ai-review': 'copy', propagate: 'propagate' } as const;
const SAY = { manual: 'per frame', 'ai-review': 'copy to next frame', propagate: 'propagate (Shift+D)', interpolate: 'key frames + interpolation (Shift+T)' } as const;

export async function runSequenceBench(browser: Browser, opts: { frames?: number; arms?: readonly SequenceArm[]; say?: (l: string) => void; data?: 'sustech' | 'kitti' } = {}) {
  const say = opts.say ?? (() => {});
  const data = opts.data ?? 'sustech';
  const base = mkdtempSync(path.join(os.tmpdir(), `effbench-seq-${data}-`));
  const seed = path.join(base, 'seed');
  const seq: LidarSequence | TrackedSequence = data === 'kitti' ? prepareKittiSequence(seed, opts.frames) : prepareSequence(seed, opts.frames);
  say(`3D sequence: ${data === 'kitti' ? 'KITTI tracking 0001' : 'SUSTech'}, ${seq.frames.length} frames, ${seq.frames.reduce((s, f) => s + f.targets.length, 0)} target boxes`);
  // Arm names as in the other tables: "manual" = every frame from scratch; the copy and propagate arms are the sequence's assists.
  const logs: Partial<Record<SequenceArm, ArmLog>> = {};
  const endQuality: Partial<Record<SequenceArm, EndQuality>> = {};
  let untrusted = 0;
  let interpolation: InterpolateStats | undefined;
  for (const arm of opts.arms ?? (data === 'kitti' ? KITTI_SEQUENCE_ARMS : SEQUENCE_ARMS)) {
    const dir = path.join(base, arm);
    cpSync(seed, dir, { recursive: true });
    await makeProject(dir);
    const d = await driveArm(browser, dir, `3D sequence ${arm}`, async (page) => {
      if (arm === 'interpolate') {
        if (!('trackIds' in seq.frames[0])) throw new Error('the interpolation arm needs track ids (the KITTI sequence)');
        const r = await runInterpolateArm(page, seq as TrackedSequence);
        interpolation = r.stats;
        return { log: r.log, quality: verifySequence(dir, seq) };
      }
      const log = await runSequenceArm(page, seq, MODE[arm]);
      return { log, quality: verifySequence(dir, seq) };
    });
    logs[arm] = d.result.log;
    endQuality[arm] = d.result.quality;
    untrusted += d.untrusted;
    say(`3D sequence ${SAY[arm]}: done in ${d.seconds.toFixed(0)} s`);
  }
  return { seq, logs, endQuality, untrusted, interpolation };
}
