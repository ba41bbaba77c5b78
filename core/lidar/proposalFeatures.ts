/**
 * Features of one obstacle cluster for the proposal classifier (classify.ts). All are cheap
 * summaries of the cluster's points and its fitted rectangle, chosen to tell a car (or a
 * pedestrian / cyclist) from walls, hedges, poles and merged blobs independently of the sensor:
 * sizes in metres, heights above the local ground, and point counts relative to range (a 32-beam
 * and a 64-beam scanner differ in absolute counts, less in how counts fall with range).
 */
import type { FrameIndex } from './frameIndex';
import { classScore, CLASS_PRIORS } from './sizePrior';

export const FEATURE_NAMES = [
  'logPoints', 'range10', 'seenHeight', 'long', 'short', 'highShare', 'bottomGap', 'zStd', 'fill',
  'carSize', 'vruSize', 'logFaceDensity', 'heightDev2', 'longDev2',
] as const;
export const FEATURE_COUNT = FEATURE_NAMES.length;

const CAR = CLASS_PRIORS.find((p) => p.label === 'car')!;
const VRU = CLASS_PRIORS.filter((p) => p.label !== 'car');

export interface ClusterShape {
  /** Obstacle points and occupied fine cells of the cluster. */
  points: number;
  cells: number;
  /** Fitted rectangle sides (before completion to a prior), long >= short. */
  long: number;
  short: number;
  /** Ground height under the rectangle centre and the centre's range from the sensor. */
  ground: number;
  range: number;
}

/**
 * Heights of the cluster's points above `ground`: min, mean, std and share above 1.1 m (a roof
 * or a person's torso is seen), from the cells' point runs in the index.
 */
export function heightStats(index: FrameIndex, cells: ArrayLike<number>, start: number, end: number, ground: number) {
  const { cellStart, sorted, positions } = index;
  let n = 0, sum = 0, sum2 = 0, min = Infinity, max = -Infinity, high = 0;
  for (let k = start; k < end; k++) {
    const c = cells[k];
    for (let j = cellStart[c]; j < cellStart[c + 1]; j++) {
      const h = positions[sorted[j] * 3 + 2] - ground;
      n++;
      sum += h;
      sum2 += h * h;
      if (h < min) min = h;
      if (h > max) max = h;
      if (h > 1.1) high++;
    }
  }
  const mean = n ? sum / n : 0;
  return { min: n ? min : 0, max: n ? max : 0, mean, std: n ? Math.sqrt(Math.max(0, sum2 / n - mean * mean)) : 0, highShare: n ? high / n : 0 };
}

/** Writes the feature vector of a cluster into `out` (length FEATURE_COUNT). */
export function clusterFeatures(shape: ClusterShape, h: ReturnType<typeof heightStats>, cellSize: number, out = new Float32Array(FEATURE_COUNT)): Float32Array {
  const seenHeight = Math.max(h.max, 0.05);
  const r = Math.max(shape.range, 1);
  out[0] = Math.log(shape.points);
  out[1] = shape.range / 10;
  out[2] = seenHeight;
  out[3] = shape.long;
  out[4] = shape.short;
  out[5] = h.highShare;
  out[6] = h.min;
  out[7] = h.std;
  // Occupied area over rectangle area: a car's outline is an L (low fill when seen at an angle),
  // a blob of vegetation is filled; clamped because thin rectangles make the ratio explode.
  out[8] = Math.min(2, (shape.cells * cellSize * cellSize) / Math.max(shape.long * shape.short, cellSize * cellSize));
  out[9] = classScore(CAR, shape.long, shape.short, seenHeight);
  out[10] = Math.max(...VRU.map((p) => classScore(p, shape.long, shape.short, seenHeight)));
  // Points per square metre of the seen face, scaled by range squared (a spinning LiDAR's
  // density falls with 1/r^2): solid surfaces (car bodies) versus sparse ones (foliage, railings).
  out[11] = Math.log((shape.points * r * r) / Math.max(shape.long * seenHeight, 0.1)) / 10;
  out[12] = (seenHeight - CAR.height[0]) ** 2;
  out[13] = Math.max(0, shape.long - CAR.long[1]) ** 2;
  return out;
}
