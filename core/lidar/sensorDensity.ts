/**
 * How densely this frame's sensor samples the world, estimated from the frame itself, so that
 * point counts can be compared across LiDARs (a 64-beam KITTI scanner returns about twice the
 * points of one of Argoverse 2's 32-beam pair from the same car; a classifier trained on counts
 * of one sensor misjudges the other).
 *
 * Why the ground: for a spinning LiDAR at height H over flat ground, the road at range r is hit at
 * elevation angle ~ -H/r, rings lie r^2 dphi / H apart and each ring carries n_az / (2 pi r) points
 * per metre, so the ground's point density is D(r) = H n_az / (2 pi dphi r^3). A vertical surface
 * (a car's side) at range r receives n_az / (2 pi dphi r^2) points per square metre, i.e.
 * D(r) r / H. The ground at the same range is seen at the same elevation angles as the car's lower
 * body, so a sensor whose beams are unevenly spread (AV2's VLP-32C, dense near the horizon) is
 * measured where it matters. We keep A(r) = D(r) r^3 (points per steradian up to the constant H:
 * sensor heights are 1.7-2 m on all these rigs, and the frames' z origins are not comparable —
 * AV2's ego frame puts z = 0 on the road — so H is left out; ±10 %).
 *
 * Estimate per range annulus: ground returns (within GROUND_BAND of the ground map) over the area
 * of the 2-degree sectors that hold any ground return, so a camera-cropped cloud (KITTI
 * "velodyne_reduced") or occluded sectors do not dilute it. Annuli widen with range so that each
 * holds at least one ring even where rings are metres apart.
 */
import { groundHeight, type FrameIndex } from './frameIndex';

/** Annulus edges (metres). */
const EDGES = [3, 6, 9, 13, 18, 24, 32, 42, 55, 75];
const BINS = EDGES.length - 1;
const SECTORS = 180;
const GROUND_BAND = 0.15;

export interface SensorDensity {
  /** Bin centres (metres) and log A - REFERENCE_LOG_A per bin (A = ground density x r^3), filled where unknown. */
  centers: Float64Array;
  logA: Float64Array;
}

/**
 * Reference log A: KITTI's HDL-64E at 10-40 m (10.9-11.4 on the shared KITTI frames; AV2 9.8-11,
 * SUSTech 10.2-11, nuScenes' 32-beam 9.2-9.7). Subtracting it keeps the normalised features on
 * the scale the classifier's other terms were designed around; it cancels in the fit.
 */
export const REFERENCE_LOG_A = 11;

export function estimateSensorDensity(index: FrameIndex, sensor: [number, number] = [0, 0]): SensorDensity {
  const { positions, count } = index;
  const counts = new Float64Array(BINS);
  const seen = new Uint8Array(BINS * SECTORS);
  const e0 = EDGES[0], e1 = EDGES[BINS];
  for (let i = 0; i < count; i++) {
    const x = positions[i * 3] - sensor[0], y = positions[i * 3 + 1] - sensor[1];
    const r2 = x * x + y * y;
    if (r2 < e0 * e0 || r2 >= e1 * e1) continue;
    const z = positions[i * 3 + 2];
    if (Math.abs(z - groundHeight(index, positions[i * 3], positions[i * 3 + 1])) > GROUND_BAND) continue;
    const r = Math.sqrt(r2);
    let b = 0;
    while (r >= EDGES[b + 1]) b++;
    counts[b]++;
    const s = Math.min(SECTORS - 1, Math.floor(((Math.atan2(y, x) + Math.PI) / (2 * Math.PI)) * SECTORS));
    seen[b * SECTORS + s] = 1;
  }
  const centers = new Float64Array(BINS), logA = new Float64Array(BINS).fill(NaN);
  for (let b = 0; b < BINS; b++) {
    centers[b] = (EDGES[b] + EDGES[b + 1]) / 2;
    let sectors = 0;
    for (let s = 0; s < SECTORS; s++) sectors += seen[b * SECTORS + s];
    // Too few sectors or returns: the estimate would be noise; filled from a neighbour below.
    if (sectors < 5 || counts[b] < 30) continue;
    const area = (sectors / SECTORS) * Math.PI * (EDGES[b + 1] ** 2 - EDGES[b] ** 2);
    logA[b] = Math.log((counts[b] / area) * centers[b] ** 3) - REFERENCE_LOG_A;
  }
  // Unknown bins take the nearest known one (a frame with no road seen at all keeps 0: the
  // reference sensor).
  for (let b = 0; b < BINS; b++) {
    if (!Number.isNaN(logA[b])) continue;
    let best = NaN;
    for (let d = 1; d < BINS && Number.isNaN(best); d++) {
      if (b - d >= 0 && !Number.isNaN(logA[b - d])) best = logA[b - d];
      else if (b + d < BINS && !Number.isNaN(logA[b + d])) best = logA[b + d];
    }
    logA[b] = Number.isNaN(best) ? 0 : best;
  }
  return { centers, logA };
}

/** The reference sensor's density (KITTI's HDL-64E) at every range: counts are read as they are. */
export function referenceDensity(): SensorDensity {
  return { centers: Float64Array.from(EDGES.slice(0, BINS), (e, b) => (e + EDGES[b + 1]) / 2), logA: new Float64Array(BINS) };
}

/** log A at range r (linear between bin centres, clamped at the ends). */
export function logDensityAt(d: SensorDensity, r: number): number {
  const { centers, logA } = d;
  if (r <= centers[0]) return logA[0];
  for (let b = 1; b < centers.length; b++)
    if (r < centers[b]) {
      const t = (r - centers[b - 1]) / (centers[b] - centers[b - 1]);
      return logA[b - 1] * (1 - t) + logA[b] * t;
    }
  return logA[centers.length - 1];
}

/**
 * How far (in log units) the frame estimate must be from the reference before point counts are
 * rescaled by it: the estimate's own error on scanners whose cars return as densely as KITTI's
 * (mean log points r^2 / face area of cars within 40 m: KITTI 9.23, n = 58; AV2 9.09, n = 43;
 * SUSTech 9.48, n = 25) is up to 0.6 (AV2 frames read -0.1 to -0.6, SUSTech -0.1 to -0.3, KITTI
 * +0.1 to +0.3), so within +-0.5 the counts are read as they are and only what lies beyond is
 * corrected — a clearly sparser scanner still is (nuScenes' 32 beams read -1.5, its car 7.67: -1.0
 * is applied). Held out this was 84.3 % recall at 60.1 % precision (n = 121 / 193; before the NMS rule) against
 * 83.5 % / 59.2 % (n = 121 / 191) for the full correction (tests/tools/fit-proposal-classifier.ts).
 */
export const DENSITY_DEAD_ZONE = 0.5;

/** Range band (metres) where frameDensity reads the road. */
export const FRAME_DENSITY_RANGE: readonly [number, number] = [21, 28];

/**
 * One density for the whole frame: the per-range estimate read at 21-28 m and used at every range.
 * Why not per range: the road at range r is seen at elevation -H/r, a car's body at -H/r up to the
 * horizon. Far out both lie near the horizon, close in they do not, and scanners whose beams bunch
 * near the horizon (Argoverse 2's VLP-32C pair, SUSTech's scanner) sample the near road 3-4x more
 * sparsely than the cars on it: the per-range estimate read -1.3 at 10 m on Argoverse 2 and -0.9 on
 * SUSTech (KITTI 0), though their cars return as many points per square metre as KITTI's at that
 * range (log points r^2 / face area 9.0-9.5 on all three). At 21-28 m the estimates agree with the
 * cars (AV2 -0.1 to -0.6, SUSTech -0.1 to -0.3, KITTI 0.1-0.3) and still tell a sparse scanner
 * (nuScenes' 32 beams: -1.5). Held out, the per-range normalisation cost AV2's cars most
 * (tests/tools/fit-proposal-classifier.ts; figures in docs/lidar.md). Shrunk towards 0 by
 * DENSITY_DEAD_ZONE.
 */
export function frameDensity(d: SensorDensity): SensorDensity {
  const v = (logDensityAt(d, FRAME_DENSITY_RANGE[0]) + logDensityAt(d, FRAME_DENSITY_RANGE[1])) / 2;
  const shrunk = Math.abs(v) <= DENSITY_DEAD_ZONE ? 0 : v - Math.sign(v) * DENSITY_DEAD_ZONE;
  return { centers: d.centers, logA: d.logA.map(() => shrunk) };
}
