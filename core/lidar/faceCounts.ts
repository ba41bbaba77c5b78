/**
 * Per-face point counts and "fit face to points" for a cuboid, on typed arrays.
 *
 * Faces are numbered by axis and side in the box's own frame (0 forward / length, 1 left / width,
 * 2 up / height): FACE_FRONT (+length), FACE_BACK, FACE_LEFT (+width), FACE_RIGHT, FACE_TOP,
 * FACE_BOTTOM, i.e. face = axis * 2 + (side > 0 ? 0 : 1).
 *
 * A face "sits on the points" when the thin slab just inside it holds points: a car's visible
 * sides give hundreds, the far (occluded) side and a face pushed out into the air give none.
 */
import type { Cuboid3D } from '../document/schema';

export const FACE_FRONT = 0;
export const FACE_BACK = 1;
export const FACE_LEFT = 2;
export const FACE_RIGHT = 3;
export const FACE_TOP = 4;
export const FACE_BOTTOM = 5;
/** Default slab thickness, metres: thicker than a LiDAR's range noise (~2–3 cm), thin enough to be about one face. */
export const FACE_SLAB = 0.15;

export function faceIndex(axis: 0 | 1 | 2, side: 1 | -1): number {
  return axis * 2 + (side > 0 ? 0 : 1);
}

/**
 * For each of the 6 faces, how many points of the box lie within `slab` metres inside that face.
 * Only the points listed in `indices[0..indexCount)` are looked at when given (e.g. the points near
 * the box the editor already gathered), else every point. A point in a corner counts for each face
 * whose slab it is in; a box thinner than two slabs has overlapping slabs. Allocates nothing when
 * `out` is given.
 */
export function faceCounts(
  positions: Float32Array,
  count: number,
  box: Cuboid3D,
  slab = FACE_SLAB,
  out = new Uint32Array(6),
  indices?: Uint32Array,
  indexCount = indices ? indices.length : count,
): Uint32Array {
  out.fill(0);
  const [cx, cy, cz] = box.center;
  const hl = box.size[0] / 2, hw = box.size[1] / 2, hh = box.size[2] / 2;
  const c = Math.cos(box.yaw), s = Math.sin(box.yaw);
  const n = indices ? indexCount : count;
  for (let k = 0; k < n; k++) {
    const i = indices ? indices[k] : k;
    const dz = positions[i * 3 + 2] - cz;
    if (dz > hh || dz < -hh) continue;
    const dx = positions[i * 3] - cx, dy = positions[i * 3 + 1] - cy;
    const lx = dx * c + dy * s;
    if (lx > hl || lx < -hl) continue;
    const ly = -dx * s + dy * c;
    if (ly > hw || ly < -hw) continue;
    if (lx >= hl - slab) out[FACE_FRONT]++;
    if (lx <= -hl + slab) out[FACE_BACK]++;
    if (ly >= hw - slab) out[FACE_LEFT]++;
    if (ly <= -hw + slab) out[FACE_RIGHT]++;
    if (dz >= hh - slab) out[FACE_TOP]++;
    if (dz <= -hh + slab) out[FACE_BOTTOM]++;
  }
  return out;
}

export interface FaceSnapOptions {
  /** How far beyond the face points are still taken (a face a bit inside the object can grow to it), metres. */
  reach?: number;
  /** A gap along the axis wider than this ends the object: what lies beyond is a neighbour or a stray. */
  gap?: number;
  /** For the side faces, points less than this above the ground are left out (ground, kerb). */
  groundClear?: number;
  /** Share of the outermost points dropped as noise (range noise, mixed pixels at the silhouette). */
  trim?: number;
  /** Fewer points than this in the box's cross-section: no snap. */
  minPoints?: number;
}

const SNAP_DEFAULTS: Required<FaceSnapOptions> = { reach: 0.6, gap: 0.3, groundClear: 0.25, trim: 0.01, minPoints: 5 };

/**
 * "Fit face to points": where the face (axis, side) of `box` should go so it sits on the outermost
 * points of the object in that direction, as a box-local coordinate along `axis` (what
 * `dragFace(box, axis, side, to)` takes), or null when too few points support it.
 *
 * Robust to what a LiDAR frame puts around an object: only points inside the box's cross-section
 * (the other two axes) count; for the four side faces points near the ground are left out (the
 * ground is estimated as the 5th percentile of z around the box, so a box that sits below or above
 * the road does not matter); walking outward from the middle of the object, a gap wider than
 * `gap` ends it, so a neighbouring car parked 0.5 m away or a lone stray beyond it is not reached;
 * the outermost `trim` share of what is left is dropped. The bottom face goes to the ground.
 */
export function snapFaceToPoints(
  positions: Float32Array,
  box: Cuboid3D,
  axis: 0 | 1 | 2,
  side: 1 | -1,
  indices: Uint32Array | null,
  indexCount: number,
  options: FaceSnapOptions = {},
): number | null {
  const o = { ...SNAP_DEFAULTS, ...options };
  const [cx, cy, cz] = box.center;
  const half = [box.size[0] / 2, box.size[1] / 2, box.size[2] / 2];
  const c = Math.cos(box.yaw), s = Math.sin(box.yaw);
  const n = indices ? indexCount : positions.length / 3;
  const local = new Float64Array(3);
  const at = (k: number) => {
    const i = indices ? indices[k] : k;
    const dx = positions[i * 3] - cx, dy = positions[i * 3 + 1] - cy;
    local[0] = dx * c + dy * s;
    local[1] = -dx * s + dy * c;
    local[2] = positions[i * 3 + 2] - cz;
  };
  // Ground: a low percentile of z over the footprint grown by 1 m (ground returns around the object).
  const zs: number[] = [];
  for (let k = 0; k < n; k++) {
    at(k);
    if (Math.abs(local[0]) <= half[0] + 1 && Math.abs(local[1]) <= half[1] + 1) zs.push(local[2]);
  }
  if (zs.length < o.minPoints) return null;
  zs.sort((a, b) => a - b);
  const ground = zs[Math.floor(zs.length * 0.05)];
  if (axis === 2 && side < 0) return ground;

  const [p, q] = axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
  const along: number[] = [];
  for (let k = 0; k < n; k++) {
    at(k);
    if (Math.abs(local[p]) > half[p] || Math.abs(local[q]) > half[q]) continue;
    if (axis !== 2 && local[2] < ground + o.groundClear) continue;
    const t = local[axis] * side; // outward along the face's normal
    if (t < -half[axis] || t > half[axis] + o.reach) continue;
    along.push(t);
  }
  if (along.length < o.minPoints) return null;
  along.sort((a, b) => a - b);
  // Walk outward from the median; the first wide gap ends the object.
  let end = Math.floor(along.length / 2);
  while (end + 1 < along.length && along[end + 1] - along[end] <= o.gap) end++;
  const kept = end + 1;
  const outer = along[Math.max(0, end - Math.floor(kept * o.trim))];
  return outer * side;
}
