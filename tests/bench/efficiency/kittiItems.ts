/**
 * The 3D single-frame items: the 11 frames of KITTI tracking drive 0001 in ../shared/data (real
 * scans, real labels), cropped to camera 2's view (scope.ts), written as a plain dataset folder of
 * KITTI `.bin` files. Targets: the labelled cars and vans with at least MIN_POINTS points in the
 * cropped scan (policy.ts), in the LiDAR frame.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Cuboid3D } from '../../../core/document/schema';
import { kittiCameraModel, parseKittiCalib } from '../../../core/calib/kitti';
import { kittiLabelToCuboid, parseKittiLabels } from '../../../core/formats/kitti/labels';
import { pointsInBox } from '../../../core/lidar/box';
import { DATA } from '../../support/lidarData';
import { cropToCamera } from './scope';
import { MIN_POINTS } from './policy';
import type { LidarItem } from './lidarArm';

export const KITTI_TRACKING = path.join(DATA, 'kitti-tracking-0001', 'training');
export const hasKittiTracking = () => existsSync(path.join(KITTI_TRACKING, 'velodyne'));

export interface PreparedItem extends LidarItem {
  /** Labelled vehicles left out of the targets (too few points). */
  skipped: number;
  points: number;
}

/** Writes `<dir>/velodyne/<stem>.bin` for the first `limit` frames; returns the items with their targets. */
export function prepareKittiItems(dir: string, limit = Infinity): PreparedItem[] {
  mkdirSync(path.join(dir, 'velodyne'), { recursive: true });
  const stems = readdirSync(path.join(KITTI_TRACKING, 'velodyne')).filter((n) => n.endsWith('.bin')).map((n) => n.slice(0, -4)).sort().slice(0, limit);
  return stems.map((stem) => {
    const buf = readFileSync(path.join(KITTI_TRACKING, 'velodyne', `${stem}.bin`));
    const records = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    const calib = parseKittiCalib(readFileSync(path.join(KITTI_TRACKING, 'calib', `${stem}.txt`), 'utf8'), `${stem}.txt`);
    const cropped = cropToCamera(records, kittiCameraModel(calib, 2));
    writeFileSync(path.join(dir, 'velodyne', `${stem}.bin`), Buffer.from(cropped.buffer));
    const n = cropped.length / 4;
    const xyz = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) xyz[i * 3 + k] = cropped[i * 4 + k];
    const labels = parseKittiLabels(readFileSync(path.join(KITTI_TRACKING, 'label_2', `${stem}.txt`), 'utf8'), `${stem}.txt`).filter((l) => l.type !== 'DontCare');
    const vehicles: Cuboid3D[] = labels.filter((l) => l.type === 'Car' || l.type === 'Van').map((l) => kittiLabelToCuboid(l, calib));
    const targets = vehicles.filter((v) => pointsInBox(xyz, n, v) >= MIN_POINTS);
    // Every other labelled object (small or hidden vehicles, trucks, people...): pre-labels on them are ignored (policy.ts).
    const ignore = labels.map((l) => kittiLabelToCuboid(l, calib)).filter((b) => !targets.some((t) => t.center.every((c, k) => c === b.center[k])));
    // Left to right across the view, as a person would sweep the scene.
    targets.sort((a, b) => Math.atan2(b.center[1], b.center[0]) - Math.atan2(a.center[1], a.center[0]));
    return { stem, targets, ignore, skipped: vehicles.length - targets.length, points: n };
  });
}
