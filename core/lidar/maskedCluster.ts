/**
 * Connected components over a *subset* of a FrameIndex's occupied cells, chosen by the heights of
 * their points. Two merges that no link distance can undo are undone this way:
 *  - cars under a tree: canopy cells (every point above ~2 m) bridge cars parked metres apart;
 *    dropping cells with nothing low in them removes the bridge and keeps the cars' own cells;
 *  - a car against a wall, a bus stop or a tall hedge: the structure's cells reach far above any
 *    car; dropping cells with points above ~2.1 m leaves the car alone;
 *  - a car joined to its neighbours by low clutter (kerb stones, grass, low shrubs 0.25-0.7 m):
 *    dropping cells that stay below 0.8 m leaves the car's body.
 * The link geometry is cluster.ts's (anisotropic, range-scaled, in cells); the masks are computed
 * once per frame (heightMasks), and only occupied cells are visited.
 */
import type { CellComponents, LinkOptions } from './cluster';
import { groundHeight, type FrameIndex } from './frameIndex';

/** The occupied fine cells of an index, in cell order (the masked passes visit only these). */
export function occupiedCells(index: FrameIndex): Uint32Array {
  const { cellStart } = index;
  const cells = index.nx * index.ny;
  let n = 0;
  for (let c = 0; c < cells; c++) if (cellStart[c + 1] !== cellStart[c]) n++;
  const out = new Uint32Array(n);
  n = 0;
  for (let c = 0; c < cells; c++) if (cellStart[c + 1] !== cellStart[c]) out[n++] = c;
  return out;
}

let maskScratch: { all: Uint8Array; noCanopy: Uint8Array; noTall: Uint8Array; raised: Uint8Array; occupied?: Uint32Array } = {
  all: new Uint8Array(0), noCanopy: new Uint8Array(0), noTall: new Uint8Array(0), raised: new Uint8Array(0),
};

/**
 * Cell masks (valid until the next call): `all` occupied cells, and two from the heights of each occupied cell's points above the local ground:
 * `noCanopy` keeps cells with a point below `canopyLow` (cells holding only canopy or awning are
 * dropped); `noTall` additionally drops cells with a point above `tall` (walls, trunks, buses);
 * `raised` keeps the noCanopy cells that reach `raisedMin` (drops kerbs, grass and low shrubs,
 * which join a parked car to everything around it: KITTI tracking 0001 frame 12).
 */
export function heightMasks(index: FrameIndex, occupied: Uint32Array, canopyLow: number, tall: number, raisedMin: number) {
  const cells = index.nx * index.ny;
  // Reused across frames of the same grid size (allocation and GC cost more than clearing).
  if (maskScratch.all.length !== cells) maskScratch = { all: new Uint8Array(cells), noCanopy: new Uint8Array(cells), noTall: new Uint8Array(cells), raised: new Uint8Array(cells) };
  else if (maskScratch.occupied)
    // Only occupied cells were ever set: clear the previous frame's.
    for (let k = 0; k < maskScratch.occupied.length; k++) {
      const c = maskScratch.occupied[k];
      maskScratch.all[c] = maskScratch.noCanopy[c] = maskScratch.noTall[c] = maskScratch.raised[c] = 0;
    }
  maskScratch.occupied = occupied;
  const { all, noCanopy, noTall, raised } = maskScratch;
  const { cellStart, sorted, positions, nx, cellSize } = index;
  for (let k = 0; k < occupied.length; k++) {
    const c = occupied[k];
    all[c] = 1;
    const x = c % nx, y = (c - x) / nx;
    // One ground lookup per cell (the ground map is 1 m, the cell 0.2 m).
    const g = groundHeight(index, index.originX + (x + 0.5) * cellSize, index.originY + (y + 0.5) * cellSize);
    let lo = Infinity, hi = -Infinity;
    for (let j = cellStart[c]; j < cellStart[c + 1]; j++) {
      const h = positions[sorted[j] * 3 + 2] - g;
      if (h < lo) lo = h;
      if (h > hi) hi = h;
    }
    if (lo < canopyLow) {
      noCanopy[c] = 1;
      if (hi < tall) noTall[c] = 1;
      if (hi >= raisedMin) raised[c] = 1;
    }
  }
  return { all, noCanopy, noTall, raised };
}

let scratchLabels = new Int32Array(0);
let lastOccupied: Uint32Array | null = null;

/**
 * Connected components of the masked cells, with cluster.ts's link rule; same result shape as
 * labelAllClusters. The labels array is reused across calls (a frame grid is ~1M cells; fresh
 * arrays per call cost more in garbage collection than the labelling itself): it is valid until
 * the next call.
 */
export function labelMaskedClusters(index: FrameIndex, mask: Uint8Array, occupied: Uint32Array, link: LinkOptions = {}): CellComponents {
  const { nx, ny, cellStart, cellSize } = index;
  // Labels are only ever written on occupied cells, so clearing those is enough when the previous
  // call labelled the same cells (the usual case: several levels of one frame); otherwise clear all.
  if (scratchLabels.length !== nx * ny) scratchLabels = new Int32Array(nx * ny);
  else if (lastOccupied === occupied) for (let k = 0; k < occupied.length; k++) scratchLabels[occupied[k]] = 0;
  else scratchLabels.fill(0);
  lastOccupied = occupied;
  const labels = scratchLabels;
  let queue = new Int32Array(4096);
  const sizes: number[] = [0];
  const minL = link.minLinkCells ?? 1, maxL = link.maxLinkCells ?? 4;
  const radialAngle = link.radialLinkAngle ?? 0.02, tangentialAngle = link.tangentialLinkAngle ?? 0.005;
  let count = 0;
  for (let k = 0; k < occupied.length; k++) {
    const start = occupied[k];
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
