/**
 * Reading GeoJSON labels back onto an image. Coordinates are WGS 84 lon/lat (RFC 7946), unless the
 * file carries a pre-RFC `crs` member naming an EPSG code (`EPSG:32633`,
 * `urn:ogc:def:crs:EPSG::32633`), as GDAL still writes for projected data. A feature's `kind`
 * property (written by Datum's export) brings a box or rotated box back as one; without it a
 * Polygon is a polygon, a LineString a polyline, a Point / MultiPoint points. The feature `id`
 * (Datum writes the object id) is kept for matching on re-import.
 */
import type { Geometry } from '../../document/schema';
import { GeoFormatError, quadToRotatedBox, signedArea2, type GeoObject, type Pt } from './common';

type Json = Record<string, unknown>;

/** The EPSG code a GeoJSON file is in: its legacy `crs` member, or 4326. */
export function geoJsonEpsg(doc: unknown, file: string): number {
  const crs = (doc as Json | null)?.crs as Json | undefined;
  if (!crs) return 4326;
  const name = String(((crs.properties as Json | undefined)?.name as string | undefined) ?? '');
  if (/CRS84$/i.test(name)) return 4326;
  const m = /EPSG:{1,2}(\d+)$/i.exec(name);
  if (!m) throw new GeoFormatError(file, 'crs', `unsupported crs member ${JSON.stringify(crs)}`);
  return Number(m[1]);
}

export function parseGeoJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new GeoFormatError(file, null, `not valid JSON: ${(e as Error).message}`);
  }
}

/** Features → objects in pixels; `toPixel` maps the file's coordinates onto the image. */
export function readGeoJson(doc: unknown, file: string, toPixel: (x: number, y: number) => Pt): (GeoObject & { where: string })[] {
  const d = doc as Json | null;
  const features = d?.type === 'FeatureCollection' && Array.isArray(d.features) ? (d.features as Json[]) : d?.type === 'Feature' ? [d] : null;
  if (!features) throw new GeoFormatError(file, null, 'not a GeoJSON FeatureCollection or Feature');
  const out: (GeoObject & { where: string })[] = [];
  features.forEach((f, i) => {
    const where = `feature ${i + 1}${f?.id != null ? ` (id ${String(f.id)})` : ''}`;
    if (f?.type !== 'Feature') throw new GeoFormatError(file, where, 'is not a Feature');
    const props = (f.properties ?? {}) as Json;
    const label = props.label ?? props.class ?? props.name;
    if (typeof label !== 'string' || !label.trim()) throw new GeoFormatError(file, where, 'has no `label` property (nor `class` / `name`)');
    const g = f.geometry as Json | null;
    if (!g) throw new GeoFormatError(file, where, 'has no geometry');
    const pt = (p: unknown): Pt => {
      if (!Array.isArray(p) || p.length < 2 || !p.slice(0, 2).every((v) => typeof v === 'number' && Number.isFinite(v)))
        throw new GeoFormatError(file, where, `bad position ${JSON.stringify(p)}`);
      const px = toPixel(p[0] as number, p[1] as number);
      if (!px.every(Number.isFinite)) throw new GeoFormatError(file, where, `position ${JSON.stringify(p)} does not map onto the image`);
      return px;
    };
    const c = g.coordinates as unknown[];
    const kind = props.kind;
    let geometry: Geometry;
    if (g.type === 'Polygon' || (g.type === 'MultiPolygon' && Array.isArray(c) && c.length === 1)) {
      const rings = (g.type === 'Polygon' ? c : c[0]) as unknown[];
      if (!Array.isArray(rings) || !Array.isArray(rings[0])) throw new GeoFormatError(file, where, 'polygon without rings');
      const ring = (rings[0] as unknown[]).map(pt);
      if (ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1]) ring.pop();
      if (ring.length < 3) throw new GeoFormatError(file, where, 'polygon with fewer than 3 vertices');
      // the export winds rings counter-clockwise in lon/lat by reversing the whole ring when needed;
      // a ring that runs counter-clockwise on screen is read backwards to restore the label's order
      const screen = signedArea2(ring) < 0 ? [...ring].reverse() : ring;
      if (kind === 'box2d' || kind === 'rotatedBox') {
        const rb = quadToRotatedBox(screen);
        if (!rb) throw new GeoFormatError(file, where, `kind ${kind} but the ring is not a rectangle`);
        const xs = screen.map((p) => p[0]);
        const ys = screen.map((p) => p[1]);
        geometry = kind === 'box2d' ? { kind: 'box2d', x1: Math.min(...xs), y1: Math.min(...ys), x2: Math.max(...xs), y2: Math.max(...ys) } : rb;
      } else geometry = { kind: 'polygon', points: screen.flat() };
    } else if (g.type === 'LineString') {
      geometry = { kind: 'polyline', points: (c as unknown[]).map(pt).flat() };
      if (geometry.points.length < 4) throw new GeoFormatError(file, where, 'line with fewer than 2 positions');
    } else if (g.type === 'Point') {
      geometry = { kind: 'points', points: pt(c) };
    } else if (g.type === 'MultiPoint') {
      geometry = { kind: 'points', points: (c as unknown[]).map(pt).flat() };
    } else throw new GeoFormatError(file, where, `geometry type ${String(g.type)}${g.type === 'MultiPolygon' ? ' with several parts' : ''} is not supported`);
    const attributes: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries(props))
      if (!['label', 'kind', 'source'].includes(k) && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) attributes[k] = v;
    out.push({ id: f.id != null ? String(f.id) : undefined, label: label.trim(), geometry, attributes, where });
  });
  return out;
}
