/**
 * Euclidean clustering on the fine bird's-eye grid of a FrameIndex: cells holding obstacle points
 * are linked to occupied cells within a few cells. The link distance grows with range, because
 * a spinning LiDAR's rings spread apart with distance (on a car roof at 35 m consecutive rings
 * are 0.4 m apart); near the sensor it stays at one cell so neighbouring objects stay apart.
 * Works on cells, not points, so cost scales with occupied area.
 */

export interface LinkOptions {
  /** Link distance per metre of range (radians, roughly the vertical ring spacing). */
  linkAngle?: number;
  /** Link distance bounds, in cells. */
  minLinkCells?: number;
  maxLinkCells?: number;
}

/** Link radius in cells for a cell whose centre is `range` metres from the sensor. */
export function linkCellsAt(index: FrameIndex, range: number, o: LinkOptions = {}): number {
  const cells = Math.round((range * (o.linkAngle ?? 0.012)) / index.cellSize);
  return Math.min(o.maxLinkCells ?? 3, Math.max(o.minLinkCells ?? 1, cells));
}

function cellRange(index: FrameIndex, x: number, y: number): number {
  return Math.hypot(index.originX + (x + 0.5) * index.cellSize, index.originY + (y + 0.5) * index.cellSize);
}
import type { FrameIndex } from './frameIndex';

function nextStamp(index: FrameIndex): number {
  const s = index.scratch;
  if (s.stamp >= 0xfffffffe) {
    s.visitStamp.fill(0);
    s.stamp = 0;
  }
  return ++s.stamp;
}

function ensureQueue(index: FrameIndex, size: number): Int32Array {
  if (index.scratch.queue.length < size) {
    const q = new Int32Array(Math.max(size, index.scratch.queue.length * 2));
    q.set(index.scratch.queue);
    index.scratch.queue = q;
  }
  return index.scratch.queue;
}

/** Obstacle points in the 3x3 cells around cell (cx, cy). */
function pointsAround(index: FrameIndex, cx: number, cy: number): number {
  let n = 0;
  for (let y = Math.max(0, cy - 1); y <= Math.min(index.ny - 1, cy + 1); y++)
    for (let x = Math.max(0, cx - 1); x <= Math.min(index.nx - 1, cx + 1); x++) {
      const c = x + y * index.nx;
      n += index.cellStart[c + 1] - index.cellStart[c];
    }
  return n;
}

/**
 * Nearest occupied cell to (x, y) within `radius` metres (by cell centre) that has at least
 * `minPoints` points around it, or -1. The density test skips lone returns (a stray roof hit, a
 * raindrop) that would otherwise seed a one-point cluster. Scans the square of cells around the
 * point, which is small (radius / cellSize squared).
 */
export function nearestOccupiedCell(index: FrameIndex, x: number, y: number, radius: number, minPoints = 3): number {
  const cs = index.cellSize;
  const fx = (x - index.originX) / cs;
  const fy = (y - index.originY) / cs;
  const r = Math.ceil(radius / cs);
  let best = -1;
  let bestD = (radius / cs) ** 2;
  const x0 = Math.max(0, Math.floor(fx) - r), x1 = Math.min(index.nx - 1, Math.floor(fx) + r);
  const y0 = Math.max(0, Math.floor(fy) - r), y1 = Math.min(index.ny - 1, Math.floor(fy) + r);
  for (let cy = y0; cy <= y1; cy++)
    for (let cx = x0; cx <= x1; cx++) {
      const c = cx + cy * index.nx;
      if (index.cellStart[c + 1] === index.cellStart[c]) continue;
      const d = (cx + 0.5 - fx) ** 2 + (cy + 0.5 - fy) ** 2;
      if (d < bestD && pointsAround(index, cx, cy) >= minPoints) {
        bestD = d;
        best = c;
      }
    }
  return best;
}

/**
 * Region growing from `seedCell` over occupied cells, staying within `maxRadius` metres of
 * (cx, cy). Returns the number of cells found; their ids are in index.scratch.queue[0..n).
 */
export function growCluster(
  index: FrameIndex, seedCell: number, cx: number, cy: number, maxRadius: number, link: LinkOptions = {},
): number {
  const stamp = nextStamp(index);
  const visit = index.scratch.visitStamp;
  const { nx, ny, cellStart, cellSize } = index;
  const maxCells = Math.ceil((2 * maxRadius) / cellSize + 2) ** 2;
  const queue = ensureQueue(index, maxCells);
  const fx = (cx - index.originX) / cellSize;
  const fy = (cy - index.originY) / cellSize;
  const r2 = (maxRadius / cellSize) ** 2;
  let head = 0;
  let tail = 0;
  queue[tail++] = seedCell;
  visit[seedCell] = stamp;
  while (head < tail) {
    const c = queue[head++];
    const x = c % nx;
    const y = (c - x) / nx;
    const linkCells = linkCellsAt(index, cellRange(index, x, y), link);
    for (let dy = -linkCells; dy <= linkCells; dy++) {
      const yy = y + dy;
      if (yy < 0 || yy >= ny) continue;
      for (let dx = -linkCells; dx <= linkCells; dx++) {
        const xx = x + dx;
        if (xx < 0 || xx >= nx) continue;
        const n = xx + yy * nx;
        if (visit[n] === stamp || cellStart[n + 1] === cellStart[n]) continue;
        if ((xx + 0.5 - fx) ** 2 + (yy + 0.5 - fy) ** 2 > r2) continue;
        visit[n] = stamp;
        queue[tail++] = n;
      }
    }
  }
  return tail;
}

export interface CellComponents {
  /** Component id per fine cell (0 = empty cell), 1-based. */
  labels: Int32Array;
  /** Number of components. */
  count: number;
  /** Obstacle points per component (index = id). */
  pointCounts: Uint32Array;
}

/** Connected components of all occupied cells of the frame (whole-frame clustering). */
export function labelAllClusters(index: FrameIndex, link: LinkOptions = {}): CellComponents {
  const { nx, ny, cellStart } = index;
  const cells = nx * ny;
  const labels = new Int32Array(cells);
  const queue = ensureQueue(index, 4096);
  let q = queue;
  let count = 0;
  const sizes: number[] = [0];
  for (let start = 0; start < cells; start++) {
    if (labels[start] !== 0 || cellStart[start + 1] === cellStart[start]) continue;
    const id = ++count;
    let points = 0;
    let head = 0;
    let tail = 0;
    q[tail++] = start;
    labels[start] = id;
    while (head < tail) {
      const c = q[head++];
      points += cellStart[c + 1] - cellStart[c];
      const x = c % nx;
      const y = (c - x) / nx;
      const linkCells = linkCellsAt(index, cellRange(index, x, y), link);
      for (let dy = -linkCells; dy <= linkCells; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= ny) continue;
        for (let dx = -linkCells; dx <= linkCells; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= nx) continue;
          const n = xx + yy * nx;
          if (labels[n] !== 0 || cellStart[n + 1] === cellStart[n]) continue;
          labels[n] = id;
          if (tail >= q.length) q = ensureQueue(index, tail * 2);
          q[tail++] = n;
        }
      }
    }
    sizes.push(points);
  }
  return { labels, count, pointCounts: Uint32Array.from(sizes) };
}
