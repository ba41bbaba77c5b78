/**
 * Labels of a georeferenced image as an RFC 7946 GeoJSON FeatureCollection: pixel geometry →
 * map coordinates (the image's geotransform) → WGS 84 lon/lat (proj4, core/geo/crs). Polygon
 * rings are closed and their exterior wound counter-clockwise, as RFC 7946 §3.1.6 asks.
 */
import type { AnnotationObject } from '../document/schema';
import { toWgs84 } from './crs';
import { pixelToMap, type GeoTransform } from './geotransform';

type Pos = [number, number];
export interface Feature {
  type: 'Feature';
  id: string;
  geometry:
    | { type: 'Point'; coordinates: Pos }
    | { type: 'MultiPoint' | 'LineString'; coordinates: Pos[] }
    | { type: 'Polygon'; coordinates: Pos[][] };
  properties: Record<string, unknown>;
}
export interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
}

/** Pixel → lon/lat for one image. Throws UnsupportedCrsError for a CRS Datum does not bundle. */
export function pixelToLonLat(gt: GeoTransform, epsg: number | null): (col: number, row: number) => Pos {
  const conv = toWgs84(epsg);
  return (col, row) => {
    const [lon, lat] = conv.forward(pixelToMap(gt, col, row));
    return [lon, lat];
  };
}

const pairs = (flat: number[]): Pos[] => {
  const out: Pos[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
};

/** Closed ring, counter-clockwise in lon/lat (positive shoelace area). */
function ring(pts: Pos[]): Pos[] {
  let a = 0;
  for (let i = 0; i < pts.length; i++) {
    const [x1, y1] = pts[i];
    const [x2, y2] = pts[(i + 1) % pts.length];
    a += x1 * y2 - x2 * y1;
  }
  const r = a < 0 ? [...pts].reverse() : [...pts];
  r.push(r[0]);
  return r;
}

export function labelsToGeoJson(objects: AnnotationObject[], gt: GeoTransform, epsg: number | null, labelName: (label: string) => string = (l) => l): { collection: FeatureCollection; skipped: number } {
  const ll = pixelToLonLat(gt, epsg);
  const features: Feature[] = [];
  let skipped = 0;
  for (const o of objects) {
    const g = o.geometry;
    let geometry: Feature['geometry'] | null = null;
    if (g.kind === 'box2d') {
      geometry = { type: 'Polygon', coordinates: [ring([ll(g.x1, g.y1), ll(g.x2, g.y1), ll(g.x2, g.y2), ll(g.x1, g.y2)])] };
    } else if (g.kind === 'rotatedBox') {
      const c = Math.cos(g.angle);
      const s = Math.sin(g.angle);
      const corner = (u: number, v: number) => ll(g.cx + u * c - v * s, g.cy + u * s + v * c);
      const hw = g.w / 2;
      const hh = g.h / 2;
      geometry = { type: 'Polygon', coordinates: [ring([corner(-hw, -hh), corner(hw, -hh), corner(hw, hh), corner(-hw, hh)])] };
    } else if (g.kind === 'polygon' && g.points.length >= 6) {
      geometry = { type: 'Polygon', coordinates: [ring(pairs(g.points).map(([x, y]) => ll(x, y)))] };
    } else if (g.kind === 'polyline' && g.points.length >= 4) {
      geometry = { type: 'LineString', coordinates: pairs(g.points).map(([x, y]) => ll(x, y)) };
    } else if (g.kind === 'points' && g.points.length >= 2) {
      const p = pairs(g.points).map(([x, y]) => ll(x, y));
      geometry = p.length === 1 ? { type: 'Point', coordinates: p[0] } : { type: 'MultiPoint', coordinates: p };
    }
    if (!geometry) {
      skipped++; // masks, skeletons, tags, 3D: no GeoJSON form yet
      continue;
    }
    features.push({
      type: 'Feature',
      id: o.id,
      geometry,
      // `kind` lets an import bring a box or rotated box back as one (formats/geojsonRead)
      properties: { label: labelName(o.label), kind: g.kind, source: o.source.kind, ...(o.attributes ?? {}) },
    });
  }
  return { collection: { type: 'FeatureCollection', features }, skipped };
}
