/**
 * Idempotent import of geo labels into an item's objects. An incoming object is the same as an
 * existing one when (in this order):
 *  1. it carries the id of an existing object (GeoJSON feature id, Shapefile `id`, COCO `datum_id`:
 *     what Datum's own exports write), or
 *  2. an existing object has the importKey `<format>:<file>#<line or feature>` of an earlier import
 *     of the same file, or
 *  3. an existing object has the same label and the same shape within `tol` pixels (formats without
 *     ids: DOTA, YOLO-OBB, or files from other tools).
 * A match by id or key whose label or shape differ is updated (the file is newer); a match by shape
 * is left alone; anything else is added. So importing a file twice adds nothing the second time.
 */
import type { AnnotationObject, Geometry } from '../../document/schema';
import { quadOf } from './common';

export interface Incoming {
  id?: string;
  key: string;
  label: string;
  geometry: Geometry;
  attributes?: Record<string, string | number | boolean>;
}

const flatOf = (g: Geometry): number[] | null => {
  const q = quadOf(g);
  if (q && g.kind !== 'polygon') return q.flat();
  if (g.kind === 'polygon' || g.kind === 'polyline' || g.kind === 'points') return g.points;
  return null;
};

/**
 * Same shape within tol: boxes and rotated boxes by their corner sets (a box and a rotated box at
 * 0° are the same rectangle), polygons as rings in either direction from any start, lines and
 * points vertex by vertex.
 */
export function sameShape(a: Geometry, b: Geometry, tol = 1e-3): boolean {
  const fa = flatOf(a);
  const fb = flatOf(b);
  if (!fa || !fb || fa.length !== fb.length) return false;
  const boxy = (g: Geometry) => g.kind === 'box2d' || g.kind === 'rotatedBox';
  const n = fa.length / 2;
  const close = (i: number, j: number) => Math.abs(fa[2 * i] - fb[2 * j]) <= tol && Math.abs(fa[2 * i + 1] - fb[2 * j + 1]) <= tol;
  if (boxy(a) !== boxy(b) && !(a.kind === 'polygon' || b.kind === 'polygon')) return false;
  if (a.kind === 'polyline' || a.kind === 'points' || b.kind === 'polyline' || b.kind === 'points') {
    if (a.kind !== b.kind) return false;
    for (let i = 0; i < n; i++) if (!close(i, i)) return false;
    return true;
  }
  // rings: any start, either direction
  for (let s = 0; s < n; s++)
    for (const dir of [1, -1]) {
      let ok = true;
      for (let i = 0; i < n && ok; i++) ok = close(i, (((s + dir * i) % n) + n) % n);
      if (ok) return true;
    }
  return false;
}

export function mergeImported(
  current: AnnotationObject[],
  incoming: Incoming[],
  newId: () => string,
  tol = 1e-3,
): { objects: AnnotationObject[]; added: number; updated: number; unchanged: number } {
  const objects = [...current];
  const byId = new Map(objects.map((o, i) => [o.id, i]));
  const byKey = new Map<string, number>();
  objects.forEach((o, i) => o.importKey && byKey.set(o.importKey, i));
  const taken = new Set<number>();
  let added = 0;
  let updated = 0;
  let unchanged = 0;
  for (const inc of incoming) {
    let at = inc.id !== undefined ? byId.get(inc.id) : undefined;
    if (at === undefined || taken.has(at)) at = byKey.get(inc.key);
    if (at !== undefined && !taken.has(at)) {
      taken.add(at);
      const old = objects[at];
      if (old.label === inc.label && sameShape(old.geometry, inc.geometry, tol)) unchanged++;
      else {
        objects[at] = { ...old, label: inc.label, geometry: inc.geometry, importKey: old.importKey ?? inc.key };
        updated++;
      }
      continue;
    }
    const same = objects.findIndex((o, i) => !taken.has(i) && o.label === inc.label && (o.frame ?? 0) === 0 && sameShape(o.geometry, inc.geometry, tol));
    if (same >= 0) {
      taken.add(same);
      unchanged++;
      continue;
    }
    const o: AnnotationObject = {
      id: newId(),
      label: inc.label,
      geometry: inc.geometry,
      frame: 0,
      attributes: inc.attributes ?? {},
      source: { kind: 'human' },
      zOrder: 0,
      importKey: inc.key,
    };
    taken.add(objects.length);
    objects.push(o);
    added++;
  }
  return { objects, added, updated, unchanged };
}
