/** Small geometry helpers shared by formats and tools. */
import type { Geometry } from '../document/schema';

type RotatedBox = Extract<Geometry, { kind: 'rotatedBox' }>;

/**
 * Corners of a rotated box as a flat polygon, starting at the unrotated top-left and going
 * clockwise on screen (y down), rotated by `angle` about the centre.
 */
export function rotatedBoxCorners(g: RotatedBox): number[] {
  const cos = Math.cos(g.angle), sin = Math.sin(g.angle);
  const corners: number[] = [];
  for (const [dx, dy] of [[-1, -1], [1, -1], [1, 1], [-1, 1]]) {
    const x = (dx * g.w) / 2, y = (dy * g.h) / 2;
    corners.push(g.cx + x * cos - y * sin, g.cy + x * sin + y * cos);
  }
  return corners;
}

/** [x, y, w, h] extent of flat points, or undefined for none. */
export function pointsExtent(flat: readonly number[]): [number, number, number, number] | undefined {
  if (flat.length < 2) return undefined;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    x0 = Math.min(x0, flat[i]);
    x1 = Math.max(x1, flat[i]);
    y0 = Math.min(y0, flat[i + 1]);
    y1 = Math.max(y1, flat[i + 1]);
  }
  return [x0, y0, x1 - x0, y1 - y0];
}
