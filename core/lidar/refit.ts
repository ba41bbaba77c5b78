/**
 * Re-fitting existing cuboids to their points ("re-fit selected", "fit all boxes in this frame",
 * as SUSTechPOINTS users expect after a rough draw, a copy to the next frame or an import): each
 * box's bird's-eye footprint, grown by a margin, is the region of a draw-box fit (fit.ts), so the
 * box snaps to the object it already covers, with the class's size prior. A fit that lands far
 * from the box (the region held a neighbour more than the object) is refused and the box kept.
 */
import type { Cuboid3D } from '../document/schema';
import { cuboidCorners } from './box';
import { fitBoxAtClick, fitBoxInRegion, type FitOptions } from './fit';
import { bevIoU } from './iou';
import { frameIndexFor, type FrameIndex } from './frameIndex';

export interface RefitOptions extends FitOptions {
  /** Metres added around the box's footprint (default 0.5). */
  margin?: number;
}

/** The box fitted to the points it covers (same coordinates as `positions`), or null to keep it. */
export function refitCuboid(positions: Float32Array, count: number, box: Cuboid3D, options: RefitOptions = {}): Cuboid3D | null {
  const c = cuboidCorners(box);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < 8; i++) {
    x0 = Math.min(x0, c[i * 3]);
    x1 = Math.max(x1, c[i * 3]);
    y0 = Math.min(y0, c[i * 3 + 1]);
    y1 = Math.max(y1, c[i * 3 + 1]);
  }
  const m = options.margin ?? 0.5;
  // Two readings of "the object this box covers": the draw-box fit of its grown footprint, and a
  // one-click fit at its centre (the object whose outline encloses it). The rough box is the
  // user's statement of where the object is, so the one overlapping it most wins; a region that
  // also holds a wall or a neighbour can otherwise pull the box onto them.
  const index = options.index ?? frameIndexFor(positions, count);
  const opts = { ...options, index };
  const clickOpts = { ...opts, seedRadius: Math.min(box.size[0], box.size[1]) / 2 + m, maxRadius: Math.hypot(box.size[0], box.size[1]) / 2 + 2 * m };
  const centroid = obstacleCentroid(index, box);
  const fits = [
    fitBoxInRegion(positions, count, { x0: x0 - m, y0: y0 - m, x1: x1 + m, y1: y1 + m }, opts),
    fitBoxAtClick(positions, count, [box.center[0], box.center[1]], clickOpts),
    // Where the box's own object points are (a box pushed off a car still holds most of its faces).
    centroid && fitBoxAtClick(positions, count, centroid, clickOpts),
  ].filter((f): f is NonNullable<typeof f> => !!f);
  let best: { box: Cuboid3D; overlap: number } | null = null;
  for (const f of fits) {
    const overlap = bevIoU(f.box, box);
    if (!best || overlap > best.overlap) best = { box: f.box, overlap };
  }
  if (!best || best.overlap < 0.1) return null;
  const moved = Math.hypot(best.box.center[0] - box.center[0], best.box.center[1] - box.center[1]);
  if (moved > Math.max(1, box.size[0] / 2)) return null;
  return best.box;
}

/** Centroid of the obstacle points inside a box's footprint (bird's-eye), or null when none. */
function obstacleCentroid(index: FrameIndex, box: Cuboid3D): [number, number] | null {
  const { cellSize, originX, originY, nx, ny, cellStart, sorted, positions } = index;
  const c = Math.cos(-box.yaw), s = Math.sin(-box.yaw);
  const r = Math.hypot(box.size[0], box.size[1]) / 2;
  const gx0 = Math.max(0, Math.floor((box.center[0] - r - originX) / cellSize)), gx1 = Math.min(nx - 1, Math.floor((box.center[0] + r - originX) / cellSize));
  const gy0 = Math.max(0, Math.floor((box.center[1] - r - originY) / cellSize)), gy1 = Math.min(ny - 1, Math.floor((box.center[1] + r - originY) / cellSize));
  let sx = 0, sy = 0, n = 0;
  for (let gy = gy0; gy <= gy1; gy++)
    for (let gx = gx0; gx <= gx1; gx++) {
      const cell = gx + gy * nx;
      for (let j = cellStart[cell]; j < cellStart[cell + 1]; j++) {
        const p = sorted[j];
        const dx = positions[p * 3] - box.center[0], dy = positions[p * 3 + 1] - box.center[1];
        if (Math.abs(dx * c - dy * s) > box.size[0] / 2 || Math.abs(dx * s + dy * c) > box.size[1] / 2) continue;
        sx += positions[p * 3];
        sy += positions[p * 3 + 1];
        n++;
      }
    }
  return n ? [sx / n, sy / n] : null;
}
