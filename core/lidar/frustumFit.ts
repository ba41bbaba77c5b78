/**
 * Image-guided one-click fit: a click on an object in a camera image becomes a cuboid. The pixel
 * is a ray; the LiDAR points that project within a small window around it are the candidates. The
 * window also catches what lies behind the object (the LiDAR, mounted elsewhere, sees past its
 * edges) and the road under it, so ground returns are dropped and the candidates are split into
 * clusters along the ray by gaps in depth: the nearest cluster with enough points is the object.
 * Its points give a bird's-eye seed, and the ordinary one-click fit (fit.ts, with the class's
 * size prior) grows and fits the cuboid from there.
 */
import type { CameraModel } from '../calib/camera';
import { DEFAULT_NEAR, projectionMatrix } from '../calib/camera';
import { fitBoxAtClick, type FitOptions, type FitResult } from './fit';
import { frameIndexFor, groundHeight } from './frameIndex';

export interface FrustumFitOptions extends FitOptions {
  /** Half-size of the pixel window around the click; default 1.5 % of the image width (19 px on KITTI). */
  windowPx?: number;
  /** Points lower than this above the local ground are road, not object (metres). */
  minHeight?: number;
  /** A depth gap larger than max(gapMin, gapRatio x depth) starts a new cluster along the ray. */
  gapMin?: number;
  gapRatio?: number;
  /** The nearest depth cluster with at least this many points is the object. */
  minDepthClusterPoints?: number;
  /** Fewer candidates than this in the window: it is doubled (up to 4 times its size). */
  minWindowPoints?: number;
  /** The chosen cluster must have a point within this share of the window of the click. */
  innerFraction?: number;
}

export type FrustumFitResult =
  | { ok: true; fit: FitResult; seed: [number, number]; depth: number; candidates: number }
  | { ok: false; reason: 'no-points' | 'no-object' | 'no-fit'; candidates: number };

/**
 * Fits a cuboid to the object under image pixel (u, v) of `camera` (image pixels, origin top
 * left). Works on the cloud's own coordinates (those the camera was calibrated in).
 */
export function fitAtImageClick(
  positions: Float32Array,
  count: number,
  camera: CameraModel,
  u: number,
  v: number,
  options: FrustumFitOptions = {},
): FrustumFitResult {
  const index = options.index ?? frameIndexFor(positions, count);
  const baseWin = options.windowPx ?? Math.max(6, camera.width * 0.015);
  // Close to the camera the LiDAR rings are far apart in the image: the window grows (x2, x4)
  // until it holds a few points. Candidates are gathered once with the largest window.
  const maxWin = baseWin * 4;
  const minHeight = options.minHeight ?? 0.3;
  const P = projectionMatrix(camera);
  const T = camera.lidarToCamera;
  // Candidates: (depth, point index) of non-ground points projecting into the window.
  let cand = new Float64Array(384);
  let n = 0;
  for (let i = 0; i < count; i++) {
    const x = positions[i * 3], y = positions[i * 3 + 1], z = positions[i * 3 + 2];
    const depth = T[8] * x + T[9] * y + T[10] * z + T[11];
    if (!(depth > DEFAULT_NEAR)) continue;
    const w = P[8] * x + P[9] * y + P[10] * z + P[11];
    const du = (P[0] * x + P[1] * y + P[2] * z + P[3]) / w - u;
    if (du > maxWin || du < -maxWin) continue;
    const dv = (P[4] * x + P[5] * y + P[6] * z + P[7]) / w - v;
    if (dv > maxWin || dv < -maxWin) continue;
    if (z - groundHeight(index, x, y) < minHeight) continue;
    if (n * 3 + 3 > cand.length) {
      const grown = new Float64Array(cand.length * 2);
      grown.set(cand);
      cand = grown;
    }
    cand[n * 3] = depth;
    cand[n * 3 + 1] = i;
    cand[n * 3 + 2] = Math.max(Math.abs(du), Math.abs(dv));
    n++;
  }
  let win = baseWin;
  const within = (w: number) => {
    let k = 0;
    for (let j = 0; j < n; j++) if (cand[j * 3 + 2] <= w) k++;
    return k;
  };
  while (win < maxWin && within(win) < (options.minWindowPoints ?? 8)) win *= 2;
  // Sort the candidates in the window by depth (small n: a few hundred at most).
  const order = Array.from({ length: n }, (_, k) => k).filter((k) => cand[k * 3 + 2] <= win).sort((a, b) => cand[a * 3] - cand[b * 3]);
  n = order.length;
  if (!n) return { ok: false, reason: 'no-points', candidates: 0 };
  const gapMin = options.gapMin ?? 0.8, gapRatio = options.gapRatio ?? 0.05;
  const wanted = options.minDepthClusterPoints ?? 3;
  const inner = win * (options.innerFraction ?? 0.4);
  // The candidate closest to the click in the image: its cluster counts as central even when no
  // point falls in the inner window (a click between two LiDAR rings on a near car).
  let closest = order[0];
  for (const k of order) if (cand[k * 3 + 2] < cand[closest * 3 + 2]) closest = k;
  let start = 0;
  let found = -1, end = 0;
  for (let k = 1; k <= n; k++) {
    const prev = cand[order[k - 1] * 3];
    if (k < n && cand[order[k] * 3] - prev <= Math.max(gapMin, gapRatio * prev)) continue;
    // The object is under the click itself: a cluster only at the window's rim (the edge of a
    // neighbour, a pole beside the object) does not count.
    let central = false;
    for (let j = start; j < k && !central; j++) central = cand[order[j] * 3 + 2] <= inner || order[j] === closest;
    if (k - start >= wanted && central) {
      found = start;
      end = k;
      break;
    }
    start = k;
  }
  if (found < 0) return { ok: false, reason: 'no-object', candidates: n };
  // Seed: the cluster's bird's-eye centroid, which lies on the faces the sensor sees.
  let sx = 0, sy = 0, sd = 0;
  for (let k = found; k < end; k++) {
    const i = cand[order[k] * 3 + 1];
    sx += positions[i * 3];
    sy += positions[i * 3 + 1];
    sd += cand[order[k] * 3];
  }
  const m = end - found;
  const seed: [number, number] = [sx / m, sy / m];
  const fit = fitBoxAtClick(positions, count, seed, { ...options, index });
  if (!fit) return { ok: false, reason: 'no-fit', candidates: n };
  return { ok: true, fit, seed, depth: sd / m, candidates: n };
}
