/**
 * A check on the frame index's local ground map close to the sensor. The map takes the lowest
 * returns around each cell (frameIndex.ts); next to the sensor that fails in one common way: a car
 * a few metres away fills the view, the ego vehicle hides the road in front of it and the car's
 * own shadow hides the road behind it, so no road return lies within the min filter's reach and
 * the car's lower body becomes "ground" (SUSTech 000975: a car 3.9 m away got its ground 0.86 m
 * too high, leaving 0.6 m of it above the ground and no proposal).
 *
 * In the spirit of Patchwork++'s per-zone plane fits with an elevation check, but with one zone:
 * a plane is fitted robustly (iteratively trimmed least squares) to the ground map's cells within
 * NEAR_RADIUS metres, where the road is seen densely and a plane holds on slopes; it must be upright.
 * Where a cell's ground lies more than ELEVATION_TOLERANCE above that plane, the plane wins. Kerbs
 * (0.15 m) and gentle camber stay as the map has them.
 */
import { groundHeight, type FrameIndex } from './frameIndex';

export const NEAR_RADIUS = 15;
/** Above the near plane by more than this, a cell's ground is taken for an object's body. */
export const ELEVATION_TOLERANCE = 0.35;
/** The plane's normal must be within this of vertical (cos of ~15 degrees). */
const MIN_UPRIGHT = 0.965;

export interface NearPlane {
  /** z = a x + b y + c, valid when fitted. */
  a: number;
  b: number;
  c: number;
  valid: boolean;
}

function fitPlane(xs: Float64Array, ys: Float64Array, zs: Float64Array, use: Uint8Array): NearPlane {
  // Normal equations of z = a x + b y + c over the used cells.
  let sxx = 0, sxy = 0, sx = 0, syy = 0, sy = 0, n = 0, sxz = 0, syz = 0, sz = 0;
  for (let i = 0; i < xs.length; i++) {
    if (!use[i]) continue;
    const x = xs[i], y = ys[i], z = zs[i];
    sxx += x * x; sxy += x * y; sx += x; syy += y * y; sy += y; n++; sxz += x * z; syz += y * z; sz += z;
  }
  if (n < 10) return { a: 0, b: 0, c: 0, valid: false };
  // Solve the 3x3 system by Cramer's rule.
  const det = sxx * (syy * n - sy * sy) - sxy * (sxy * n - sy * sx) + sx * (sxy * sy - syy * sx);
  if (Math.abs(det) < 1e-9) return { a: 0, b: 0, c: sz / n, valid: true };
  const a = (sxz * (syy * n - sy * sy) - sxy * (syz * n - sy * sz) + sx * (syz * sy - syy * sz)) / det;
  const b = (sxx * (syz * n - sz * sy) - sxz * (sxy * n - sy * sx) + sx * (sxy * sz - syz * sx)) / det;
  const c = (sxx * (syy * sz - sy * syz) - sxy * (sxy * sz - sx * syz) + sxz * (sxy * sy - syy * sx)) / det;
  return { a, b, c, valid: true };
}

/** The robust near plane of a frame index's ground map (see the file comment). */
export function nearGroundPlane(index: FrameIndex, sensor: [number, number] = [0, 0]): NearPlane {
  const gs = index.groundCellSize;
  const xs: number[] = [], ys: number[] = [], zs: number[] = [];
  for (let gy = 0; gy < index.groundNy; gy++)
    for (let gx = 0; gx < index.groundNx; gx++) {
      const x = index.originX + (gx + 0.5) * gs, y = index.originY + (gy + 0.5) * gs;
      const r = Math.hypot(x - sensor[0], y - sensor[1]);
      if (r > NEAR_RADIUS || r < 1) continue;
      xs.push(x);
      ys.push(y);
      zs.push(index.groundZ[gx + gy * index.groundNx]);
    }
  const X = Float64Array.from(xs), Y = Float64Array.from(ys), Z = Float64Array.from(zs);
  const use = new Uint8Array(X.length).fill(1);
  let plane = fitPlane(X, Y, Z, use);
  // Trim: cells far from the plane (objects' bodies, sunken returns) are refitted without.
  for (let iter = 0; iter < 4 && plane.valid; iter++) {
    const res: number[] = [];
    for (let i = 0; i < X.length; i++) res.push(Math.abs(Z[i] - (plane.a * X[i] + plane.b * Y[i] + plane.c)));
    const sorted = [...res].sort((p, q) => p - q);
    const cut = Math.max(0.15, 2.5 * 1.4826 * (sorted[sorted.length >> 1] ?? 0));
    for (let i = 0; i < X.length; i++) use[i] = res[i] <= cut ? 1 : 0;
    plane = fitPlane(X, Y, Z, use);
  }
  if (plane.valid && 1 / Math.sqrt(plane.a * plane.a + plane.b * plane.b + 1) < MIN_UPRIGHT) plane.valid = false;
  return plane;
}

/** The index's ground at (x, y), lowered to the near plane where it rises implausibly above it. */
export function checkedGround(index: FrameIndex, plane: NearPlane, x: number, y: number, sensor: [number, number] = [0, 0]): number {
  const g = groundHeight(index, x, y);
  if (!plane.valid || Math.hypot(x - sensor[0], y - sensor[1]) > NEAR_RADIUS) return g;
  const p = plane.a * x + plane.b * y + plane.c;
  return g > p + ELEVATION_TOLERANCE ? p : g;
}
