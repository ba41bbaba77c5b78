/**
 * Features of one obstacle cluster for the proposal classifier (classify.ts). All are cheap
 * summaries of the cluster's points and its fitted rectangle, chosen to tell a car (or a
 * pedestrian / cyclist) from walls, hedges, poles and merged blobs independently of the sensor:
 * sizes in metres, heights above the local ground, and point counts relative to range (a 32-beam
 * and a 64-beam scanner differ in absolute counts, less in how counts fall with range).
 */
import type { FrameIndex } from './frameIndex';
import type { Rect2D } from './rectFit';
import { classScore, CLASS_PRIORS } from './sizePrior';

export const FEATURE_NAMES = [
  'logPoints', 'logPointsR2', 'range10', 'seenHeight', 'heightLow', 'heightHigh', 'long', 'longLow', 'longHigh', 'short',
  'shortHigh', 'highShare', 'bottomGap', 'zStd', 'fill', 'vruSize', 'logFaceDensity',
  'seenHeight^2', 'long^2', 'short^2', 'highShare^2', 'fill^2', 'logPointsR2^2', 'long*short', 'seenHeight*highShare', 'zStd^2', 'bottomGap^2',
  'edgeDist', 'edgeDist/short', 'stability',
] as const;
/** Indices of the fitted rectangle's longer and shorter sides and of the seen height. */
export const LONG_FEATURE = 6;
export const SHORT_FEATURE = 9;
export const SEEN_HEIGHT_FEATURE = 3;
/** Share of the clusterings that produced exactly this cluster; set by proposeCandidates. */
export const STABILITY = 29;
export const FEATURE_COUNT = FEATURE_NAMES.length;
/**
 * Features the classifier is fitted without (weight 0; tests/support/proposalFit.ts): the raw
 * sides of the seen rectangle and their squares and product describe which way round a dataset
 * sees its cars more than what a car is — KITTI labels only the camera's forward view, where most
 * cars show their rear (seen long side 2.5 m on average), Argoverse 2 all around (3.4 m) — so a
 * model fitted on one scored the other's cars down. The hinges (too short, too long, too wide)
 * keep what holds on every sensor. Still computed: the car gate (propose.ts) and the diagnostics
 * read them.
 */
export const VIEWPOINT_FEATURES = ['long', 'long^2', 'short', 'short^2', 'long*short'] as const;
/**
 * The curvature of the high-share terms (its square, and its product with the seen height): they
 * learn where a dataset's cars put their roofs — KITTI's mostly low saloons (share of points above
 * 1.1 m 0.19 on average over the positives, n = 172), Argoverse 2's SUVs and vans (0.39, n = 96) —
 * and the AV2 fold, fitted on KITTI, scored a 2.2 m van with 300 points at 0.1 for it. The linear
 * share stays (a roof is seen: a vehicle or a person, not a kerb).
 */
export const VEHICLE_MIX_FEATURES = ['highShare^2', 'seenHeight*highShare'] as const;
/**
 * Every feature the classifier is fitted without: the viewpoint terms, and the edge distance in
 * metres, which reads the sensor as much as the object — Argoverse 2's cars return their low
 * points 0.2-0.36 m inside the seen outline (a high-mounted pair of scanners sees bonnets and boots
 * from above, and a moving car twice), KITTI's 0.12 m on average — so a model fitted on KITTI
 * scored AV2's cars at 0.0-0.2. Its ratio to the seen short side (edgeDist/short) stays: a bush
 * fills its footprint whatever its size, a body does not. And the vehicle-mix terms above.
 */
export const LEFT_OUT_FEATURES = [...VIEWPOINT_FEATURES, 'edgeDist', ...VEHICLE_MIX_FEATURES] as const;

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
  /** edgeDistance of the low points. */
  edgeDist: number;
  /**
   * log of how densely this frame's sensor samples the world at the cluster's range, relative to
   * KITTI's scanner (sensorDensity.ts; 0 = as KITTI, -1.5 = nuScenes' 32 beams). Point counts are
   * divided by it so that a classifier fitted on one LiDAR reads another's counts alike.
   */
  logDensity?: number;
}

/** Height bins (metres) and the largest empty stretch still counted as one object. */
const BIN = 0.1;
const BINS = 40;
const MAX_GAP = 0.6;
let hist = new Uint32Array(BINS);

/**
 * The top of the object: the cluster's point heights above `ground` are binned, and the object
 * ends below the first empty stretch longer than 0.6 m. A canopy or an awning over a car (roof at
 * 1.5-2 m, branches from 2.5 m) is cut off this way; car windows, which often return nothing, leave
 * gaps shorter than that between the body and the roof.
 */
export function objectTop(index: FrameIndex, cells: ArrayLike<number>, start: number, end: number, ground: number): number {
  const { cellStart, sorted, positions } = index;
  if (hist.length !== BINS) hist = new Uint32Array(BINS);
  hist.fill(0);
  for (let k = start; k < end; k++) {
    const c = cells[k];
    for (let j = cellStart[c]; j < cellStart[c + 1]; j++) {
      const b = Math.floor((positions[sorted[j] * 3 + 2] - ground) / BIN);
      hist[Math.min(BINS - 1, Math.max(0, b))]++;
    }
  }
  let first = 0;
  while (first < BINS && hist[first] === 0) first++;
  let top = first, gap = 0;
  for (let b = first; b < BINS; b++) {
    if (hist[b] > 0) {
      top = b;
      gap = 0;
    } else if (++gap * BIN > MAX_GAP) break;
  }
  return (top + 1) * BIN;
}

/**
 * Heights of the cluster's points above `ground` up to `top` (objectTop): min, max, mean, std and
 * the share above 1.1 m (a roof or a person's torso is seen).
 */
export function heightStats(index: FrameIndex, cells: ArrayLike<number>, start: number, end: number, ground: number, top = Infinity) {
  const { cellStart, sorted, positions } = index;
  let n = 0, sum = 0, sum2 = 0, min = Infinity, max = -Infinity, high = 0;
  for (let k = start; k < end; k++) {
    const c = cells[k];
    for (let j = cellStart[c]; j < cellStart[c + 1]; j++) {
      const h = positions[sorted[j] * 3 + 2] - ground;
      if (h > top) continue;
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

/**
 * Mean distance (metres) of the first `n` points to the nearest side of the rectangle: a car's
 * body is a surface, so its low points lie on the sides LiDAR sees (a few centimetres); a bush or
 * a parked-bicycle rack scatters points through its footprint.
 */
export function edgeDistance(xy: Float32Array, n: number, rect: Rect2D): number {
  if (n === 0) return 0;
  const c = Math.cos(rect.angle), s = Math.sin(rect.angle);
  const h1 = rect.extent1 / 2, h2 = rect.extent2 / 2;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const dx = xy[i * 2] - rect.cx, dy = xy[i * 2 + 1] - rect.cy;
    const a = Math.abs(dx * c + dy * s), b = Math.abs(-dx * s + dy * c);
    sum += Math.max(0, Math.min(h1 - a, h2 - b));
  }
  return sum / n;
}

/** Writes the feature vector of a cluster into `out` (length FEATURE_COUNT). */
export function clusterFeatures(shape: ClusterShape, h: ReturnType<typeof heightStats>, cellSize: number, out = new Float32Array(FEATURE_COUNT)): Float32Array {
  const seenHeight = Math.max(h.max, 0.05);
  const r = Math.max(shape.range, 1);
  // Sizes enter as hinges around the range a car can show (seen partly it is smaller, never much
  // larger), not as a Gaussian around one dataset's mean: SUVs and vans (AV2, SUSTech) are 1.8-2.2 m
  // tall where KITTI's mean car is 1.5 m.
  const ld = shape.logDensity ?? 0;
  out[0] = Math.log(shape.points);
  // Points relative to what range and this sensor allow (a spinning LiDAR's density falls with
  // 1/r^2; ld says how many points per steradian this sensor gives, sensorDensity.ts).
  out[1] = (Math.log(shape.points * r * r) - ld) / 10;
  out[2] = shape.range / 10;
  out[3] = seenHeight;
  out[4] = Math.max(0, 0.9 - seenHeight);
  out[5] = Math.max(0, seenHeight - 2.3);
  out[6] = shape.long;
  out[7] = Math.max(0, 1.3 - shape.long);
  out[8] = Math.max(0, shape.long - 5.5);
  out[9] = shape.short;
  out[10] = Math.max(0, shape.short - 2.2);
  out[11] = h.highShare;
  out[12] = h.min;
  out[13] = h.std;
  // Occupied area over rectangle area: a car's outline is an L (low fill when seen at an angle),
  // a blob of vegetation is filled; clamped because thin rectangles make the ratio explode.
  out[14] = Math.min(2, (shape.cells * cellSize * cellSize) / Math.max(shape.long * shape.short, cellSize * cellSize));
  out[15] = Math.max(...VRU.map((p) => classScore(p, shape.long, shape.short, seenHeight)));
  // Points per square metre of the seen face, scaled by range squared: solid surfaces (car
  // bodies) versus sparse ones (foliage, railings).
  out[16] = (Math.log((shape.points * r * r) / Math.max(shape.long * seenHeight, 0.1)) - ld) / 10;
  // A few squares and products so the linear model can express "in this range" and "tall and
  // filled" (the classifier stays a logistic regression, whose scores calibrate well).
  out[17] = out[3] * out[3];
  out[18] = out[6] * out[6];
  out[19] = out[9] * out[9];
  out[20] = out[11] * out[11];
  out[21] = out[14] * out[14];
  out[22] = out[1] * out[1];
  out[23] = out[6] * out[9];
  out[24] = out[3] * out[11];
  out[25] = out[13] * out[13];
  out[26] = out[12] * out[12];
  out[27] = shape.edgeDist;
  out[28] = Math.min(1, shape.edgeDist / Math.max(shape.short, 0.1));
  return out;
}
