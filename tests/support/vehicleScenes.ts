/**
 * Every labelled vehicle in ../shared/data, as LiDAR-frame cuboids with their in-box point counts,
 * for fit / proposal evaluation (tests/tools/fit-eval.ts, the LiDAR bench): the KITTI object
 * frames, the KITTI tracking drive 0001 (parked rows), the camera-cropped KITTI frames, the
 * Argoverse 2 sweeps (label_json, the authoritative AV2 cuboids) and the SUSTech sequence.
 * Test/bench only.
 */
import { existsSync, readdirSync } from 'node:fs';
import type { Cuboid3D } from '../../core/document/schema';
import { parseKittiCalib } from '../../core/calib/kitti';
import { kittiLabelToCuboid, parseKittiLabels } from '../../core/formats/kitti/labels';
import { parseSustechFrame } from '../../core/formats/sustech/labels';
import { pointsInBox } from '../../core/lidar/box';
import { dataPath, readFloatRecords, readSustechCloud, readText, type Cloud } from './lidarData';

export interface Vehicle {
  box: Cuboid3D;
  label: string;
  points: number;
}

export interface VehicleScene {
  dataset: string;
  frame: string;
  cloud: Cloud;
  vehicles: Vehicle[];
}

const KITTI_VEHICLES = new Set(['Car', 'Van']);
const AV2_VEHICLES = new Set(['REGULAR_VEHICLE', 'LARGE_VEHICLE', 'BOX_TRUCK', 'TRUCK', 'BUS', 'TRUCK_CAB', 'VEHICULAR_TRAILER']);

function withPoints(cloud: Cloud, objects: Array<{ label: string; box: Cuboid3D }>): Vehicle[] {
  return objects.map((o) => ({ ...o, points: pointsInBox(cloud.positions, cloud.count, o.box) }));
}

function kittiLayout(dataset: string, root: string[]): VehicleScene[] {
  const velodyne = dataPath(...root, 'velodyne');
  if (!existsSync(velodyne)) return [];
  return readdirSync(velodyne)
    .filter((n) => n.endsWith('.bin'))
    .sort()
    .map((n) => {
      const f = n.replace('.bin', '');
      const calib = parseKittiCalib(readText(...root, 'calib', `${f}.txt`), `${f}.txt`);
      const labels = parseKittiLabels(readText(...root, 'label_2', `${f}.txt`), `${f}.txt`).filter((l) => KITTI_VEHICLES.has(l.type));
      const cloud = readFloatRecords(dataPath(...root, 'velodyne', n), 4);
      return { dataset, frame: f, cloud, vehicles: withPoints(cloud, labels.map((l) => ({ label: l.type, box: kittiLabelToCuboid(l, calib) }))) };
    });
}

function argoverse(): VehicleScene[] {
  const dir = dataPath('argoverse2', 'training', 'label_json');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => {
      const f = n.replace('.json', '');
      const doc = JSON.parse(readText('argoverse2', 'training', 'label_json', n)) as {
        objects: Array<{ category: string; center: [number, number, number]; size_lwh: [number, number, number]; yaw: number }>;
      };
      const cloud = readFloatRecords(dataPath('argoverse2', 'training', 'velodyne', `${f}.bin`), 4);
      const objects = doc.objects
        .filter((o) => AV2_VEHICLES.has(o.category))
        .map((o) => ({ label: o.category, box: { kind: 'cuboid3d' as const, center: o.center, size: o.size_lwh, yaw: o.yaw } }));
      return { dataset: 'argoverse2', frame: f, cloud, vehicles: withPoints(cloud, objects) };
    });
}

function sustech(): VehicleScene[] {
  const dir = dataPath('sustech', 'label');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => {
      const f = n.replace('.json', '');
      const cloud = readSustechCloud(f);
      const objects = parseSustechFrame(readText('sustech', 'label', n), n).filter((o) => /^(Car|Van|Bus|Truck)$/i.test(o.label));
      return { dataset: 'sustech', frame: f, cloud, vehicles: withPoints(cloud, objects.map((o) => ({ label: o.label, box: o.box }))) };
    });
}

export function loadVehicleScenes(): VehicleScene[] {
  return [
    ...kittiLayout('kitti', ['kitti']),
    ...kittiLayout('kitti-tracking-0001', ['kitti-tracking-0001', 'training']),
    ...kittiLayout('kitti-cropped', ['kitti-cropped', 'training']),
    ...argoverse(),
    ...sustech(),
  ];
}
