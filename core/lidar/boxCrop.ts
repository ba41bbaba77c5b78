/**
 * Small pictures of one cuboid for reviewing a prediction without opening its frame (the Models
 * tab's review strip). Pure: points and calibrations in, RGBA bytes or a pixel rectangle out; the
 * host encodes and cuts with sharp.
 *
 * - `rasterizeBoxCrop`: the bird's-eye view of the box's surroundings in the box's own frame
 *   (heading up), the box's length or width plus a margin on each side, points coloured by
 *   height over the box's vertical span, points inside the box bright, the footprint outlined.
 * - `cameraCropRect`: where the box appears in a calibrated camera image (its projected
 *   wireframe's bounds with a margin, clipped to the image), or null when it is behind the camera
 *   or outside the image.
 */
import type { Cuboid3D } from '../document/schema';
import { projectCuboidWireframe, type CameraModel, type ProjectedSegment } from '../calib/camera';
import { BIRDS_EYE_BACKGROUND, heightColor, type BirdsEyeImage } from './birdsEye';

export interface BoxCropOptions {
  /** Side in pixels (default 96). */
  size?: number;
  /** Metres shown around the box on each side (default 1.5). */
  margin?: number;
}

export function rasterizeBoxCrop(positions: Float32Array, count: number, box: Cuboid3D, options: BoxCropOptions = {}): BirdsEyeImage {
  const size = Math.max(8, Math.floor(options.size ?? 96));
  const margin = options.margin ?? 1.5;
  const data = new Uint8Array(size * size * 4);
  const bg = BIRDS_EYE_BACKGROUND;
  for (let p = 0; p < size * size; p++) data.set([bg[0], bg[1], bg[2], 255], p * 4);
  const half = Math.max(box.size[0], box.size[1]) / 2 + margin; // metres from the centre to the edge
  const scale = size / (2 * half); // pixels per metre
  const [cx, cy, cz] = box.center;
  const c = Math.cos(box.yaw), s = Math.sin(box.yaw);
  const bottom = cz - box.size[2] / 2, top = cz + box.size[2] / 2;
  const zMin = bottom - 0.3, zMax = top + 0.8; // the ground just under it and a little above
  const best = new Float32Array(size * size).fill(-Infinity);
  const n = Math.min(count, Math.floor(positions.length / 3));
  for (let i = 0; i < n; i++) {
    const z = positions[i * 3 + 2];
    if (!(z >= zMin && z <= zMax)) continue;
    const dx = positions[i * 3] - cx, dy = positions[i * 3 + 1] - cy;
    const lx = dx * c + dy * s; // along the heading
    const ly = -dx * s + dy * c; // to the left
    if (Math.abs(lx) >= half || Math.abs(ly) >= half) continue;
    // Heading up, left to the left.
    const px = Math.floor((half - ly) * scale), py = Math.floor((half - lx) * scale);
    const k = py * size + px;
    if (z <= best[k]) continue;
    best[k] = z;
    const inside = Math.abs(lx) <= box.size[0] / 2 && Math.abs(ly) <= box.size[1] / 2 && z >= bottom && z <= top;
    const [r, g, b] = heightColor((z - bottom) / Math.max(0.1, box.size[2]));
    const dim = inside ? 1 : 0.45; // the box's own points stand out
    data.set([Math.round(r * dim), Math.round(g * dim), Math.round(b * dim), 255], k * 4);
  }
  // The footprint outline (white), heading edge in the box's front.
  const l = (box.size[0] / 2) * scale, w = (box.size[1] / 2) * scale, mid = size / 2;
  const line = (x0: number, y0: number, x1: number, y1: number) => {
    const steps = Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))) + 1;
    for (let t = 0; t <= steps; t++) {
      const x = Math.round(x0 + ((x1 - x0) * t) / steps), y = Math.round(y0 + ((y1 - y0) * t) / steps);
      if (x >= 0 && y >= 0 && x < size && y < size && (t >> 1) % 2 === 0) data.set([240, 244, 248, 255], (y * size + x) * 4); // dashed, as in the editor
    }
  };
  line(mid - w, mid - l, mid + w, mid - l);
  line(mid + w, mid - l, mid + w, mid + l);
  line(mid + w, mid + l, mid - w, mid + l);
  line(mid - w, mid + l, mid - w, mid - l);
  line(mid, mid, mid, mid - l); // heading
  return { width: size, height: size, data };
}

export interface CropRect {
  left: number;
  top: number;
  width: number;
  height: number;
  /** The projected wireframe, in the crop's pixels. */
  segments: ProjectedSegment[];
}

/** The box's projected bounds in a camera image, grown by `margin` of its size, clipped; null when not visible. */
export function cameraCropRect(box: Cuboid3D, camera: CameraModel, margin = 0.15): CropRect | null {
  const segs = projectCuboidWireframe(box, camera);
  if (segs.length < 12) return null; // partly behind the camera: not a useful crop
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const sg of segs) for (const [x, y] of [sg.a, sg.b]) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return null;
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
  }
  const mx = (x1 - x0) * margin + 4, my = (y1 - y0) * margin + 4;
  const left = Math.max(0, Math.floor(x0 - mx)), top = Math.max(0, Math.floor(y0 - my));
  const right = Math.min(camera.width, Math.ceil(x1 + mx)), bottom = Math.min(camera.height, Math.ceil(y1 + my));
  if (right - left < 4 || bottom - top < 4) return null; // outside the image
  const segments = segs.map((sg) => ({ edge: sg.edge, a: [sg.a[0] - left, sg.a[1] - top] as [number, number], b: [sg.b[0] - left, sg.b[1] - top] as [number, number] }));
  return { left, top, width: right - left, height: bottom - top, segments };
}
