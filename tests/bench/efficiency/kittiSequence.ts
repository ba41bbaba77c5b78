/**
 * The 3D sequence on the KITTI tracking drive 0001 (../shared/data/kitti-tracking-0001): its 11
 * scans (every 3rd of frames 0–30), cropped to camera 2's view as the single-frame items are
 * (scope.ts, kittiItems.ts), as ONE point-cloud sequence item (`kitti0001/sequence.json` over the
 * cropped `.bin` clouds, `pointFormat: kitti-bin`). Targets per frame: the labelled cars and vans
 * with >= MIN_POINTS points in the cropped scan (the same rule as the single frames); every target
 * carries its KITTI track id (`tracking_0001_original/label_0001.txt`: frame, track id, then the
 * object fields), so the interpolation arm knows which boxes are one object. n = (object, frame)
 * boxes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Cuboid3D } from '../../../core/document/schema';
import { parseKittiCalib } from '../../../core/calib/kitti';
import { kittiLabelToCuboid, parseKittiLabels } from '../../../core/formats/kitti/labels';
import { DATA } from '../../support/lidarData';
import { KITTI_TRACKING, prepareKittiItems } from './kittiItems';
import type { LidarItem, LidarSequence } from './lidarArm';

const ORIGINAL = path.join(DATA, 'kitti-tracking-0001', 'tracking_0001_original', 'label_0001.txt');
export const hasKittiSequence = () => existsSync(path.join(KITTI_TRACKING, 'velodyne')) && existsSync(ORIGINAL);
export const KITTI_SEQUENCE_TITLE = 'kitti0001';

export interface TrackedFrame extends LidarItem {
  /** KITTI track id of each target (same order as `targets`). */
  trackIds: number[];
}

export interface TrackedSequence extends LidarSequence {
  frames: TrackedFrame[];
}

/** Track ids of one frame's labelled objects, keyed by their LiDAR-frame centre (the label_2 files are these lines without frame and id). */
function trackIdsOn(frame: number, calib: ReturnType<typeof parseKittiCalib>, lines: string[][]): { centre: Cuboid3D['center']; id: number }[] {
  return lines
    .filter((p) => Number(p[0]) === frame && p[2] !== 'DontCare')
    .map((p) => {
      const [label] = parseKittiLabels(p.slice(2).join(' '), 'label_0001.txt');
      return { centre: kittiLabelToCuboid(label, calib).center, id: Number(p[1]) };
    });
}

/** Writes `<dir>/kitti0001/{velodyne/*.bin,sequence.json}` for the first `frames` scans; returns the frames with targets and track ids. */
export function prepareKittiSequence(dir: string, frames = Infinity): TrackedSequence {
  const root = path.join(dir, KITTI_SEQUENCE_TITLE);
  const items = prepareKittiItems(root, frames);
  writeFileSync(
    path.join(root, 'sequence.json'),
    JSON.stringify({ kind: 'pointcloud', pointFormat: 'kitti-bin', frames: items.map((it) => ({ name: it.stem, cloud: `velodyne/${it.stem}.bin`, images: {} })) }, null, 1),
  );
  const lines = readFileSync(ORIGINAL, 'utf8').split(/\r?\n/).filter((l) => l.trim()).map((l) => l.trim().split(/\s+/));
  return {
    title: KITTI_SEQUENCE_TITLE,
    frames: items.map((it) => {
      const calib = parseKittiCalib(readFileSync(path.join(KITTI_TRACKING, 'calib', `${it.stem}.txt`), 'utf8'), `${it.stem}.txt`);
      const ids = trackIdsOn(Number(it.stem), calib, lines);
      const trackIds = it.targets.map((t) => {
        const hit = ids.find((x) => Math.hypot(x.centre[0] - t.center[0], x.centre[1] - t.center[1], x.centre[2] - t.center[2]) < 1e-3);
        if (!hit) throw new Error(`KITTI tracking 0001 frame ${it.stem}: no track id for the target at ${t.center.map((v) => v.toFixed(2)).join(', ')}`);
        return hit.id;
      });
      return { stem: it.stem, targets: it.targets, ignore: it.ignore, trackIds };
    }),
  };
}

/**
 * The key frames of the interpolation arm: each object's first and last frame where it is a
 * target (one key frame when it is a target on one frame only). Pure; the plan a person makes by
 * looking at the sequence once.
 */
export function keyFramePlan(seq: TrackedSequence): { first: Map<number, number>; last: Map<number, number>; isKey(frame: number, target: number): boolean } {
  const first = new Map<number, number>(), last = new Map<number, number>();
  seq.frames.forEach((f, i) =>
    f.trackIds.forEach((id) => {
      if (!first.has(id)) first.set(id, i);
      last.set(id, i);
    }),
  );
  return { first, last, isKey: (frame, target) => { const id = seq.frames[frame].trackIds[target]; return first.get(id) === frame || last.get(id) === frame; } };
}
