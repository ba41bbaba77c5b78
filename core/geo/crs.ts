/**
 * Coordinate reference systems Datum can reproject, defined offline (no EPSG database lookup, no
 * network): proj4 strings for EPSG:4326 (WGS 84 lon/lat), EPSG:3857 (Web Mercator) and every WGS 84
 * UTM zone (EPSG:32601–32660 north, 32701–32760 south), the last generated from the zone number.
 * Anything else is refused with a clear error instead of a silently wrong export.
 */
import proj4 from 'proj4';

export const WGS84 = 4326;

/** proj4 definition of an EPSG code, or null when Datum does not bundle it. */
export function crsDefinition(epsg: number): string | null {
  if (epsg === 4326) return '+proj=longlat +datum=WGS84 +no_defs';
  if (epsg === 3857) return '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs';
  const north = epsg >= 32601 && epsg <= 32660;
  const south = epsg >= 32701 && epsg <= 32760;
  if (north || south) return `+proj=utm +zone=${epsg % 100}${south ? ' +south' : ''} +datum=WGS84 +units=m +no_defs`;
  return null;
}

/** What the supported set is, for error messages and docs. */
export const SUPPORTED_CRS = 'EPSG:4326, EPSG:3857 and the WGS 84 UTM zones EPSG:32601–32660 / 32701–32760';

export class UnsupportedCrsError extends Error {
  constructor(epsg: number | null) {
    super(
      epsg == null
        ? `the image has no EPSG code in its GeoKeys (user-defined CRS); supported: ${SUPPORTED_CRS}`
        : `EPSG:${epsg} is not supported for reprojection; supported: ${SUPPORTED_CRS}`,
    );
    this.name = 'UnsupportedCrsError';
  }
}

/** A converter from the CRS to WGS 84 lon/lat and back. */
export function toWgs84(epsg: number | null): proj4.Converter {
  const def = epsg == null ? null : crsDefinition(epsg);
  if (!def) throw new UnsupportedCrsError(epsg);
  return proj4(def, crsDefinition(WGS84)!);
}
