/**
 * Every labelled LiDAR frame in ../shared/data with *all* its labelled objects (not only
 * vehicles), each mapped to a proposal class, plus a per-dataset rule for which proposals can be
 * judged at all. Used by the proposal evaluation (proposalEval.ts), the diagnostics and the
 * classifier fitting script. Test/bench only.
 *
 * Which proposals are judged (`judged`):
 *  - KITTI (object, tracking, cropped) labels only objects visible in camera 2: a proposal is
 *    judged when its centre projects into image 2 in front of the camera; one whose centre falls
 *    inside a hand-drawn DontCare rectangle is not judged either (KITTI's own rule for DontCare).
 *  - Argoverse 2, SUSTech and nuScenes label all around the sensor: every proposal is judged.
 */
import { existsSync, readdirSync } from 'node:fs';
import type { Cuboid3D } from '../../core/document/schema';
import { kittiCameraModel, parseKittiCalib } from '../../core/calib/kitti';
import { projectPoints, type CameraModel } from '../../core/calib/camera';
import { kittiLabelToCuboid, parseKittiLabels } from '../../core/formats/kitti/labels';
import { importNuScenesInfo } from '../../core/formats/nuscenes/boxes';
import { parseSustechFrame } from '../../core/formats/sustech/labels';
import { pointsInBox } from '../../core/lidar/box';
import { bevIoU } from '../../core/lidar/iou';
import { loadHardScenes } from './hardScenes';
import { NUSCENES_INFO, dataPath, readFloatRecords, readNuScenesCloud, readSustechCloud, readText, type Cloud } from './lidarData';

/** car: what the car proposals are for; vehicle: trucks, buses, trailers (a car proposal on one is not false). */
export type GtClass = 'car' | 'vehicle' | 'pedestrian' | 'cyclist' | 'other';

export interface GtObject {
  label: string;
  cls: GtClass;
  box: Cuboid3D;
  /** Points inside the box. */
  points: number;
}

export interface LabelledScene {
  dataset: string;
  frame: string;
  cloud: Cloud;
  objects: GtObject[];
  /** Whether a proposal with this box can be judged against the labels (see the file comment). */
  judged: (box: Cuboid3D) => boolean;
  /**
   * Whether every car, pedestrian and cyclist in the judged region is labelled. False for the
   * SUSTech sample: its front camera shows unlabelled cars (e.g. a parked car 8 m away in
   * 000965; tests/tools/prop-viz.mts draws it), so its "false positives" include real cars and its
   * precision is a lower bound. Such frames are not used to fit the classifier.
   */
  exhaustive: boolean;
}

const CLASS_OF: Record<string, GtClass> = {
  // KITTI
  car: 'car', van: 'car', truck: 'vehicle', tram: 'vehicle', pedestrian: 'pedestrian', person_sitting: 'pedestrian', cyclist: 'cyclist', misc: 'other',
  // Argoverse 2
  regular_vehicle: 'car', large_vehicle: 'vehicle', box_truck: 'vehicle', bus: 'vehicle', truck_cab: 'vehicle', vehicular_trailer: 'vehicle',
  school_bus: 'vehicle', articulated_bus: 'vehicle', bicyclist: 'cyclist', motorcyclist: 'cyclist', bicycle: 'cyclist', motorcycle: 'cyclist',
  // SUSTech
  rider: 'cyclist', motor: 'cyclist', scooter: 'cyclist', bicyclerider: 'cyclist', motorcyclerider: 'cyclist',
  // nuScenes
  trailer: 'vehicle', construction_vehicle: 'vehicle',
};

export function gtClass(label: string): GtClass {
  return CLASS_OF[label.toLowerCase()] ?? 'other';
}

/**
 * Labelled objects with their point counts. A label whose footprint coincides with an earlier one
 * (BEV IoU >= 0.95) is the same object labelled twice and is dropped: Argoverse 2 sweeps 000000 and
 * 000001 each carry one car twice (two track ids, centres 0.2 mm apart), which one proposal could
 * never match both of.
 */
function objectsWithPoints(cloud: Cloud, objects: Array<{ label: string; box: Cuboid3D }>, keepDuplicates: boolean): GtObject[] {
  const kept = keepDuplicates ? objects : objects.filter((o, i) => !objects.slice(0, i).some((p) => bevIoU(p.box, o.box) >= 0.95));
  return kept.map((o) => ({ ...o, cls: gtClass(o.label), points: pointsInBox(cloud.positions, cloud.count, o.box) }));
}

const judgeAll = () => true;

/** Centre in front of camera 2 and inside its image, and not inside a DontCare rectangle. */
function kittiJudge(camera: CameraModel, dontCare: Array<[number, number, number, number]>) {
  const p = new Float32Array(3);
  const uv = new Float32Array(3);
  return (box: Cuboid3D) => {
    p[0] = box.center[0];
    p[1] = box.center[1];
    p[2] = box.center[2];
    projectPoints(p, 1, camera, uv);
    const [u, v, depth] = uv;
    if (!(depth > 0) || !(u >= 0 && u < camera.width && v >= 0 && v < camera.height)) return false;
    return !dontCare.some(([x0, y0, x1, y1]) => u >= x0 && u <= x1 && v >= y0 && v <= y1);
  };
}

function kittiLayout(dataset: string, root: string[], keep: boolean): LabelledScene[] {
  const velodyne = dataPath(...root, 'velodyne');
  if (!existsSync(velodyne)) return [];
  return readdirSync(velodyne)
    .filter((n) => n.endsWith('.bin'))
    .sort()
    .map((n) => {
      const f = n.replace('.bin', '');
      const calib = parseKittiCalib(readText(...root, 'calib', `${f}.txt`), `${f}.txt`);
      const labels = parseKittiLabels(readText(...root, 'label_2', `${f}.txt`), `${f}.txt`);
      const cloud = readFloatRecords(dataPath(...root, 'velodyne', n), 4);
      const objects = labels.filter((l) => l.type !== 'DontCare').map((l) => ({ label: l.type, box: kittiLabelToCuboid(l, calib) }));
      const dontCare = labels.filter((l) => l.type === 'DontCare').map((l) => l.bbox);
      return { dataset, frame: f, cloud, objects: objectsWithPoints(cloud, objects, keep), judged: kittiJudge(kittiCameraModel(calib, 2), dontCare), exhaustive: true };
    });
}

function argoverse(keep: boolean): LabelledScene[] {
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
      const objects = doc.objects.map((o) => ({ label: o.category, box: { kind: 'cuboid3d' as const, center: o.center, size: o.size_lwh, yaw: o.yaw } }));
      return { dataset: 'argoverse2', frame: f, cloud, objects: objectsWithPoints(cloud, objects, keep), judged: judgeAll, exhaustive: true };
    });
}

function sustech(keep: boolean): LabelledScene[] {
  const dir = dataPath('sustech', 'label');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => {
      const f = n.replace('.json', '');
      const cloud = readSustechCloud(f);
      const objects = parseSustechFrame(readText('sustech', 'label', n), n).map((o) => ({ label: o.label, box: o.box }));
      return { dataset: 'sustech', frame: f, cloud, objects: objectsWithPoints(cloud, objects, keep), judged: judgeAll, exhaustive: false };
    });
}

function nuscenes(keep: boolean): LabelledScene[] {
  if (!existsSync(dataPath('nuscenes', NUSCENES_INFO))) return [];
  const item = importNuScenesInfo(readText('nuscenes', NUSCENES_INFO), NUSCENES_INFO);
  const cloud = readNuScenesCloud();
  const objects = item.frames[0].objects.flatMap((o) => (o.geometry.kind === 'cuboid3d' ? [{ label: o.label, box: o.geometry }] : []));
  return [{ dataset: 'nuscenes', frame: item.frames[0].name, cloud, objects: objectsWithPoints(cloud, objects, keep), judged: judgeAll, exhaustive: true }];
}

/**
 * `keepDuplicateLabels`: keep labels that duplicate an earlier one (vehicleScenes.ts does, so the
 * fit evaluation's n stays what it was when it had its own loader).
 */
export function loadLabelledScenes(options: { keepDuplicateLabels?: boolean } = {}): LabelledScene[] {
  const keep = options.keepDuplicateLabels ?? false;
  return [
    ...kittiLayout('kitti', ['kitti'], keep),
    ...kittiLayout('kitti-tracking-0001', ['kitti-tracking-0001', 'training'], keep),
    ...kittiLayout('kitti-cropped', ['kitti-cropped', 'training'], keep),
    ...argoverse(keep),
    ...sustech(keep),
    ...nuscenes(keep),
  ];
}

/**
 * The synthetic hard scenes (hardScenes.ts: parked rows, walls and hedges, near/far and occluded
 * cars, large vehicles on sloped streets with kerbs), each family its own dataset row. Only
 * vehicles are objects there; walls, hedges and kerbs are scenery, so every proposal is judged.
 */
export function loadHardLabelledScenes(perFamily = 3): LabelledScene[] {
  return loadHardScenes(perFamily).map((s) => ({
    dataset: s.dataset,
    frame: s.frame,
    cloud: s.cloud,
    objects: s.vehicles.map((v) => ({ label: v.label, cls: v.label === 'car' || v.label === 'van' ? 'car' : 'vehicle', box: v.box, points: v.points })),
    judged: judgeAll,
    exhaustive: true,
  }));
}
