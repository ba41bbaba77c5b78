/**
 * Before / after comparison of two images of one place: how the other image's pixels land on the
 * primary image's pixels, through map coordinates.
 *  - same CRS: exact affine, primary_gt⁻¹ ∘ other_gt (identity when co-registered);
 *  - different CRSs Datum can reproject: the affine through three corners of the other image,
 *    mapped other pixel → other CRS → WGS 84 → primary CRS → primary pixel (an approximation:
 *    exact at the corners, off by the curvature of the reprojection across the scene).
 */
import { toWgs84 } from './crs';
import { mapToPixel, pixelToMap, type GeoTransform } from './geotransform';

/** [a, b, c, d, e, f]: x' = a + b·x + c·y, y' = d + e·x + f·y. */
export type Affine = [number, number, number, number, number, number];

export interface Grid {
  width: number;
  height: number;
  geotransform: GeoTransform;
  epsg: number | null;
}

/** Same CRS, same size and the same geotransform (to a millionth of a pixel): drawn pixel on pixel. */
export function coregistered(a: Grid, b: Grid): boolean {
  if (a.epsg !== b.epsg || a.width !== b.width || a.height !== b.height) return false;
  const px = Math.max(Math.abs(a.geotransform[1]), Math.abs(a.geotransform[5]), 1e-12);
  return a.geotransform.every((v, i) => Math.abs(v - b.geotransform[i]) <= 1e-6 * px);
}

/** Affine through three point pairs (src -> dst). */
function affineFrom3(src: [number, number][], dst: [number, number][]): Affine {
  const [[x0, y0], [x1, y1], [x2, y2]] = src;
  const det = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
  const solve = (v0: number, v1: number, v2: number): [number, number, number] => {
    const b = ((v1 - v0) * (y2 - y0) - (v2 - v0) * (y1 - y0)) / det;
    const c = ((x1 - x0) * (v2 - v0) - (x2 - x0) * (v1 - v0)) / det;
    return [v0 - b * x0 - c * y0, b, c];
  };
  const [a, b, c] = solve(dst[0][0], dst[1][0], dst[2][0]);
  const [d, e, f] = solve(dst[0][1], dst[1][1], dst[2][1]);
  return [a, b, c, d, e, f];
}

/** Other pixel -> primary pixel, or null when the CRSs differ and one cannot be reprojected. */
export function otherToPrimary(primary: Grid, other: Grid): Affine | null {
  if (coregistered(primary, other)) return [0, 1, 0, 0, 0, 1];
  let toPrimaryMap: (p: [number, number]) => [number, number];
  if (primary.epsg === other.epsg && primary.epsg != null) toPrimaryMap = (p) => p;
  else {
    try {
      const a = toWgs84(other.epsg);
      const b = toWgs84(primary.epsg);
      toPrimaryMap = (p) => b.inverse(a.forward(p)) as [number, number];
    } catch {
      return null;
    }
  }
  const corners: [number, number][] = [
    [0, 0],
    [other.width, 0],
    [0, other.height],
  ];
  const dst = corners.map(([c, r]) => mapToPixel(primary.geotransform, ...toPrimaryMap(pixelToMap(other.geotransform, c, r))));
  return affineFrom3(corners, dst);
}

export function applyAffine(t: Affine, x: number, y: number): [number, number] {
  return [t[0] + t[1] * x + t[2] * y, t[3] + t[4] * x + t[5] * y];
}

/** Share (0..1) of the primary image's area that the other image covers (its corners mapped by `t`; a polygon clip of the two quads approximated on a 32 × 32 sample grid). */
export function overlapShare(primary: { width: number; height: number }, other: { width: number; height: number }, t: Affine): number {
  // invert t to test whether a primary pixel falls inside the other image
  const det = t[1] * t[5] - t[2] * t[4];
  if (Math.abs(det) < 1e-15) return 0;
  const N = 32;
  let inside = 0;
  for (let j = 0; j < N; j++)
    for (let i = 0; i < N; i++) {
      const x = ((i + 0.5) / N) * primary.width - t[0];
      const y = ((j + 0.5) / N) * primary.height - t[3];
      const u = (x * t[5] - y * t[2]) / det;
      const v = (y * t[1] - x * t[4]) / det;
      if (u >= 0 && v >= 0 && u <= other.width && v <= other.height) inside++;
    }
  return inside / (N * N);
}
