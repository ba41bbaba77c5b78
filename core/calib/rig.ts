/**
 * Which cameras a point-cloud frame has and how each one is calibrated, from what the item carries:
 * indexer companions (KITTI `image` / `image:image_3` + `calib`; SUSTech `image`, `image:<cam>`,
 * `calib:<cam>`; nuScenes `image:<CAM>` + `info`) or a sequence frame's `images` with the
 * sequence's `calibration.json`. Kept apart from fetching so it is tested without a DOM: the
 * editor fetches each slot's calibration file once and turns it into a model with
 * `resolveCameraModel`, then orders the strip with `rankCameras` for the selected box.
 */
import type { Cuboid3D } from '../document/schema';
import { parseInfoJson } from '../formats/nuscenes/infoJson';
import { projectCuboidWireframe, type CameraModel } from './camera';
import { FileFormatError } from './errors';
import { kittiCameraModel, parseKittiCalib } from './kitti';
import { nuScenesCameraModels } from './nuscenes';
import { parseSustechCalib } from './sustech';

/** Where a camera's calibration comes from. `file` is relative to the slot's base (source or item). */
export type CalibRef =
  | { kind: 'kitti'; file: string; index: 2 | 3 }
  | { kind: 'sustech'; file: string }
  | { kind: 'nuscenes'; file: string; camera: string; lidar: string }
  | { kind: 'sequence'; file: string; camera: string };

export interface CameraSlot {
  /** Shown under the thumbnail and used as the test id suffix: image_2, front, CAM_FRONT... */
  name: string;
  /** The image path, relative to the item's source folder (companions) or the item (sequence frames). */
  image: string;
  base: 'source' | 'item';
  calib: CalibRef | null;
}

export interface RigInput {
  /** The item's file name relative to its source (nuScenes entries are matched by it). */
  itemName?: string;
  companions?: Record<string, string>;
  /** A sequence frame's camera images (name -> path relative to the item). */
  frameImages?: Record<string, string>;
  /** The sequence's calibration file (relative to the item), when it has one. */
  sequenceCalibration?: string;
}

const SUSTECH_IMAGE = /(?:^|\/)camera\/([^/]+)\/[^/]+$/;
/** nuScenes sample files: <log>__<CHANNEL>__<timestamp>.<ext>. */
const NUSCENES_CHANNEL = /__([A-Z_]+?)__\d+\.[^/]+$/;

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** nuScenes' ring in strip order: front, then left / right pairs (they share a row), then back. */
const NUSCENES_ORDER = ['CAM_FRONT', 'CAM_FRONT_LEFT', 'CAM_FRONT_RIGHT', 'CAM_BACK_LEFT', 'CAM_BACK_RIGHT', 'CAM_BACK'];

/** Front cameras first (the one annotators look at), then the rest in their stored order. */
function primaryFirst(slots: CameraSlot[]): CameraSlot[] {
  if (slots.length && slots.every((s) => NUSCENES_ORDER.includes(s.name)))
    return [...slots].sort((a, b) => NUSCENES_ORDER.indexOf(a.name) - NUSCENES_ORDER.indexOf(b.name));
  const front = slots.findIndex((s) => /^(image_2|front)$/.test(s.name));
  return front > 0 ? [slots[front], ...slots.slice(0, front), ...slots.slice(front + 1)] : slots;
}

/** Every camera of the item (or of one sequence frame), the primary one first. */
export function cameraSlots(input: RigInput): CameraSlot[] {
  const c = input.companions ?? {};
  const slots: CameraSlot[] = [];
  if (input.frameImages) {
    for (const [name, image] of Object.entries(input.frameImages)) {
      const calib: CalibRef | null = input.sequenceCalibration ? { kind: 'sequence', file: input.sequenceCalibration, camera: name } : null;
      slots.push({ name, image, base: 'item', calib });
    }
    return primaryFirst(slots);
  }
  const images = Object.entries(c).filter(([k]) => k === 'image' || k.startsWith('image:'));
  for (const [key, image] of images) {
    const sustech = SUSTECH_IMAGE.exec(image);
    const channel = NUSCENES_CHANNEL.exec(baseName(image));
    if (c.calib && (key === 'image' || key === 'image:image_3')) {
      // KITTI: image_2 is P2 (the labelled left colour camera), image_3 is P3.
      const index = key === 'image' ? 2 : 3;
      slots.push({ name: `image_${index}`, image, base: 'source', calib: { kind: 'kitti', file: c.calib, index } });
    } else if (c.info && channel) {
      const lidar = baseName(input.itemName ?? '');
      slots.push({ name: channel[1], image, base: 'source', calib: { kind: 'nuscenes', file: c.info, camera: channel[1], lidar } });
    } else if (sustech) {
      const file = c[`calib:${sustech[1]}`];
      slots.push({ name: sustech[1], image, base: 'source', calib: file ? { kind: 'sustech', file } : null });
    } else {
      slots.push({ name: key === 'image' ? baseName(image) : key.slice('image:'.length), image, base: 'source', calib: null });
    }
  }
  return primaryFirst(slots);
}

interface SequenceCalibration {
  cameras?: Record<string, { width: number; height: number; intrinsic: number[] | number[][]; lidarToCamera: number[] | number[][] }>;
}

/**
 * The camera model of a slot from its calibration file's content (text; for a sequence the parsed
 * calibration.json is accepted too) and the image's natural size. Throws FileFormatError with the
 * file's name when the file does not describe this camera.
 */
export function resolveCameraModel(slot: CameraSlot, content: string | object, width: number, height: number): CameraModel | null {
  const ref = slot.calib;
  if (!ref) return null;
  const text = () => (typeof content === 'string' ? content : JSON.stringify(content));
  switch (ref.kind) {
    case 'kitti':
      return kittiCameraModel(parseKittiCalib(text(), ref.file), ref.index, width, height);
    case 'sustech':
      return parseSustechCalib(text(), ref.file, width, height, slot.name);
    case 'nuscenes': {
      const info = (typeof content === 'string' ? parseInfoJson(content, ref.file) : content) as { data_list?: Array<{ lidar_points?: { lidar_path?: string }; images?: object }> };
      const list = info.data_list ?? [];
      // The entry of this cloud (by file name); a file describing one sample needs no match.
      const entry = list.find((e) => baseName(e.lidar_points?.lidar_path ?? '') === ref.lidar) ?? (list.length === 1 ? list[0] : undefined);
      if (!entry) throw new FileFormatError(ref.file, `no data_list entry has lidar_path ${ref.lidar}`);
      return nuScenesCameraModels(entry as Parameters<typeof nuScenesCameraModels>[0], ref.file, { width, height })[ref.camera] ?? null;
    }
    case 'sequence': {
      const cal = (typeof content === 'string' ? JSON.parse(content) : content) as SequenceCalibration;
      const cam = cal.cameras?.[ref.camera];
      if (!cam) return null;
      return { name: ref.camera, width: cam.width, height: cam.height, K: cam.intrinsic.flat(), lidarToCamera: cam.lidarToCamera.flat() };
    }
  }
}

/**
 * Pixels of the box's projected outline (the bounding rectangle of its clipped wireframe) that
 * fall inside the image: 0 when the box is behind the camera or outside the picture.
 */
export function boxAreaInImage(box: Cuboid3D, camera: CameraModel): number {
  const segs = projectCuboidWireframe(box, camera);
  if (!segs.length) return 0;
  let u0 = Infinity, v0 = Infinity, u1 = -Infinity, v1 = -Infinity;
  for (const s of segs)
    for (const p of [s.a, s.b]) {
      if (p[0] < u0) u0 = p[0];
      if (p[0] > u1) u1 = p[0];
      if (p[1] < v0) v0 = p[1];
      if (p[1] > v1) v1 = p[1];
    }
  const w = Math.min(u1, camera.width) - Math.max(u0, 0);
  const h = Math.min(v1, camera.height) - Math.max(v0, 0);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Strip order for a selected box: cameras it projects into, largest projected area first (as a
 * share of the image, so a 2048 px camera does not outrank a 1242 px one by size alone); the
 * others keep their order after them. Without a box the order is unchanged. Returns indices.
 */
export function rankCameras(box: Cuboid3D | null, cameras: ReadonlyArray<CameraModel | null>): number[] {
  const order = cameras.map((_, i) => i);
  if (!box) return order;
  const score = cameras.map((c) => (c ? boxAreaInImage(box, c) / (c.width * c.height) : 0));
  return order.sort((a, b) => score[b] - score[a] || a - b);
}

/**
 * The same camera for points in scene coordinates (the cloud recentred by `offset`, see
 * core/editing/lidar/sceneFrame.ts): file = scene + offset, so the extrinsic is composed with
 * that translation. Calibrations are in the file's coordinates; this avoids copying the cloud.
 */
export function cameraForScene(camera: CameraModel, offset: readonly [number, number, number]): CameraModel {
  if (!offset[0] && !offset[1] && !offset[2]) return camera;
  const T = camera.lidarToCamera;
  const out = T.slice();
  for (let r = 0; r < 3; r++) out[r * 4 + 3] = T[r * 4 + 3] + T[r * 4] * offset[0] + T[r * 4 + 1] * offset[1] + T[r * 4 + 2] * offset[2];
  return { ...camera, lidarToCamera: out };
}
