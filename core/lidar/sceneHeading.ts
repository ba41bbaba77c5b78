/**
 * The dominant orientation of the structures around a point, modulo 90°: kerbs, walls, fences,
 * parked rows run along (or across) the street, and so do most vehicles on it. A far car seen as a
 * rounded front and a few roof rings gives the L-shape fit no usable edge (KITTI cars at 28–34 m
 * come out 12–25° off); the street it stands in does. fit.ts uses this as one more heading reading,
 * taken only when the car's own points hug its edges nearly as well.
 *
 * Computed on the frame index's obstacle occupancy (0.2 m cells) in a square window: Sobel
 * gradients of the binary occupancy, each cell's gradient angle φ voting (cos 4φ, sin 4φ) with
 * its magnitude, so that directions 90° apart agree. A disc around the object is left out (its
 * own edges would only repeat the L-shape's answer).
 */
import type { FrameIndex } from './frameIndex';

export interface SceneOrientation {
  /** Dominant structure direction in [0, π/2). */
  angle: number;
  /** Agreement in [0, 1]: |Σ m·e^{4iφ}| / Σ m (1 = every edge along or across one direction). */
  strength: number;
}

let last: { index: FrameIndex; key: string; result: SceneOrientation | null } | null = null;

/**
 * The structure orientation within `radius` metres of (x, y), leaving out `excludeRadius` around
 * it; null where nothing stands. The last answer is kept (one fit asks several times for the
 * same object).
 */
export function sceneOrientation(index: FrameIndex, x: number, y: number, radius = 20, excludeRadius = 3): SceneOrientation | null {
  // Measured at the centre of the 1 m cell holding (x, y): the answer depends on the cell only,
  // so a repeated question is answered from the cache exactly as it would be computed.
  const gx = Math.floor(x), gy = Math.floor(y);
  const key = `${gx},${gy},${radius},${excludeRadius}`;
  if (last && last.index === index && last.key === key) return last.result;
  const result = computeOrientation(index, gx + 0.5, gy + 0.5, radius, excludeRadius);
  last = { index, key, result };
  return result;
}

function computeOrientation(index: FrameIndex, x: number, y: number, radius: number, excludeRadius: number): SceneOrientation | null {
  const { nx, ny, cellSize, originX, originY, cellStart } = index;
  const cx = Math.floor((x - originX) / cellSize), cy = Math.floor((y - originY) / cellSize);
  const r = Math.ceil(radius / cellSize), ex2 = (excludeRadius / cellSize) ** 2;
  const x0 = Math.max(1, cx - r), x1 = Math.min(nx - 2, cx + r), y0 = Math.max(1, cy - r), y1 = Math.min(ny - 2, cy + r);
  const occ = (c: number) => (cellStart[c + 1] > cellStart[c] ? 1 : 0);
  let sc = 0, ss = 0, sm = 0;
  for (let yy = y0; yy <= y1; yy++)
    for (let xx = x0; xx <= x1; xx++) {
      if ((xx - cx) ** 2 + (yy - cy) ** 2 < ex2) continue;
      const c = xx + yy * nx;
      // Only cells on an edge of the occupancy contribute; skip the empty interior quickly.
      const a = occ(c - nx - 1), b = occ(c - nx), d = occ(c - nx + 1), e = occ(c - 1), f = occ(c + 1), g = occ(c + nx - 1), h = occ(c + nx), k = occ(c + nx + 1);
      const gx = d + 2 * f + k - a - 2 * e - g;
      const gy = g + 2 * h + k - a - 2 * b - d;
      if (gx === 0 && gy === 0) continue;
      const m = Math.hypot(gx, gy);
      const phi = Math.atan2(gy, gx);
      sc += m * Math.cos(4 * phi);
      ss += m * Math.sin(4 * phi);
      sm += m;
    }
  if (sm === 0) return null;
  // Gradients are normal to the edges; modulo 90° the normal and the edge are the same direction.
  let angle = Math.atan2(ss, sc) / 4;
  if (angle < 0) angle += Math.PI / 2;
  return { angle, strength: Math.hypot(sc, ss) / sm };
}
