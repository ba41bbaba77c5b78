/**
 * Oriented rectangle fitting of a bird's-eye point set. The heading search uses the closeness
 * criterion of L-shape fitting (Zhang et al., "Efficient L-Shape Fitting for Vehicle Detection
 * Using Laser Scanners", IV 2017): for each candidate heading the points are projected on the two
 * axes, each axis picks the rectangle edge its points hug (LiDAR sees the near faces only), and
 * headings where points lie close to those edges score higher. This beats minimum-area fitting on
 * partial views, where the unseen faces leave the area unconstrained. Search is coarse-to-fine
 * over [0, 90) degrees; PCA handles clouds too small to have an L shape.
 */

export interface Rect2D {
  cx: number;
  cy: number;
  /** Direction of the first axis (radians). */
  angle: number;
  /** Extent along `angle`. */
  extent1: number;
  /** Extent along `angle + 90 deg`. */
  extent2: number;
}

export interface RectFitOptions {
  coarseStepDeg?: number;
  fineStepDeg?: number;
  /** Above this many points the heading search uses an even subsample (the extents use all). */
  maxSearchPoints?: number;
  /**
   * Largest plausible [long, short] footprint of the object class. A heading at which the points
   * span more than this is penalised: a wrong heading on a car seen as a sparse L (few rings at
   * 25 m) turns its long side into a 2.5–3 m "width", which no car has. Soft, so an object larger
   * than its class still gets its best L-shape heading when no heading is plausible.
   */
  maxFootprint?: [number, number];
}

// Projections reused across calls: fitting runs on the UI thread and must not churn the GC.
let proj1 = new Float32Array(1024);
let proj2 = new Float32Array(1024);

/** Multiplicative penalty in (0, 1] for extents beyond the plausible [long, short]. */
function extentPenalty(e1: number, e2: number, max: [number, number] | undefined): number {
  if (!max) return 1;
  const long = Math.max(e1, e2), short = Math.min(e1, e2);
  const over = Math.max(0, long - max[0]) / 0.5 + Math.max(0, short - max[1]) / 0.25;
  return Math.exp(-over * over);
}

function closenessScore(xy: Float32Array, n: number, nAll: number, step: number, angle: number, maxFootprint?: [number, number]): number {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  let m = 0;
  let min1 = Infinity, max1 = -Infinity, min2 = Infinity, max2 = -Infinity;
  for (let i = 0; i < n; i += step, m++) {
    const x = xy[i * 2], y = xy[i * 2 + 1];
    const a = x * c + y * s;
    const b = -x * s + y * c;
    proj1[m] = a;
    proj2[m] = b;
    if (a < min1) min1 = a;
    if (a > max1) max1 = a;
    if (b < min2) min2 = b;
    if (b > max2) max2 = b;
  }
  // Which edge along each axis do the points hug? (smaller sum of squared distances)
  let toMin1 = 0, toMax1 = 0, toMin2 = 0, toMax2 = 0;
  for (let k = 0; k < m; k++) {
    toMin1 += (proj1[k] - min1) ** 2;
    toMax1 += (max1 - proj1[k]) ** 2;
    toMin2 += (proj2[k] - min2) ** 2;
    toMax2 += (max2 - proj2[k]) ** 2;
  }
  const useMin1 = toMin1 < toMax1;
  const useMin2 = toMin2 < toMax2;
  // Floor on the distance to an edge. Zhang et al. use 0.01 m for a 2D scanner; a car's bumper is
  // rounded and a far car's returns carry a few cm of noise, and with a 1 cm floor the handful of
  // points on the bumper's apex outweigh the rest and tilt the box 20–30° (KITTI cars at 25 m).
  // At 0.1 m every point within a hand's width of an edge counts alike.
  const d0 = 0.1;
  let score = 0;
  for (let k = 0; k < m; k++) {
    const d1 = useMin1 ? proj1[k] - min1 : max1 - proj1[k];
    const d2 = useMin2 ? proj2[k] - min2 : max2 - proj2[k];
    score += 1 / Math.max(Math.min(d1, d2), d0);
  }
  if (!maxFootprint) return score;
  // The footprint counts every point (nAll), not only the heading-steering ones: a far car's roof,
  // left out of the search, still shows how long the car is.
  for (let i = n; i < nAll; i += step) {
    const x = xy[i * 2], y = xy[i * 2 + 1];
    const a = x * c + y * s;
    const b = -x * s + y * c;
    if (a < min1) min1 = a;
    if (a > max1) max1 = a;
    if (b < min2) min2 = b;
    if (b > max2) max2 = b;
  }
  return score * extentPenalty(max1 - min1, max2 - min2, maxFootprint);
}

/** Best heading in [0, PI/2) by the closeness criterion. */
export function searchHeading(xy: Float32Array, n: number, options: RectFitOptions = {}, nAll = n): number {
  const coarse = ((options.coarseStepDeg ?? 3) * Math.PI) / 180;
  const fine = ((options.fineStepDeg ?? 0.5) * Math.PI) / 180;
  const maxSearch = options.maxSearchPoints ?? 600;
  const step = Math.max(1, Math.ceil(n / maxSearch));
  const m = Math.ceil(n / step);
  if (proj1.length < m) {
    proj1 = new Float32Array(m * 2);
    proj2 = new Float32Array(m * 2);
  }
  let best = 0;
  let bestScore = -Infinity;
  for (let a = 0; a < Math.PI / 2; a += coarse) {
    const sc = closenessScore(xy, n, nAll, step, a, options.maxFootprint);
    if (sc > bestScore) {
      bestScore = sc;
      best = a;
    }
  }
  const center = best;
  for (let a = center - coarse; a <= center + coarse; a += fine) {
    const sc = closenessScore(xy, n, nAll, step, a, options.maxFootprint);
    if (sc > bestScore) {
      bestScore = sc;
      best = a;
    }
  }
  return best;
}

/** Closeness score of one heading (as searchHeading scores it), for comparing heading readings. */
export function headingScore(xy: Float32Array, n: number, angle: number, options: RectFitOptions = {}, nAll = n): number {
  const step = Math.max(1, Math.ceil(n / (options.maxSearchPoints ?? 600)));
  const m = Math.ceil(n / step);
  if (proj1.length < m) {
    proj1 = new Float32Array(m * 2);
    proj2 = new Float32Array(m * 2);
  }
  return closenessScore(xy, n, nAll, step, angle, options.maxFootprint);
}

/** Principal axis of the points (radians). */
export function principalAxis(xy: Float32Array, n: number): number {
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mx += xy[i * 2];
    my += xy[i * 2 + 1];
  }
  mx /= n;
  my /= n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xy[i * 2] - mx, dy = xy[i * 2 + 1] - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  return 0.5 * Math.atan2(2 * sxy, sxx - syy);
}

/** Tight rectangle around the points with its first axis at `angle`. */
export function rectAtAngle(xy: Float32Array, n: number, angle: number): Rect2D {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  let min1 = Infinity, max1 = -Infinity, min2 = Infinity, max2 = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xy[i * 2], y = xy[i * 2 + 1];
    const a = x * c + y * s;
    const b = -x * s + y * c;
    if (a < min1) min1 = a;
    if (a > max1) max1 = a;
    if (b < min2) min2 = b;
    if (b > max2) max2 = b;
  }
  const m1 = (min1 + max1) / 2;
  const m2 = (min2 + max2) / 2;
  return { cx: m1 * c - m2 * s, cy: m1 * s + m2 * c, angle, extent1: max1 - min1, extent2: max2 - min2 };
}

/**
 * L-shape fit, with PCA below `minLShapePoints` points. The heading is searched on the first
 * `searchCount` points (default all; falls back to all when that is too few), the extents cover all n.
 */
export function fitRect(
  xy: Float32Array, n: number, options: RectFitOptions & { minLShapePoints?: number; searchCount?: number } = {},
): Rect2D & { method: 'l-shape' | 'pca' } {
  const minL = options.minLShapePoints ?? 8;
  if (n < minL) return { ...rectAtAngle(xy, n, principalAxis(xy, n)), method: 'pca' };
  const searchN = options.searchCount !== undefined && options.searchCount >= minL ? options.searchCount : n;
  return { ...rectAtAngle(xy, n, searchHeading(xy, searchN, options, n)), method: 'l-shape' };
}

/** See rectAtAngleTrimmed: a stray return this far (metres) beyond the rest of a side is left out. */
const STRAY_GAP = 0.3;
/** At most this many stray returns per side (and 2 % of the points). */
const MAX_TRIM = 3;
// The MAX_TRIM + 1 lowest and highest projections on each axis, ascending / descending (reused).
const low1 = new Float64Array(MAX_TRIM + 1), high1 = new Float64Array(MAX_TRIM + 1);
const low2 = new Float64Array(MAX_TRIM + 1), high2 = new Float64Array(MAX_TRIM + 1);

/** Keeps `v` among the k lowest values of `lows` (ascending). */
function keepLow(lows: Float64Array, k: number, v: number): void {
  if (v >= lows[k - 1]) return;
  let j = k - 1;
  while (j > 0 && lows[j - 1] > v) {
    lows[j] = lows[j - 1];
    j--;
  }
  lows[j] = v;
}

/** [lo, hi] leaving out up to maxTrim values at each end that stand more than STRAY_GAP apart from the rest (lows ascending, highs descending). */
function trimmedRange(lows: Float64Array, highs: Float64Array, maxTrim: number): [number, number] {
  let lo = lows[0], hi = -highs[0];
  for (let k = maxTrim; k >= 1; k--) if (lows[k] - lows[k - 1] > STRAY_GAP) { lo = lows[k]; break; }
  for (let k = maxTrim; k >= 1; k--) if (highs[k] - highs[k - 1] > STRAY_GAP) { hi = -highs[k]; break; }
  return [lo, hi];
}

/**
 * rectAtAngle without stray returns across the object: up to 2 % of the points (3 at most) lying
 * more than STRAY_GAP beyond the rest of a long side are left out of the width (a branch, a
 * sign, a reflection linked to a far vehicle by the long links along the ray: a SUSTech light
 * truck at 31 m had two returns 0.4 m in front of its side, and the box, completed away from the
 * sensor from there, sat 0.4 m off). Along the object nothing is left out: there the few returns
 * on a far car's rounded bumpers are its ends (trimming them too cost real clicks). Below 50
 * points every point counts. One pass, keeping the few extreme projections per side.
 */
export function rectAtAngleTrimmed(xy: Float32Array, n: number, angle: number): Rect2D {
  const maxTrim = Math.min(MAX_TRIM, Math.floor(n * 0.02));
  if (maxTrim < 1) return rectAtAngle(xy, n, angle);
  const k = maxTrim + 1;
  low1.fill(Infinity); high1.fill(Infinity); low2.fill(Infinity); high2.fill(Infinity);
  const c = Math.cos(angle), s = Math.sin(angle);
  for (let i = 0; i < n; i++) {
    const x = xy[i * 2], y = xy[i * 2 + 1];
    const a = x * c + y * s, b = -x * s + y * c;
    keepLow(low1, k, a);
    keepLow(high1, k, -a);
    keepLow(low2, k, b);
    keepLow(high2, k, -b);
  }
  let [min1, max1] = [low1[0], -high1[0]], [min2, max2] = [low2[0], -high2[0]];
  // Only across the object (the shorter extent).
  if (max1 - min1 < max2 - min2) [min1, max1] = trimmedRange(low1, high1, maxTrim);
  else [min2, max2] = trimmedRange(low2, high2, maxTrim);
  const m1 = (min1 + max1) / 2, m2 = (min2 + max2) / 2;
  return { cx: m1 * c - m2 * s, cy: m1 * s + m2 * c, angle, extent1: max1 - min1, extent2: max2 - min2 };
}
