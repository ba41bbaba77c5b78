/**
 * Scale bar of a georeferenced image: the ground length of one image pixel along a row (from the
 * geotransform), times the zoom, rounded to a nice 1 / 2 / 5 × 10^k length that fits a target width.
 *
 * Units: projected CRSs are taken as metres (UTM, national grids). Two CRSs are corrected, because
 * their units are not ground metres: EPSG:4326 (degrees: converted at the image's latitude on the
 * WGS 84 ellipsoid) and EPSG:3857 (Web Mercator metres are stretched by 1 / cos(latitude)).
 */
import type { GeoTransform } from './geotransform';
import { pixelToMap } from './geotransform';

const A = 6378137; // WGS 84 semi-major axis
const E2 = 0.00669437999014; // WGS 84 first eccentricity squared

/** Metres per degree of longitude at a latitude (WGS 84 ellipsoid, radius of the parallel). */
export function metresPerDegreeLon(latDeg: number): number {
  const p = (latDeg * Math.PI) / 180;
  return ((Math.PI / 180) * A * Math.cos(p)) / Math.sqrt(1 - E2 * Math.sin(p) ** 2);
}

/** Metres per degree of latitude (WGS 84 meridian radius of curvature). */
export function metresPerDegreeLat(latDeg: number): number {
  const p = (latDeg * Math.PI) / 180;
  return ((Math.PI / 180) * A * (1 - E2)) / (1 - E2 * Math.sin(p) ** 2) ** 1.5;
}

/**
 * Ground metres covered by one image pixel along a row, at image pixel (col, row) (the latitude
 * matters for EPSG:4326 and 3857), or null when the CRS unit is unknown (no EPSG code).
 */
export function metresPerPixel(gt: GeoTransform, epsg: number | null, col: number, row: number): number | null {
  if (epsg == null) return null;
  if (epsg === 4326) {
    const [, lat] = pixelToMap(gt, col, row);
    // one pixel step along the row moves (gt[1], gt[4]) degrees of (lon, lat)
    return Math.hypot(gt[1] * metresPerDegreeLon(lat), gt[4] * metresPerDegreeLat(lat));
  }
  const along = Math.hypot(gt[1], gt[4]);
  if (epsg === 3857) {
    const [, y] = pixelToMap(gt, col, row);
    const lat = Math.atan(Math.sinh(y / A)); // inverse spherical Mercator
    return along * Math.cos(lat);
  }
  return along;
}

/** The largest 1, 2 or 5 × 10^k not above x. */
export function niceLength(x: number): number {
  if (!(x > 0)) return 0;
  const p = 10 ** Math.floor(Math.log10(x));
  const m = x / p;
  return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
}

export interface ScaleBar {
  /** Ground length of the bar, in metres. */
  metres: number;
  /** Its length on screen, in CSS pixels. */
  px: number;
  label: string;
}

export function formatLength(m: number): string {
  if (m >= 1000) return `${+(m / 1000).toPrecision(3)} km`;
  if (m >= 1) return `${+m.toPrecision(3)} m`;
  if (m >= 0.01) return `${+(m * 100).toPrecision(3)} cm`;
  return `${+(m * 1000).toPrecision(3)} mm`;
}

/**
 * The bar for a view: `scale` screen px per image px, measured at image pixel (col, row) (the
 * view's centre), at most `maxPx` wide. Null when the CRS unit is unknown.
 */
export function scaleBar(gt: GeoTransform, epsg: number | null, scale: number, col: number, row: number, maxPx = 140): ScaleBar | null {
  const mpp = metresPerPixel(gt, epsg, col, row);
  if (!mpp || !(scale > 0)) return null;
  const metresPerScreenPx = mpp / scale;
  const metres = niceLength(maxPx * metresPerScreenPx);
  return { metres, px: metres / metresPerScreenPx, label: formatLength(metres) };
}
