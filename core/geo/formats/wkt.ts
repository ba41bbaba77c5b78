/**
 * WKT for a Shapefile's .prj, for the CRSs Datum bundles (core/geo/crs), and the way back: which
 * EPSG code a .prj means. OGC WKT 1 with AUTHORITY nodes, as GDAL writes it, so GDAL/QGIS identify
 * the EPSG code; ArcGIS reads it too. Reading also accepts the ESRI names ArcGIS writes for the
 * same systems (GCS_WGS_1984, WGS_1984_UTM_Zone_33N, WGS_1984_Web_Mercator_Auxiliary_Sphere).
 */
import { crsDefinition } from '../crs';

const GEOGCS_WGS84 =
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],' +
  'PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]';

/** The .prj text of an EPSG code Datum bundles, or null. */
export function wktOf(epsg: number): string | null {
  if (!crsDefinition(epsg)) return null;
  if (epsg === 4326) return GEOGCS_WGS84;
  if (epsg === 3857)
    return (
      `PROJCS["WGS 84 / Pseudo-Mercator",${GEOGCS_WGS84},PROJECTION["Mercator_1SP"],PARAMETER["central_meridian",0],PARAMETER["scale_factor",1],` +
      'PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],' +
      'EXTENSION["PROJ4","+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs"],AUTHORITY["EPSG","3857"]]'
    );
  const zone = epsg % 100;
  const south = epsg > 32700;
  return (
    `PROJCS["WGS 84 / UTM zone ${zone}${south ? 'S' : 'N'}",${GEOGCS_WGS84},PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],` +
    `PARAMETER["central_meridian",${zone * 6 - 183}],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],` +
    `PARAMETER["false_northing",${south ? 10000000 : 0}],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","${epsg}"]]`
  );
}

/** The EPSG code a .prj names (its outermost AUTHORITY, or an ESRI name Datum knows), or null. */
export function epsgOfWkt(wkt: string): number | null {
  const text = wkt.trim();
  // the outermost AUTHORITY is the last node before the final bracket
  const auth = /AUTHORITY\s*\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]\s*\]\s*$/i.exec(text);
  if (auth) return Number(auth[1]);
  const utm = /^PROJCS\s*\[\s*"WGS_1984_UTM_Zone_(\d{1,2})([NS])"/i.exec(text);
  if (utm) return (utm[2].toUpperCase() === 'N' ? 32600 : 32700) + Number(utm[1]);
  if (/^PROJCS\s*\[\s*"WGS_1984_Web_Mercator(_Auxiliary_Sphere)?"/i.test(text)) return 3857;
  if (/^GEOGCS\s*\[\s*"(GCS_)?WGS[ _]?(19)?84"/i.test(text)) return 4326;
  return null;
}
