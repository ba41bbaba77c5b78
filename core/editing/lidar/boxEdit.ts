/**
 * Pure cuboid edits used by the LiDAR editor: keyboard nudges in the box frame, edge drags in the
 * orthographic sub-views, and the line-segment buffer for drawing every cuboid at once.
 */
import type { AnnotationObject, Cuboid3D } from '../../document/schema';
import { withEditedGeometry } from '../../document/provenance';
import { CUBOID_EDGES, cuboidCorners, normalizeAngle } from '../../lidar/box';

export const MIN_SIZE = 0.05;

/** A human edit of an object's cuboid: a model prediction becomes model-edited (model and score kept). */
export function applyBoxEdit<T extends AnnotationObject>(o: T, f: (b: Cuboid3D) => Cuboid3D): T {
  return withEditedGeometry(o, f(o.geometry as Cuboid3D));
}

/** Move by (forward, left, up) metres in the box's own frame. */
export function moveLocal(b: Cuboid3D, forward: number, left: number, up: number): Cuboid3D {
  const c = Math.cos(b.yaw), s = Math.sin(b.yaw);
  return { ...b, center: [b.center[0] + forward * c - left * s, b.center[1] + forward * s + left * c, b.center[2] + up] };
}

export function rotate(b: Cuboid3D, dYaw: number): Cuboid3D {
  return { ...b, yaw: normalizeAngle(b.yaw + dYaw) };
}

/** Grow (or shrink) one dimension symmetrically. */
export function resize(b: Cuboid3D, axis: 0 | 1 | 2, delta: number): Cuboid3D {
  const size = [...b.size] as Cuboid3D['size'];
  size[axis] = Math.max(MIN_SIZE, size[axis] + delta);
  return { ...b, size };
}

/** Local (box-frame) coordinates of a world point: [forward, left, up] from the centre. */
export function toLocal(b: Cuboid3D, x: number, y: number, z: number): [number, number, number] {
  const c = Math.cos(b.yaw), s = Math.sin(b.yaw);
  const dx = x - b.center[0], dy = y - b.center[1];
  return [dx * c + dy * s, -dx * s + dy * c, z - b.center[2]];
}

/**
 * Moves the face of `axis` on side `side` (+1 / -1) to local coordinate `to`, keeping the opposite
 * face where it is (what dragging an edge in a sub-view does).
 */
export function dragFace(b: Cuboid3D, axis: 0 | 1 | 2, side: 1 | -1, to: number): Cuboid3D {
  const h = b.size[axis] / 2;
  let lo = -h, hi = h;
  if (side > 0) hi = Math.max(to, lo + MIN_SIZE);
  else lo = Math.min(to, hi - MIN_SIZE);
  const size = [...b.size] as Cuboid3D['size'];
  size[axis] = hi - lo;
  const mid = (lo + hi) / 2;
  const moved = moveLocal(b, axis === 0 ? mid : 0, axis === 1 ? mid : 0, axis === 2 ? mid : 0);
  return { ...moved, size };
}

/** Vertices per cuboid in the line buffer: 12 edges + a heading arrow (3 segments), 2 each. */
export const VERTS_PER_BOX = 30;

/**
 * Writes the edges and a heading arrow (centre of the top face to the front, with two barbs) of
 * `box` into `pos`/`col` at vertex `v`. Returns the next vertex index.
 */
export function writeBoxLines(box: Cuboid3D, rgb: [number, number, number], pos: Float32Array, col: Float32Array, v: number, scratch = new Float64Array(24)): number {
  const k = cuboidCorners(box, scratch);
  const put = (x: number, y: number, z: number) => {
    pos[v * 3] = x; pos[v * 3 + 1] = y; pos[v * 3 + 2] = z;
    col[v * 3] = rgb[0]; col[v * 3 + 1] = rgb[1]; col[v * 3 + 2] = rgb[2];
    v++;
  };
  for (const [i, j] of CUBOID_EDGES) {
    put(k[i * 3], k[i * 3 + 1], k[i * 3 + 2]);
    put(k[j * 3], k[j * 3 + 1], k[j * 3 + 2]);
  }
  const c = Math.cos(box.yaw), s = Math.sin(box.yaw);
  const top = box.center[2] + box.size[2] / 2;
  const [cx, cy] = box.center;
  const hl = box.size[0] / 2;
  const tipX = cx + c * (hl + 0.6), tipY = cy + s * (hl + 0.6);
  put(cx, cy, top); put(tipX, tipY, top);
  const barb = 0.35;
  for (const sgn of [1, -1]) {
    const a = box.yaw + Math.PI + sgn * 0.5;
    put(tipX, tipY, top); put(tipX + Math.cos(a) * barb, tipY + Math.sin(a) * barb, top);
  }
  return v;
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}

/** Whether the world point (x, y) lies in the box footprint grown by `margin` metres. */
export function footprintContains(b: Cuboid3D, x: number, y: number, margin = 0): boolean {
  const [lx, ly] = toLocal(b, x, y, b.center[2]);
  return Math.abs(lx) <= b.size[0] / 2 + margin && Math.abs(ly) <= b.size[1] / 2 + margin;
}
