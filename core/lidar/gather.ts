/**
 * Copies the x,y of a cluster's points into a reused scratch buffer for rectangle fitting.
 * Points up to `lowBandTop` (LiDAR z) are packed at the front and higher ones at the back, so the
 * heading search can use only the body sides (the first `lowCount` points) while the extents use
 * all of them: roof and windscreen returns fill the inside of a car's footprint and blur the L
 * shape that the closeness criterion looks for. When few points are high (a far car shows mostly
 * its rear face, whose low rows are the curved bumper) the whole cluster steers the search; see
 * headingSearchCount.
 */
import type { FrameIndex } from './frameIndex';

export interface GatheredPoints {
  /** x,y interleaved; valid for `count` points until the next gather. */
  xy: Float32Array;
  count: number;
  /** The first lowCount points are those at or below lowBandTop. */
  lowCount: number;
  maxZ: number;
  /** Point indices in the same order as xy, when requested. */
  indices?: Uint32Array;
}

let scratch = new Float32Array(8192);

/** Gathers the points of cells[start..end). */
export function gatherCells(
  index: FrameIndex, cells: ArrayLike<number>, start: number, end: number, lowBandTop: number, withIndices = false,
): GatheredPoints {
  const { cellStart, sorted, positions } = index;
  let n = 0;
  for (let k = start; k < end; k++) n += cellStart[cells[k] + 1] - cellStart[cells[k]];
  if (scratch.length < n * 2) scratch = new Float32Array(n * 4);
  const indices = withIndices ? new Uint32Array(n) : undefined;
  let low = 0;
  let high = n - 1;
  let maxZ = -Infinity;
  for (let k = start; k < end; k++) {
    const c = cells[k];
    for (let j = cellStart[c]; j < cellStart[c + 1]; j++) {
      const p = sorted[j];
      const z = positions[p * 3 + 2];
      if (z > maxZ) maxZ = z;
      const slot = z <= lowBandTop ? low++ : high--;
      scratch[slot * 2] = positions[p * 3];
      scratch[slot * 2 + 1] = positions[p * 3 + 1];
      if (indices) indices[slot] = p;
    }
  }
  return { xy: scratch, count: n, lowCount: low, maxZ, indices };
}

/**
 * How many of the gathered points should steer the heading search: only the low band when a
 * good share of the cluster is above it (a roof is seen and would fill the footprint), else all.
 */
export function headingSearchCount(g: GatheredPoints, minHighShare = 0.3): number {
  return g.count - g.lowCount >= minHighShare * g.count ? g.lowCount : g.count;
}
