/**
 * Overlap of oriented boxes: bird's-eye IoU via convex polygon clipping, and 3D IoU as the
 * bird's-eye intersection times the vertical overlap (boxes are upright; rollPitch is ignored).
 */
import type { Cuboid3D } from '../document/schema';
import { cuboidFootprint } from './box';

/** Signed area of a polygon given as flat [x0,y0,...]; positive when counter-clockwise. */
export function polygonArea(poly: ArrayLike<number>, n = poly.length / 2): number {
  let a = 0;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    a += poly[i * 2] * poly[j * 2 + 1] - poly[j * 2] * poly[i * 2 + 1];
  }
  return a / 2;
}

/**
 * Intersection of two convex counter-clockwise polygons (Sutherland-Hodgman: clip `subject` by
 * each edge of `clip`). Returns a flat array; empty when they do not overlap.
 */
export function clipConvexPolygons(subject: ArrayLike<number>, clip: ArrayLike<number>): number[] {
  let output: number[] = Array.from(subject);
  const m = clip.length / 2;
  for (let e = 0; e < m && output.length > 0; e++) {
    const ax = clip[e * 2];
    const ay = clip[e * 2 + 1];
    const bx = clip[((e + 1) % m) * 2];
    const by = clip[((e + 1) % m) * 2 + 1];
    // Inside = left of the directed edge a->b (counter-clockwise clip polygon).
    const side = (x: number, y: number) => (bx - ax) * (y - ay) - (by - ay) * (x - ax);
    const input = output;
    output = [];
    const n = input.length / 2;
    for (let i = 0; i < n; i++) {
      const px = input[i * 2];
      const py = input[i * 2 + 1];
      const qx = input[((i + 1) % n) * 2];
      const qy = input[((i + 1) % n) * 2 + 1];
      const sp = side(px, py);
      const sq = side(qx, qy);
      if (sp >= 0) output.push(px, py);
      if ((sp >= 0) !== (sq >= 0)) {
        const t = sp / (sp - sq);
        output.push(px + t * (qx - px), py + t * (qy - py));
      }
    }
  }
  return output;
}

/** Bird's-eye intersection area of two boxes' footprints. */
export function bevIntersectionArea(a: Cuboid3D, b: Cuboid3D): number {
  const dx = a.center[0] - b.center[0];
  const dy = a.center[1] - b.center[1];
  const ra = Math.hypot(a.size[0], a.size[1]) / 2;
  const rb = Math.hypot(b.size[0], b.size[1]) / 2;
  if (dx * dx + dy * dy > (ra + rb) * (ra + rb)) return 0; // cheap reject for far-apart boxes
  const inter = clipConvexPolygons(cuboidFootprint(a), cuboidFootprint(b));
  return inter.length >= 6 ? Math.abs(polygonArea(inter)) : 0;
}

/** Bird's-eye IoU of two oriented boxes, in [0, 1]. */
export function bevIoU(a: Cuboid3D, b: Cuboid3D): number {
  const inter = bevIntersectionArea(a, b);
  if (inter <= 0) return 0;
  const union = a.size[0] * a.size[1] + b.size[0] * b.size[1] - inter;
  return union > 0 ? inter / union : 0;
}

/** 3D IoU of two upright oriented boxes, in [0, 1]. */
export function iou3d(a: Cuboid3D, b: Cuboid3D): number {
  const zOverlap =
    Math.min(a.center[2] + a.size[2] / 2, b.center[2] + b.size[2] / 2) -
    Math.max(a.center[2] - a.size[2] / 2, b.center[2] - b.size[2] / 2);
  if (zOverlap <= 0) return 0;
  const inter = bevIntersectionArea(a, b) * zOverlap;
  if (inter <= 0) return 0;
  const va = a.size[0] * a.size[1] * a.size[2];
  const vb = b.size[0] * b.size[1] * b.size[2];
  return inter / (va + vb - inter);
}
