/**
 * Cuboid geometry on typed arrays. Boxes follow the document schema: centre, size =
 * [length along heading, width, height], yaw about +z counter-clockwise from +x, LiDAR frame.
 */
import type { Cuboid3D } from '../document/schema';

export type Vec3 = [number, number, number];

/** A Cuboid3D built from parts; keeps call sites short. */
export function makeCuboid(center: Vec3, size: Vec3, yaw: number): Cuboid3D {
  return { kind: 'cuboid3d', center, size, yaw };
}

/**
 * Cuboids are stored in a cloud file's own coordinates, while the parser may recentre the points
 * by an `offset` (large UTM-like coordinates) so float32 keeps their precision. These move a
 * cuboid into the recentred frame of the points and back; with a zero offset they return the box.
 */
export function cuboidInCloud(b: Cuboid3D, offset: readonly [number, number, number]): Cuboid3D {
  if (offset[0] === 0 && offset[1] === 0 && offset[2] === 0) return b;
  return { ...b, center: [b.center[0] - offset[0], b.center[1] - offset[1], b.center[2] - offset[2]] };
}

export function cuboidInFile(b: Cuboid3D, offset: readonly [number, number, number]): Cuboid3D {
  if (offset[0] === 0 && offset[1] === 0 && offset[2] === 0) return b;
  return { ...b, center: [b.center[0] + offset[0], b.center[1] + offset[1], b.center[2] + offset[2]] };
}

/** Wraps an angle into (-PI, PI]. */
export { normalizeAngle } from '../geometry/angle';

/**
 * The 8 corners as a flat Float64Array [x0,y0,z0, ...]. Order: bottom face 0-3 then top face 4-7,
 * each counter-clockwise seen from above starting at front-left (+length/2, +width/2).
 * Corner i+4 sits straight above corner i, so edges are easy to enumerate (see CUBOID_EDGES).
 */
export function cuboidCorners(box: Cuboid3D, out = new Float64Array(24)): Float64Array {
  const [cx, cy, cz] = box.center;
  const hl = box.size[0] / 2;
  const hw = box.size[1] / 2;
  const hh = box.size[2] / 2;
  const c = Math.cos(box.yaw);
  const s = Math.sin(box.yaw);
  const local = [
    [hl, hw],
    [-hl, hw],
    [-hl, -hw],
    [hl, -hw],
  ];
  for (let i = 0; i < 4; i++) {
    const [lx, ly] = local[i];
    const x = cx + lx * c - ly * s;
    const y = cy + lx * s + ly * c;
    out[i * 3] = x;
    out[i * 3 + 1] = y;
    out[i * 3 + 2] = cz - hh;
    out[(i + 4) * 3] = x;
    out[(i + 4) * 3 + 1] = y;
    out[(i + 4) * 3 + 2] = cz + hh;
  }
  return out;
}

/** The 12 edges as corner index pairs: bottom ring, top ring, verticals. */
export const CUBOID_EDGES: ReadonlyArray<readonly [number, number]> = [
  [0, 1], [1, 2], [2, 3], [3, 0],
  [4, 5], [5, 6], [6, 7], [7, 4],
  [0, 4], [1, 5], [2, 6], [3, 7],
];

/** Bird's-eye footprint: 4 corners [x0,y0,...,x3,y3], counter-clockwise. */
export function cuboidFootprint(box: Cuboid3D, out = new Float64Array(8)): Float64Array {
  const [cx, cy] = box.center;
  const hl = box.size[0] / 2;
  const hw = box.size[1] / 2;
  const c = Math.cos(box.yaw);
  const s = Math.sin(box.yaw);
  const lx = [hl, -hl, -hl, hl];
  const ly = [hw, hw, -hw, -hw];
  for (let i = 0; i < 4; i++) {
    out[i * 2] = cx + lx[i] * c - ly[i] * s;
    out[i * 2 + 1] = cy + lx[i] * s + ly[i] * c;
  }
  return out;
}

/**
 * Which points lie inside the box (faces inclusive); rollPitch is ignored, as elsewhere in the
 * LiDAR tools. positions is x,y,z interleaved. The box is turned into one translation and a 2D
 * rotation up front so the loop does a few multiply-adds per point and allocates nothing.
 *
 * `out` selects the output form: a Uint8Array (length >= count) receives a 0/1 mask; a
 * Uint32Array (length >= count, or at least the number of inside points) receives the indices of
 * inside points, in order. Returns the number of inside points either way.
 */
export function pointsInBox(
  positions: Float32Array,
  count: number,
  box: Cuboid3D,
  out?: Uint8Array | Uint32Array,
): number {
  const [cx, cy, cz] = box.center;
  const hl = box.size[0] / 2;
  const hw = box.size[1] / 2;
  const hh = box.size[2] / 2;
  const c = Math.cos(box.yaw);
  const s = Math.sin(box.yaw);
  // A circumscribed radius test rejects most far points before the rotation.
  const r2 = hl * hl + hw * hw;
  const mask = out instanceof Uint8Array ? out : undefined;
  const indices = out instanceof Uint32Array ? out : undefined;
  let inside = 0;
  for (let i = 0; i < count; i++) {
    const dx = positions[i * 3] - cx;
    const dy = positions[i * 3 + 1] - cy;
    const dz = positions[i * 3 + 2] - cz;
    let hit = false;
    if (dz <= hh && dz >= -hh && dx * dx + dy * dy <= r2) {
      const lx = dx * c + dy * s;
      const ly = -dx * s + dy * c;
      hit = lx <= hl && lx >= -hl && ly <= hw && ly >= -hw;
    }
    if (hit) {
      if (indices) indices[inside] = i;
      inside++;
    }
    if (mask) mask[i] = hit ? 1 : 0;
  }
  return inside;
}
