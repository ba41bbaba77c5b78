/**
 * Pixel ↔ output coordinates for one image: pixel → map (the image's geotransform) → optionally
 * WGS 84 lon/lat (proj4 through core/geo/crs), and back (inverse proj4, inverse geotransform).
 */
import { crsDefinition, toWgs84, UnsupportedCrsError, WGS84 } from '../crs';
import { mapToPixel, pixelToMap, type GeoTransform } from '../geotransform';
import type { Pt } from './common';

export interface Projector {
  /** EPSG code of the output coordinates. */
  epsg: number;
  forward(col: number, row: number): Pt;
  inverse(x: number, y: number): Pt;
}

/** Output in `epsg` (the image's own CRS or 4326); the image's CRS must be one Datum bundles. */
export function projector(gt: GeoTransform, imageEpsg: number | null, epsg: number): Projector {
  if (imageEpsg === epsg && crsDefinition(epsg)) {
    return { epsg, forward: (c, r) => pixelToMap(gt, c, r), inverse: (x, y) => mapToPixel(gt, x, y) };
  }
  if (epsg !== WGS84 && epsg !== imageEpsg) {
    if (!crsDefinition(epsg)) throw new UnsupportedCrsError(epsg);
    const conv = toWgs84(imageEpsg);
    const other = toWgs84(epsg);
    return {
      epsg,
      forward: (c, r) => other.inverse(conv.forward(pixelToMap(gt, c, r))) as Pt,
      inverse: (x, y) => {
        const [mx, my] = conv.inverse(other.forward([x, y]));
        return mapToPixel(gt, mx, my);
      },
    };
  }
  const conv = toWgs84(imageEpsg);
  return {
    epsg,
    forward: (c, r) => conv.forward(pixelToMap(gt, c, r)) as Pt,
    inverse: (x, y) => {
      const [mx, my] = conv.inverse([x, y]);
      return mapToPixel(gt, mx, my);
    },
  };
}
