/**
 * Euclidean clustering on the fine bird's-eye grid of a FrameIndex: cells holding obstacle points
 * are linked to nearby occupied cells. The link is anisotropic and grows with range, following how
 * a spinning LiDAR samples: along the viewing ray consecutive rings land far apart (on a car's
 * rear window at 35 m they are 0.4-0.8 m apart), while across the ray neighbouring returns of one
 * ring are a few centimetres apart. So we link generously along the ray and tightly across it,
 * which keeps a car apart from the hedge 0.4 m beside it. Works on cells, not points, so cost
 * scales with occupied area.
 */
import type { FrameIndex } from './frameIndex';

export interface LinkOptions {
  /** Link distance along the viewing ray per metre of range (radians; about the ring spacing). */
  radialLinkAngle?: number;
  /** Link distance across the ray per metre of range (radians; about the azimuth step). */
  tangentialLinkAngle?: number;
  /** Link distance bounds, in cells. */
  minLinkCells?: number;
  maxLinkCells?: number;
  /**
   * Cells whose highest point is more than this above the ground (FrameIndex.cellTop) are not
   * entered: with the height of the class being annotated, a wall, a truck or a pole beside a car
   * stops the growth instead of joining it. Unset: no limit.
   */
  maxCellTop?: number;
  /**
   * Cells whose highest point is less than this above the ground are not entered: kerbs, grass
   * and low shrubs that join a car to its surroundings (the fit's last resort; unset: no limit).
   */
  minCellTop?: number;
}

/**
 * Visits the occupied neighbours of cell (x, y) that are linked to it; `visit` returns nothing.
 * Half a cell of slack keeps the 8-neighbourhood at the minimum link of one cell.
 */
function forEachLinkedCell(index: FrameIndex, x: number, y: number, o: LinkOptions, visit: (n: number) => void): void {
  const { nx, ny, cellStart, cellSize } = index;
  const px = index.originX + (x + 0.5) * cellSize;
  const py = index.originY + (y + 0.5) * cellSize;
  const range = Math.hypot(px, py) || 1;
  const ux = px / range, uy = py / range;
  const minL = o.minLinkCells ?? 1, maxL = o.maxLinkCells ?? 4;
  const radial = Math.min(maxL, Math.max(minL, (range * (o.radialLinkAngle ?? 0.02)) / cellSize)) + 0.5;
  const tangential = Math.min(maxL, Math.max(minL, (range * (o.tangentialLinkAngle ?? 0.005)) / cellSize)) + 0.5;
  const reach = Math.floor(Math.max(radial, tangential));
  for (let dy = -reach; dy <= reach; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= ny) continue;
    for (let dx = -reach; dx <= reach; dx++) {
      const xx = x + dx;
      if (xx < 0 || xx >= nx || (dx === 0 && dy === 0)) continue;
      const n = xx + yy * nx;
      if (cellStart[n + 1] === cellStart[n]) continue;
      if (o.maxCellTop !== undefined && index.cellTop[n] > o.maxCellTop) continue;
      if (o.minCellTop !== undefined && index.cellTop[n] < o.minCellTop) continue;
      if (Math.abs(dx * ux + dy * uy) > radial || Math.abs(-dx * uy + dy * ux) > tangential) continue;
      visit(n);
    }
  }
}

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
 * Occupied cells within `radius` metres of (x, y) (by cell centre) that have at least `minPoints`
 * points around them, nearest first. The density test skips lone returns (a stray roof hit, a
 * raindrop) that would otherwise seed a one-point cluster. Scans the square of cells around the
 * point, which is small (radius / cellSize squared).
 */
export function seedCandidates(index: FrameIndex, x: number, y: number, radius: number, minPoints = 3, maxCellTop = Infinity): number[] {
  const cs = index.cellSize;
  const fx = (x - index.originX) / cs;
  const fy = (y - index.originY) / cs;
  const r = Math.ceil(radius / cs);
  const maxD = (radius / cs) ** 2;
  const found: Array<[number, number]> = [];
  const x0 = Math.max(0, Math.floor(fx) - r), x1 = Math.min(index.nx - 1, Math.floor(fx) + r);
  const y0 = Math.max(0, Math.floor(fy) - r), y1 = Math.min(index.ny - 1, Math.floor(fy) + r);
  for (let cy = y0; cy <= y1; cy++)
    for (let cx = x0; cx <= x1; cx++) {
      const c = cx + cy * index.nx;
      if (index.cellStart[c + 1] === index.cellStart[c] || index.cellTop[c] > maxCellTop) continue;
      const d = (cx + 0.5 - fx) ** 2 + (cy + 0.5 - fy) ** 2;
      if (d <= maxD && pointsAround(index, cx, cy) >= minPoints) found.push([d, c]);
    }
  return found.sort((a, b) => a[0] - b[0]).map(([, c]) => c);
}

/** True when `cell` was reached by a growCluster call made since `sinceStamp` (inclusive). */
export function visitedSince(index: FrameIndex, cell: number, sinceStamp: number): boolean {
  return index.scratch.visitStamp[cell] >= sinceStamp;
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
  const { nx, cellSize } = index;
  const maxCells = Math.ceil((2 * maxRadius) / cellSize + 2) ** 2;
  const queue = ensureQueue(index, maxCells);
  const fx = (cx - index.originX) / cellSize;
  const fy = (cy - index.originY) / cellSize;
  const r2 = (maxRadius / cellSize) ** 2;
  let head = 0;
  let tail = 0;
  queue[tail++] = seedCell;
  visit[seedCell] = stamp;
  const enqueue = (n: number) => {
    if (visit[n] === stamp) return;
    const xx = n % nx;
    const yy = (n - xx) / nx;
    if ((xx + 0.5 - fx) ** 2 + (yy + 0.5 - fy) ** 2 > r2) return;
    visit[n] = stamp;
    queue[tail++] = n;
  };
  while (head < tail) {
    const c = queue[head++];
    const x = c % nx;
    forEachLinkedCell(index, x, (c - x) / nx, link, enqueue);
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
  let tail = 0;
  let id = 0;
  const enqueue = (n: number) => {
    if (labels[n] !== 0) return;
    labels[n] = id;
    if (tail >= q.length) q = ensureQueue(index, tail * 2);
    q[tail++] = n;
  };
  for (let start = 0; start < cells; start++) {
    if (labels[start] !== 0 || cellStart[start + 1] === cellStart[start]) continue;
    id = ++count;
    let points = 0;
    let head = 0;
    tail = 0;
    enqueue(start);
    while (head < tail) {
      const c = q[head++];
      points += cellStart[c + 1] - cellStart[c];
      const x = c % nx;
      forEachLinkedCell(index, x, (c - x) / nx, link, enqueue);
    }
    sizes.push(points);
  }
  return { labels, count, pointCounts: Uint32Array.from(sizes) };
}
