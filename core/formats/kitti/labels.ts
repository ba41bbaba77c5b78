/**
 * KITTI object labels (label_2/*.txt), one object per line:
 *   type truncated occluded alpha x1 y1 x2 y2 h w l x y z rotation_y [score]
 * 3D values are in the rectified camera-0 frame (x right, y down, z forward); (x, y, z) is the
 * centre of the box's bottom face and rotation_y turns about camera y. We convert to the LiDAR
 * frame with the full calibration (not the usual "-ry - pi/2" shortcut) so boxes sit right on
 * the points.
 */
import type { AnnotationObject, Cuboid3D } from '../../document/schema';
import { FileFormatError } from '../../calib/errors';
import { DEFAULT_NEAR, projectCameraPoint, type CameraModel } from '../../calib/camera';
import { kittiRectToVelo, kittiVeloToRect, type KittiCalib } from '../../calib/kitti';
import { transformDirection, transformPoint } from '../../calib/matrix';
import { cuboidCorners, normalizeAngle } from '../../lidar/box';
import type { LidarFrame } from '../../lidar/item';

export interface KittiLabel {
  type: string;
  truncated: number;
  occluded: number;
  alpha: number;
  bbox: [number, number, number, number];
  /** Height, width, length in metres (KITTI's order). */
  dimensions: [number, number, number];
  /** Bottom-centre in rectified camera coordinates. */
  location: [number, number, number];
  rotationY: number;
  score?: number;
}

export function parseKittiLabels(text: string, file = 'label.txt'): KittiLabel[] {
  const out: KittiLabel[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const parts = line.trim().split(/\s+/);
    if (parts.length === 1 && parts[0] === '') return;
    if (parts.length !== 15 && parts.length !== 16)
      throw new FileFormatError(file, `line ${i + 1}: expected 15 or 16 fields, found ${parts.length}`);
    const v = parts.slice(1).map(Number);
    const bad = v.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new FileFormatError(file, `line ${i + 1}: field ${bad + 2} "${parts[bad + 1]}" is not a number`);
    out.push({
      type: parts[0],
      truncated: v[0],
      occluded: v[1],
      alpha: v[2],
      bbox: [v[3], v[4], v[5], v[6]],
      dimensions: [v[7], v[8], v[9]],
      location: [v[10], v[11], v[12]],
      rotationY: v[13],
      score: parts.length === 16 ? v[14] : undefined,
    });
  });
  return out;
}

/** Lines with no 3D box (DontCare, or dimensions written as -1). */
export function hasNo3DBox(label: KittiLabel): boolean {
  return label.type === 'DontCare' || label.dimensions.some((d) => d <= 0) || label.location[2] <= -999;
}

/** KITTI label -> LiDAR-frame cuboid (centre at the box centre, yaw about LiDAR +z). */
export function kittiLabelToCuboid(label: KittiLabel, calib: KittiCalib): Cuboid3D {
  const rectToVelo = kittiRectToVelo(calib);
  const [h, w, l] = label.dimensions;
  const [x, y, z] = label.location;
  const center = transformPoint(rectToVelo, [x, y - h / 2, z]); // camera y points down
  // The object's heading in camera coordinates is R_y(ry) * (1, 0, 0) = (cos ry, 0, -sin ry).
  const heading = transformDirection(rectToVelo, [Math.cos(label.rotationY), 0, -Math.sin(label.rotationY)]);
  return { kind: 'cuboid3d', center, size: [l, w, h], yaw: Math.atan2(heading[1], heading[0]) };
}

/** LiDAR-frame cuboid -> KITTI location (bottom centre), dimensions (h w l) and rotation_y. */
export function cuboidToKittiPose(
  box: Cuboid3D,
  calib: KittiCalib,
): Pick<KittiLabel, 'dimensions' | 'location' | 'rotationY'> {
  const veloToRect = kittiVeloToRect(calib);
  const [l, w, h] = box.size;
  const c = transformPoint(veloToRect, box.center);
  const heading = transformDirection(veloToRect, [Math.cos(box.yaw), Math.sin(box.yaw), 0]);
  return {
    dimensions: [h, w, l],
    location: [c[0], c[1] + h / 2, c[2]],
    rotationY: normalizeAngle(Math.atan2(-heading[2], heading[0])),
  };
}

/** Observation angle: rotation_y minus the azimuth of the object seen from the camera. */
export function kittiAlpha(location: [number, number, number], rotationY: number): number {
  return normalizeAngle(rotationY - Math.atan2(location[0], location[2]));
}

/**
 * 2D box of the projected cuboid, clipped to the image, and the truncation estimate (share of the
 * unclipped box outside the image). Corners behind the camera are ignored; null when none is in front.
 */
export function projectedBox2D(
  box: Cuboid3D,
  camera: CameraModel,
): { bbox: [number, number, number, number]; truncated: number } | null {
  const corners = cuboidCorners(box);
  let x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
  for (let i = 0; i < 8; i++) {
    const [cx, cy, cz] = transformPoint(camera.lidarToCamera, corners.subarray(i * 3, i * 3 + 3));
    if (cz <= DEFAULT_NEAR) continue;
    const [u, v] = projectCameraPoint(camera.K, cx, cy, cz);
    x1 = Math.min(x1, u); x2 = Math.max(x2, u);
    y1 = Math.min(y1, v); y2 = Math.max(y2, v);
  }
  if (!Number.isFinite(x1)) return null;
  const cx1 = Math.max(0, x1), cy1 = Math.max(0, y1);
  const cx2 = Math.min(camera.width - 1, x2), cy2 = Math.min(camera.height - 1, y2);
  const full = (x2 - x1) * (y2 - y1);
  const kept = Math.max(0, cx2 - cx1) * Math.max(0, cy2 - cy1);
  return { bbox: [cx1, cy1, cx2, cy2], truncated: full > 0 ? Math.min(1, Math.max(0, 1 - kept / full)) : 0 };
}

// Attributes that carry KITTI-only fields through an edit round trip.
const ATTR_TRUNCATED = 'kitti_truncated';
const ATTR_OCCLUDED = 'kitti_occluded';
const ATTR_BBOX = 'kitti_bbox';
/** Signature of the imported geometry: the hand-drawn 2D box is kept only while the cuboid is unedited. */
const ATTR_BBOX_FOR = 'kitti_bbox_for';

function geometrySignature(box: Cuboid3D): string {
  return [...box.center, ...box.size, box.yaw].map((v) => v.toFixed(6)).join(' ');
}

export interface KittiImportOptions {
  file?: string;
  frame?: number;
  name?: string;
}

/**
 * One label file -> one frame. 3D objects become cuboid3d in the LiDAR frame; DontCare (and any
 * line without a 3D box) becomes a box2d in image-2 pixels. Truncation, occlusion and the
 * hand-drawn 2D box are kept in attributes so an unedited round trip is faithful.
 */
export function importKittiLabels(text: string, calib: KittiCalib, options: KittiImportOptions = {}): LidarFrame {
  const frame = options.frame ?? 0;
  const name = options.name ?? String(frame).padStart(6, '0');
  const objects = parseKittiLabels(text, options.file).map((label, i): AnnotationObject => {
    const [x1, y1, x2, y2] = label.bbox;
    const attributes: AnnotationObject['attributes'] = {
      [ATTR_TRUNCATED]: label.truncated,
      [ATTR_OCCLUDED]: label.occluded,
    };
    const source: AnnotationObject['source'] =
      label.score === undefined ? { kind: 'human' } : { kind: 'model', model: 'kitti', score: Math.min(1, Math.max(0, label.score)) };
    const base = { id: `kitti-${name}-${i}`, label: label.type, frame, zOrder: 0, source, attributes };
    if (hasNo3DBox(label)) return { ...base, geometry: { kind: 'box2d', x1, y1, x2, y2 } };
    const geometry = kittiLabelToCuboid(label, calib);
    attributes[ATTR_BBOX] = label.bbox.join(' ');
    attributes[ATTR_BBOX_FOR] = geometrySignature(geometry);
    return { ...base, geometry };
  });
  return { frame, name, objects };
}

/**
 * Objects of one frame -> label text. alpha is recomputed from the pose. The 2D box is the stored
 * hand-drawn one while the cuboid is unedited, and the clipped projection of the cuboid otherwise
 * (or always, with recomputeBox2d). Objects with other geometry kinds are skipped.
 */
export function exportKittiLabels(
  objects: ReadonlyArray<AnnotationObject>,
  calib: KittiCalib,
  camera: CameraModel,
  options: { recomputeBox2d?: boolean } = {},
): string {
  const lines: string[] = [];
  for (const obj of objects) {
    const g = obj.geometry;
    const score = obj.source.kind === 'human' ? undefined : obj.source.score;
    const num = (key: string, fallback: number) => (typeof obj.attributes[key] === 'number' ? (obj.attributes[key] as number) : fallback);
    if (g.kind === 'box2d') {
      lines.push(formatKittiLabel({
        type: obj.label, truncated: num(ATTR_TRUNCATED, -1), occluded: num(ATTR_OCCLUDED, -1), alpha: -10,
        bbox: [g.x1, g.y1, g.x2, g.y2], dimensions: [-1, -1, -1], location: [-1000, -1000, -1000], rotationY: -10, score,
      }));
      continue;
    }
    if (g.kind !== 'cuboid3d') continue;
    const pose = cuboidToKittiPose(g, calib);
    const stored = obj.attributes[ATTR_BBOX];
    const unedited = typeof stored === 'string' && obj.attributes[ATTR_BBOX_FOR] === geometrySignature(g);
    const projected = projectedBox2D(g, camera);
    let bbox: [number, number, number, number];
    if (unedited && !options.recomputeBox2d) bbox = stored.split(' ').map(Number) as [number, number, number, number];
    else bbox = projected?.bbox ?? [0, 0, 0, 0];
    lines.push(formatKittiLabel({
      type: obj.label,
      truncated: unedited ? num(ATTR_TRUNCATED, 0) : projected?.truncated ?? 1,
      occluded: num(ATTR_OCCLUDED, 0),
      alpha: kittiAlpha(pose.location, pose.rotationY),
      bbox,
      ...pose,
      score,
    }));
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** Writes one line with KITTI's precision (two decimals, occlusion as an integer). */
export function formatKittiLabel(l: KittiLabel): string {
  const f = (v: number) => (Object.is(Math.round(v * 100) / 100, -0) ? 0 : v).toFixed(2);
  const fields = [
    l.type, f(l.truncated), String(Math.round(l.occluded)), f(l.alpha),
    ...l.bbox.map(f), ...l.dimensions.map(f), ...l.location.map(f), f(l.rotationY),
  ];
  if (l.score !== undefined) fields.push(l.score.toFixed(4));
  return fields.join(' ');
}
