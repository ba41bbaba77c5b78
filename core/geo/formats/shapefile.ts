/**
 * ESRI Shapefile export and import of an image's labels. A Shapefile holds one geometry type, so
 * labels are written as up to three layers: `<name>_polygons` (boxes, rotated boxes and polygons,
 * as closed rings), `<name>_lines` (polylines) and `<name>_points` (one record per point; a
 * multi-point object gives several records with the same `id`). Each layer is .shp + .shx (written
 * by @mapbox/shp-write), .dbf (attributes, UTF-8, with a .cpg saying so) and .prj (core/geo/formats/
 * wkt). Coordinates are in the image's CRS by default (exact: only the affine geotransform is
 * applied) or in WGS 84 lon/lat.
 *
 * Attributes: `id` (Datum object id), `label` (class name), `kind` (Datum geometry kind, so a box
 * comes back a box), `source`, then the object's attributes, names cut to the 10 characters dBase
 * allows (a clash gets a numbered suffix). Exterior rings are written clockwise (the Shapefile
 * rule); the reader accepts either winding.
 *
 * Reading uses shpjs (parseShp/parseDbf) on the raw coordinates; the .prj decides the CRS.
 */
import shpwrite from '@mapbox/shp-write';
import { parseDbf, parseShp } from 'shpjs';
import type { Geometry } from '../../document/schema';
import { GeoFormatError, quadOf, quadToRotatedBox, signedArea2, type GeoObject, type Pt } from './common';
import type { Projector } from './project';
import { wktOf } from './wkt';

export interface ShapefileLayer {
  /** Layer name: the file stem of its four files. */
  name: string;
  shp: Uint8Array;
  shx: Uint8Array;
  dbf: Uint8Array;
  prj: string;
  cpg: string;
  records: number;
}

type Row = Record<string, string | number | boolean | null>;

/** dBase field names: at most 10 ASCII characters, unique. */
function fieldNames(keys: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const k of keys) {
    const base = k.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 10) || 'attr';
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base.slice(0, 10 - String(n).length - 1)}_${n}`;
    used.add(name.toLowerCase());
    out.set(k, name);
  }
  return out;
}

/**
 * The dbf writer shp-write uses stores one byte per UTF-16 unit (charCodeAt): text is handed to it
 * as UTF-8 bytes, one character each, so the .dbf holds UTF-8 (declared in the .cpg).
 */
const utf8Bytes = (s: string) => String.fromCharCode(...new TextEncoder().encode(s));

const toBytes = (v: DataView | ArrayBuffer | Uint8Array): Uint8Array =>
  v instanceof Uint8Array ? v : v instanceof DataView ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(v);

function layer(name: string, type: 'POLYGON' | 'POLYLINE' | 'POINT', rows: Row[], geometries: unknown[], prj: string): ShapefileLayer {
  // A field whose values mix types is written as text; missing values stay null (empty).
  const types = new Map<string, Set<string>>();
  for (const r of rows) for (const [k, v] of Object.entries(r)) if (v !== null) (types.get(k) ?? types.set(k, new Set()).get(k)!).add(typeof v);
  const encoded = rows.map((r) => {
    const o: Row = {};
    for (const [k, v] of Object.entries(r)) {
      const t = types.get(k);
      o[k] = v === null ? null : t && t.size === 1 && typeof v !== 'string' ? v : utf8Bytes(String(v));
    }
    return o;
  });
  let files: { shp: DataView; shx: DataView; dbf: DataView } | null = null;
  shpwrite.write(encoded, type, geometries as object[], (err: unknown, data: { shp: DataView; shx: DataView; dbf: DataView }) => {
    if (err) throw err;
    files = data;
  });
  const f = files as unknown as { shp: DataView; shx: DataView; dbf: DataView };
  return { name, shp: toBytes(f.shp), shx: toBytes(f.shx), dbf: toBytes(f.dbf), prj, cpg: 'UTF-8', records: rows.length };
}

export function writeShapefile(objects: GeoObject[], proj: Projector, stem: string): { layers: ShapefileLayer[]; written: number; skipped: number } {
  const prj = wktOf(proj.epsg);
  if (!prj) throw new Error(`EPSG:${proj.epsg} has no .prj text in Datum`);
  const attrKeys = [...new Set(objects.flatMap((o) => Object.keys(o.attributes ?? {})))].filter((k) => !['id', 'label', 'kind', 'source'].includes(k));
  const names = fieldNames(['id', 'label', 'kind', 'source', ...attrKeys]);
  const row = (o: GeoObject, part?: number): Row => {
    const r: Row = { id: o.id ?? null, label: o.label, kind: o.geometry.kind, source: o.source ?? null };
    for (const k of attrKeys) r[names.get(k)!] = o.attributes?.[k] ?? null;
    if (part !== undefined) r.part = part;
    return r;
  };
  const fwd = (pts: Pt[]) => pts.map(([c, r]) => proj.forward(c, r));
  const pairs = (flat: number[]): Pt[] => Array.from({ length: flat.length >> 1 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]);
  const poly = { rows: [] as Row[], geoms: [] as unknown[] };
  const line = { rows: [] as Row[], geoms: [] as unknown[] };
  const point = { rows: [] as Row[], geoms: [] as unknown[] };
  let skipped = 0;
  let written = 0;
  for (const o of objects) {
    const g = o.geometry;
    const ringPx = quadOf(g) ?? (g.kind === 'polygon' && g.points.length >= 6 ? pairs(g.points) : null);
    if (ringPx) {
      let ring = fwd(ringPx);
      // exterior rings clockwise in map coordinates (x east, y north): negative shoelace sum
      // (reversed from the first vertex on, so the reader can restore the order)
      if (signedArea2(ring) > 0) ring = [ring[0], ...ring.slice(1).reverse()];
      ring.push(ring[0]);
      poly.rows.push(row(o));
      poly.geoms.push([ring]);
    } else if (g.kind === 'polyline' && g.points.length >= 4) {
      line.rows.push(row(o));
      line.geoms.push([fwd(pairs(g.points))]);
    } else if (g.kind === 'points' && g.points.length >= 2) {
      pairs(g.points).forEach((p, i) => {
        point.rows.push(row(o, i));
        point.geoms.push(fwd([p])[0]);
      });
    } else {
      skipped++;
      continue;
    }
    written++;
  }
  const layers: ShapefileLayer[] = [];
  if (poly.rows.length) layers.push(layer(`${stem}_polygons`, 'POLYGON', poly.rows, poly.geoms, prj));
  if (line.rows.length) layers.push(layer(`${stem}_lines`, 'POLYLINE', line.rows, line.geoms, prj));
  if (point.rows.length) layers.push(layer(`${stem}_points`, 'POINT', point.rows, point.geoms, prj));
  return { layers, written, skipped };
}

const KNOWN_FIELDS = new Set(['id', 'label', 'kind', 'source', 'part']);

/**
 * The objects of one Shapefile layer, in pixels (`proj` maps the layer's coordinates, in the CRS
 * its .prj names, back onto the image). Records with the same `id` and a `part` number (points
 * written by writeShapefile) are joined back into one points object.
 */
export function readShapefile(files: { shp: Uint8Array; dbf?: Uint8Array; cpg?: string }, file: string, proj: Projector): (GeoObject & { where: string })[] {
  let geoms: ReturnType<typeof parseShp>;
  let rows: Record<string, unknown>[] = [];
  try {
    geoms = parseShp(files.shp);
  } catch (e) {
    throw new GeoFormatError(file, null, `not a readable .shp: ${(e as Error).message}`);
  }
  if (files.dbf) {
    try {
      rows = parseDbf(files.dbf, files.cpg ?? 'UTF-8');
    } catch (e) {
      throw new GeoFormatError(file.replace(/\.shp$/i, '.dbf'), null, `not a readable .dbf: ${(e as Error).message}`);
    }
    if (rows.length !== geoms.length) throw new GeoFormatError(file, null, `.shp has ${geoms.length} records but .dbf ${rows.length}`);
  }
  const back = (p: unknown, where: string): Pt => {
    if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1]))
      throw new GeoFormatError(file, where, `bad coordinate ${JSON.stringify(p)}`);
    const px = proj.inverse(p[0], p[1]);
    if (!Number.isFinite(px[0]) || !Number.isFinite(px[1])) throw new GeoFormatError(file, where, `coordinate ${JSON.stringify(p)} does not map onto the image`);
    return px;
  };
  const out: (GeoObject & { where: string })[] = [];
  const pointsById = new Map<string, GeoObject & { where: string; parts: [number, Pt][] }>();
  geoms.forEach((g, i) => {
    const where = `record ${i + 1}`;
    const r = rows[i] ?? {};
    const str = (v: unknown) => (v == null ? '' : String(v).trim());
    const label = str(r.label);
    if (!label) throw new GeoFormatError(file, where, 'has no `label` attribute');
    const id = str(r.id) || undefined;
    const kind = str(r.kind);
    const attributes: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries(r)) {
      // an empty numeric dBase field reads as NaN: no value
      if (KNOWN_FIELDS.has(k) || v == null || v === '' || (typeof v === 'number' && !Number.isFinite(v))) continue;
      if (typeof v === 'string') attributes[k] = v.trim();
      else if (typeof v === 'number' || typeof v === 'boolean') attributes[k] = v;
    }
    if (!g) throw new GeoFormatError(file, where, 'has no geometry (null shape)');
    const c = g.coordinates as unknown[];
    let geometry: Geometry;
    if (g.type === 'Polygon' || g.type === 'MultiPolygon') {
      const rings = (g.type === 'Polygon' ? c : (c as unknown[][])[0]) as unknown[][];
      if (g.type === 'MultiPolygon' && c.length > 1) throw new GeoFormatError(file, where, `a multi-part polygon (${c.length} parts) cannot be one Datum object`);
      const ring = rings[0].map((p) => back(p, where));
      if (ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1]) ring.pop();
      if (ring.length < 3) throw new GeoFormatError(file, where, 'polygon with fewer than 3 vertices');
      // rings were written clockwise on the map; on a north-up image that is counter-clockwise on
      // screen: turn back so vertex order is the one the label had
      const screen = signedArea2(ring) < 0 ? [ring[0], ...ring.slice(1).reverse()] : ring;
      if (kind === 'box2d' || kind === 'rotatedBox') {
        const rb = quadToRotatedBox(screen);
        if (!rb || rb.kind !== 'rotatedBox') throw new GeoFormatError(file, where, `kind ${kind} but the ring is not a rectangle`);
        geometry =
          kind === 'box2d'
            ? { kind: 'box2d', x1: Math.min(...screen.map((p) => p[0])), y1: Math.min(...screen.map((p) => p[1])), x2: Math.max(...screen.map((p) => p[0])), y2: Math.max(...screen.map((p) => p[1])) }
            : rb;
      } else geometry = { kind: 'polygon', points: screen.flat() };
    } else if (g.type === 'LineString' || g.type === 'MultiLineString') {
      const parts = (g.type === 'LineString' ? [c] : c) as unknown[][];
      if (parts.length > 1) throw new GeoFormatError(file, where, `a multi-part line (${parts.length} parts) cannot be one Datum object`);
      geometry = { kind: 'polyline', points: parts[0].map((p) => back(p, where)).flat() };
    } else if (g.type === 'Point') {
      const p = back(c, where);
      const part = Number(r.part);
      if (id && Number.isInteger(part)) {
        const prev = pointsById.get(id);
        if (prev) {
          prev.parts.push([part, p]);
          return;
        }
        const o = { id, label, geometry: { kind: 'points' as const, points: [] as number[] }, attributes, where, parts: [[part, p]] as [number, Pt][] };
        pointsById.set(id, o);
        out.push(o);
        return;
      }
      geometry = { kind: 'points', points: p };
    } else if (g.type === 'MultiPoint') {
      geometry = { kind: 'points', points: (c as unknown[]).map((p) => back(p, where)).flat() };
    } else throw new GeoFormatError(file, where, `geometry type ${g.type} is not supported`);
    out.push({ id, label, geometry, attributes, where });
  });
  for (const o of pointsById.values()) {
    o.parts.sort((a, b) => a[0] - b[0]);
    o.geometry = { kind: 'points', points: o.parts.flatMap(([, p]) => p) };
    delete (o as Partial<typeof o>).parts;
  }
  return out;
}
