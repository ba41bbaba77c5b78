/** Ray picking in scene coordinates, pure: the ground under the pointer and the cuboid clicked. */
import type { Cuboid3D } from '../../../../core/document/schema';
import { groundHeight, type FrameIndex } from '../../../../core/lidar/frameIndex';
import { footprintContains } from '../../../../core/editing/lidar/boxEdit';
import type { Ray, Vec3 } from './types';

/** Where the ray meets the plane z = `z`, or null when it runs parallel or away. */
export function rayAtHeight(ray: Ray, z: number): [number, number, number] | null {
  const { origin: o, direction: d } = ray;
  if (Math.abs(d[2]) < 1e-6) return null;
  const t = (z - o[2]) / d[2];
  if (t <= 0) return null;
  return [o[0] + d[0] * t, o[1] + d[1] * t, z];
}

/**
 * Where the ray meets the ground: the ground map's height (refined three times, as the ground
 * under the hit depends on where the hit is), or -1.7 m without an index.
 */
export function rayToGround(ray: Ray, index: FrameIndex | null): Vec3 | null {
  if (!index) return rayAtHeight(ray, -1.7);
  let z = groundHeight(index, 0, 0);
  let p: [number, number, number] | null = null;
  for (let it = 0; it < 3; it++) {
    p = rayAtHeight(ray, z);
    if (!p) return null;
    z = groundHeight(index, p[0], p[1]);
  }
  return p && [p[0], p[1], z];
}

/** The cuboid whose footprint (at its own centre height, 0.3 m margin) the ray hits nearest its centre. */
export function pickBox(ray: Ray, boxes: readonly { id: string; box: Cuboid3D }[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const { id, box } of boxes) {
    const p = rayAtHeight(ray, box.center[2]);
    if (!p || !footprintContains(box, p[0], p[1], 0.3)) continue;
    const d = Math.hypot(p[0] - box.center[0], p[1] - box.center[1]);
    if (d < bestD) {
      bestD = d;
      best = id;
    }
  }
  return best;
}
