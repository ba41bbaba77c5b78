/**
 * The dominant orientation of the structures around a point, modulo 90°: kerbs, walls, fences,
 * parked rows run along (or across) the street, and so do most vehicles on it. A far car seen as a
 * rounded front and a few roof rings gives the L-shape fit no usable edge (KITTI cars at 28–34 m
 * come out 12–25° off); the street it stands in does. fit.ts uses this as one more heading reading,
 * taken only when the car's own points hug its edges nearly as well.
 *
 * Computed on the frame index's obstacle occupancy (0.2 m cells) within 20 m: Sobel gradients of
 * the binary occupancy, each cell's gradient angle φ voting (cos 4φ, sin 4φ) with its magnitude,
 * so that directions 90° apart agree. A disc around the object is left out (its own edges would
 * only repeat the L-shape's answer).
 */
import type { FrameIndex } from './frameIndex';

export interface SceneOrientation {
  /** Dominant structure direction in [0, π/2). */
  angle: number;
  /** Agreement in [0, 1]: |Σ m·e^{4iφ}| / Σ m (1 = every edge along or across one direction). */
  strength: number;
}

/** Per-frame edge votes summed per TILE_CELLS x TILE_CELLS block of the fine grid. */
interface OrientationTiles {
  tnx: number;
  tny: number;
  c: Float64Array;
  s: Float64Array;
  m: Float64Array;
}

const TILE_CELLS = 5;
const tilesOf = new WeakMap<FrameIndex, OrientationTiles>();

/**
 * One Sobel pass over the frame's obstacle occupancy, per frame (cached per index): each cell next
 * to an occupied one votes m·(cos 4φ, sin 4φ) into its 2 m tile. A query then sums tiles, so a
 * click costs microseconds after the first (about as long as the ground map, once per frame).
 */
function orientationTiles(index: FrameIndex): OrientationTiles {
  const hit = tilesOf.get(index);
  if (hit) return hit;
  const { nx, ny, cellStart } = index;
  const tnx = Math.ceil(nx / TILE_CELLS), tny = Math.ceil(ny / TILE_CELLS);
  const t: OrientationTiles = { tnx, tny, c: new Float64Array(tnx * tny), s: new Float64Array(tnx * tny), m: new Float64Array(tnx * tny) };
  // Cells with a non-zero gradient lie within one cell of an occupied cell: mark those first.
  const near = new Uint8Array(nx * ny);
  for (let y = 0; y < ny; y++)
    for (let x = 0; x < nx; x++) {
      const c = x + y * nx;
      if (cellStart[c + 1] === cellStart[c]) continue;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx, yy = y + dy;
        if (xx >= 1 && yy >= 1 && xx < nx - 1 && yy < ny - 1) near[xx + yy * nx] = 1;
      }
    }
  const occ = (c: number) => (cellStart[c + 1] > cellStart[c] ? 1 : 0);
  for (let y = 1; y < ny - 1; y++)
    for (let x = 1; x < nx - 1; x++) {
      const c = x + y * nx;
      if (!near[c]) continue;
      const a = occ(c - nx - 1), b = occ(c - nx), d = occ(c - nx + 1), e = occ(c - 1), f = occ(c + 1), g = occ(c + nx - 1), h = occ(c + nx), k = occ(c + nx + 1);
      const gx = d + 2 * f + k - a - 2 * e - g;
      const gy = g + 2 * h + k - a - 2 * b - d;
      if (gx === 0 && gy === 0) continue;
      const m = Math.hypot(gx, gy);
      const phi = Math.atan2(gy, gx);
      const tile = Math.floor(x / TILE_CELLS) + Math.floor(y / TILE_CELLS) * tnx;
      t.c[tile] += m * Math.cos(4 * phi);
      t.s[tile] += m * Math.sin(4 * phi);
      t.m[tile] += m;
    }
  tilesOf.set(index, t);
  return t;
}

/**
 * The structure orientation within `radius` metres of (x, y), leaving out `excludeRadius` around
 * it (by 2 m tiles, whose centres decide); null where nothing stands. Depends on the 1 m cell of
 * (x, y) only.
 */
export function sceneOrientation(index: FrameIndex, x: number, y: number, radius = 20, excludeRadius = 3): SceneOrientation | null {
  const t = orientationTiles(index);
  const ts = TILE_CELLS * index.cellSize;
  const qx = Math.floor(x) + 0.5, qy = Math.floor(y) + 0.5;
  const fx = (qx - index.originX) / ts, fy = (qy - index.originY) / ts;
  const r = radius / ts, ex = excludeRadius / ts;
  let sc = 0, ss = 0, sm = 0;
  for (let ty = Math.max(0, Math.floor(fy - r)); ty <= Math.min(t.tny - 1, Math.ceil(fy + r)); ty++)
    for (let tx = Math.max(0, Math.floor(fx - r)); tx <= Math.min(t.tnx - 1, Math.ceil(fx + r)); tx++) {
      const d2 = (tx + 0.5 - fx) ** 2 + (ty + 0.5 - fy) ** 2;
      if (d2 > r * r || d2 < ex * ex) continue;
      const k = tx + ty * t.tnx;
      sc += t.c[k];
      ss += t.s[k];
      sm += t.m[k];
    }
  if (sm === 0) return null;
  // Gradients are normal to the edges; modulo 90° the normal and the edge are the same direction.
  let angle = Math.atan2(ss, sc) / 4;
  if (angle < 0) angle += Math.PI / 2;
  return { angle, strength: Math.hypot(sc, ss) / sm };
}
