/**
 * Connected components over a *subset* of a FrameIndex's occupied cells, chosen by the heights of
 * their points. Two merges that no link distance can undo are undone this way:
 *  - cars under a tree: canopy cells (every point above ~2 m) bridge cars parked metres apart;
 *    dropping cells with nothing low in them removes the bridge and keeps the cars' own cells;
 *  - a car against a wall, a bus stop or a tall hedge: the structure's cells reach far above any
 *    car; dropping cells with points above ~2.5 m leaves the car alone.
 * The link geometry is cluster.ts's (anisotropic, range-scaled, in cells); per-cell heights are
 * computed once per frame (cellHeights).
 */
import type { CellComponents, LinkOptions } from './cluster';
import { groundHeight, type FrameIndex } from './frameIndex';

export interface CellHeights {
  /** Lowest and highest obstacle point above the local ground, per fine cell (NaN when empty). */
  min: Float32Array;
  max: Float32Array;
}

export function cellHeights(index: FrameIndex): CellHeights {
  const cells = index.nx * index.ny;
  const min = new Float32Array(cells).fill(NaN);
  const max = new Float32Array(cells).fill(NaN);
  const { cellStart, sorted, positions, nx, cellSize } = index;
  for (let c = 0; c < cells; c++) {
    const a = cellStart[c], b = cellStart[c + 1];
    if (a === b) continue;
    const x = c % nx, y = (c - x) / nx;
    // One ground lookup per cell (the ground map is 1 m, the cell 0.2 m).
    const g = groundHeight(index, index.originX + (x + 0.5) * cellSize, index.originY + (y + 0.5) * cellSize);
    let lo = Infinity, hi = -Infinity;
    for (let j = a; j < b; j++) {
      const h = positions[sorted[j] * 3 + 2] - g;
      if (h < lo) lo = h;
      if (h > hi) hi = h;
    }
    min[c] = lo;
    max[c] = hi;
  }
  return { min, max };
}

/** Cells to keep: occupied, lowest point below `maxLow` and highest below `maxHigh` (metres above ground). */
export function heightMask(h: CellHeights, maxLow: number, maxHigh: number): Uint8Array {
  const mask = new Uint8Array(h.min.length);
  for (let c = 0; c < mask.length; c++) mask[c] = h.min[c] < maxLow && h.max[c] < maxHigh ? 1 : 0;
  return mask;
}

/** Connected components of the masked cells, with cluster.ts's link rule; same result shape as labelAllClusters. */
export function labelMaskedClusters(index: FrameIndex, mask: Uint8Array, link: LinkOptions = {}): CellComponents {
  const { nx, ny, cellStart, cellSize } = index;
  const cells = nx * ny;
  const labels = new Int32Array(cells);
  let queue = new Int32Array(4096);
  const sizes: number[] = [0];
  const minL = link.minLinkCells ?? 1, maxL = link.maxLinkCells ?? 4;
  const radialAngle = link.radialLinkAngle ?? 0.02, tangentialAngle = link.tangentialLinkAngle ?? 0.005;
  let count = 0;
  for (let start = 0; start < cells; start++) {
    if (labels[start] !== 0 || !mask[start]) continue;
    const id = ++count;
    let points = 0, head = 0, tail = 0;
    labels[start] = id;
    queue[tail++] = start;
    while (head < tail) {
      const c = queue[head++];
      points += cellStart[c + 1] - cellStart[c];
      const x = c % nx, y = (c - x) / nx;
      const px = index.originX + (x + 0.5) * cellSize, py = index.originY + (y + 0.5) * cellSize;
      const range = Math.hypot(px, py) || 1;
      const ux = px / range, uy = py / range;
      const radial = Math.min(maxL, Math.max(minL, (range * radialAngle) / cellSize)) + 0.5;
      const tangential = Math.min(maxL, Math.max(minL, (range * tangentialAngle) / cellSize)) + 0.5;
      const reach = Math.floor(Math.max(radial, tangential));
      for (let dy = -reach; dy <= reach; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= ny) continue;
        for (let dx = -reach; dx <= reach; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= nx || (dx === 0 && dy === 0)) continue;
          const n = xx + yy * nx;
          if (!mask[n] || labels[n] !== 0) continue;
          if (Math.abs(dx * ux + dy * uy) > radial || Math.abs(-dx * uy + dy * ux) > tangential) continue;
          labels[n] = id;
          if (tail >= queue.length) {
            const q = new Int32Array(queue.length * 2);
            q.set(queue);
            queue = q;
          }
          queue[tail++] = n;
        }
      }
    }
    sizes.push(points);
  }
  return { labels, count, pointCounts: Uint32Array.from(sizes) };
}
