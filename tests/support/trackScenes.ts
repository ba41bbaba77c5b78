/**
 * Labelled LiDAR sequences with track ids, for the propagation evaluation (trackEval.ts, the
 * LiDAR bench, tests/tools/track-eval.ts): the SUSTech example (frames 950/965/970/975, obj_id),
 * KITTI tracking drive 0001 (every 3rd frame of 0–30, track ids from the original tracking label
 * file), the two consecutive Argoverse 2 sweeps (track_uuid), and generated sequences with known
 * motion (ray-cast by the demo's virtual LiDAR, tests/support/syntheticSequences.ts). Every cloud is
 * in its own sensor frame; no dataset here carries ego poses. Test/bench only.
 */
import { existsSync, readdirSync } from 'node:fs';
import type { Cuboid3D } from '../../core/document/schema';
import { parseKittiCalib } from '../../core/calib/kitti';
import { kittiLabelToCuboid, parseKittiLabels } from '../../core/formats/kitti/labels';
import { parseSustechFrame } from '../../core/formats/sustech/labels';
import { pointsInBox } from '../../core/lidar/box';
import { dataPath, readFloatRecords, readSustechCloud, readText, type Cloud } from './lidarData';

export interface TrackLabel {
  trackId: string;
  label: string;
  box: Cuboid3D;
  /** Points inside the labelled box. */
  points: number;
}

export interface SequenceFrame {
  name: string;
  /** In frame units (10 Hz frames for every sequence here). */
  time: number;
  cloud: Cloud;
  labels: TrackLabel[];
}

export interface LabelledSequence {
  name: string;
  frames: SequenceFrame[];
}

const withPoints = (cloud: Cloud, objs: Array<Omit<TrackLabel, 'points'>>): TrackLabel[] =>
  objs.map((o) => ({ ...o, points: pointsInBox(cloud.positions, cloud.count, o.box) }));

export function sustechSequence(): LabelledSequence | null {
  const dir = dataPath('sustech', 'label');
  if (!existsSync(dir)) return null;
  const frames = readdirSync(dir).filter((n) => n.endsWith('.json')).sort().map((n) => {
    const stem = n.replace('.json', '');
    const cloud = readSustechCloud(stem);
    const objs = parseSustechFrame(readText('sustech', 'label', n), n)
      .filter((o) => o.trackId !== undefined)
      .map((o) => ({ trackId: o.trackId!, label: o.label, box: o.box }));
    return { name: stem, time: Number(stem), cloud, labels: withPoints(cloud, objs) };
  });
  return { name: 'sustech', frames };
}

export function kittiTrackingSequence(): LabelledSequence | null {
  const root = ['kitti-tracking-0001', 'training'];
  const original = dataPath('kitti-tracking-0001', 'tracking_0001_original', 'label_0001.txt');
  if (!existsSync(original)) return null;
  // The tracking file: "frame track_id <KITTI object label>"; the per-frame label_2 files are the
  // same boxes without ids.
  const byFrame = new Map<number, Array<{ id: string; line: string }>>();
  for (const line of readText('kitti-tracking-0001', 'tracking_0001_original', 'label_0001.txt').split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 17 || parts[1] === '-1') continue;
    const f = Number(parts[0]);
    byFrame.set(f, [...(byFrame.get(f) ?? []), { id: parts[1], line: parts.slice(2).join(' ') }]);
  }
  const stems = readdirSync(dataPath(...root, 'velodyne')).filter((n) => n.endsWith('.bin')).sort().map((n) => n.replace('.bin', ''));
  const frames = stems.map((stem) => {
    const calib = parseKittiCalib(readText(...root, 'calib', `${stem}.txt`), `${stem}.txt`);
    const cloud = readFloatRecords(dataPath(...root, 'velodyne', `${stem}.bin`), 4);
    const rows = byFrame.get(Number(stem)) ?? [];
    const objs = rows.map((r) => {
      const [l] = parseKittiLabels(r.line, `label_0001.txt#${stem}`);
      return { trackId: r.id, label: l.type, box: kittiLabelToCuboid(l, calib) };
    });
    return { name: stem, time: Number(stem), cloud, labels: withPoints(cloud, objs) };
  });
  return { name: 'kitti-tracking-0001', frames };
}

/** Argoverse 2: 000000 and 000001 are consecutive sweeps of one log (100 ms); 000002 is another log. */
export function argoverseSequence(): LabelledSequence | null {
  const dir = dataPath('argoverse2', 'training', 'label_json');
  if (!existsSync(dir)) return null;
  const frames = ['000000', '000001'].map((stem, i) => {
    const doc = JSON.parse(readText('argoverse2', 'training', 'label_json', `${stem}.json`)) as {
      objects: Array<{ category: string; track_uuid: string; center: [number, number, number]; size_lwh: [number, number, number]; yaw: number }>;
    };
    const cloud = readFloatRecords(dataPath('argoverse2', 'training', 'velodyne', `${stem}.bin`), 4);
    const objs = doc.objects.map((o) => ({ trackId: o.track_uuid, label: o.category, box: { kind: 'cuboid3d' as const, center: o.center, size: o.size_lwh, yaw: o.yaw } }));
    return { name: stem, time: i, cloud, labels: withPoints(cloud, objs) };
  });
  return { name: 'argoverse2', frames };
}

export function realSequences(): LabelledSequence[] {
  return [sustechSequence(), kittiTrackingSequence(), argoverseSequence()].filter((s): s is LabelledSequence => !!s);
}
