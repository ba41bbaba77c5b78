/**
 * Shared pieces of the geo label formats (Shapefile, DOTA, YOLO-OBB, COCO-OBB, GeoJSON import):
 * the object they carry, quad ↔ rotated-box conversion and errors that name the file and line.
 *
 * Writers take objects whose `label` is already the class *name* (the host maps label ids to
 * names); readers return names too, and the host maps them back to the project's labels.
 */
import type { Geometry } from '../../document/schema';
import { rotatedBoxCorners } from '../../geometry/shapes';

export interface GeoObject {
  /** The Datum object id on export; the id found in the file (if any) on import. */
  id?: string;
  label: string;
  geometry: Geometry;
  attributes?: Record<string, string | number | boolean>;
  /** Datum's source kind (human, model, model-edited), written where the format has room. */
  source?: string;
}

/** A file that cannot be read: the message names the file and the line or feature. */
export class GeoFormatError extends Error {
  constructor(
    readonly file: string,
    readonly where: string | null,
    problem: string,
  ) {
    super(`${file}: ${where ? `${where}: ` : ''}${problem}`);
    this.name = 'GeoFormatError';
  }
}

export type Pt = [number, number];

/**
 * The four corners of a box or rotated box in pixels, in DOTA order: starting from the box's own
 * top-left corner (before rotation) and going clockwise as seen on screen (y down).
 */
export function quadOf(g: Geometry): Pt[] | null {
  if (g.kind === 'box2d') {
    const [x1, x2] = [Math.min(g.x1, g.x2), Math.max(g.x1, g.x2)];
    const [y1, y2] = [Math.min(g.y1, g.y2), Math.max(g.y1, g.y2)];
    return [[x1, y1], [x2, y1], [x2, y2], [x1, y2]];
  }
  if (g.kind === 'rotatedBox') {
    const c = rotatedBoxCorners(g);
    return [[c[0], c[1]], [c[2], c[3]], [c[4], c[5]], [c[6], c[7]]];
  }
  if (g.kind === 'polygon' && g.points.length === 8) {
    const p = g.points;
    return [[p[0], p[1]], [p[2], p[3]], [p[4], p[5]], [p[6], p[7]]];
  }
  return null;
}

/** Twice the signed area in pixel coordinates: positive when the ring runs clockwise on screen. */
export function signedArea2(pts: Pt[]): number {
  let a = 0;
  for (let i = 0; i < pts.length; i++) {
    const [x1, y1] = pts[i];
    const [x2, y2] = pts[(i + 1) % pts.length];
    a += x1 * y2 - x2 * y1;
  }
  return a;
}

/**
 * A quad that is a rectangle (within `tol` pixels) as a rotated box whose corners (quadOf) are the
 * quad's, first vertex first; null for any other quadrilateral. A counter-clockwise quad is read
 * in reverse from its first vertex, so that a ring some tool rewound still gives the same box.
 */
export function quadToRotatedBox(q: Pt[], tol = 1e-3): Geometry | null {
  if (q.length !== 4) return null;
  const pts = signedArea2(q) < 0 ? [q[0], q[3], q[2], q[1]] : q;
  const [p0, p1, p2, p3] = pts;
  const w = Math.hypot(p1[0] - p0[0], p1[1] - p0[1]);
  const h = Math.hypot(p2[0] - p1[0], p2[1] - p1[1]);
  if (!(w > 0 && h > 0)) return null;
  const angle = Math.atan2(p1[1] - p0[1], p1[0] - p0[0]);
  const cx = (p0[0] + p1[0] + p2[0] + p3[0]) / 4;
  const cy = (p0[1] + p1[1] + p2[1] + p3[1]) / 4;
  const g = { kind: 'rotatedBox' as const, cx, cy, w, h, angle };
  const back = quadOf(g)!;
  for (let i = 0; i < 4; i++) if (Math.hypot(back[i][0] - pts[i][0], back[i][1] - pts[i][1]) > tol) return null;
  return g;
}

/** Radians into (-π, π]: the angle a reader recovers with atan2. */
export function normAngle(a: number): number {
  let r = a % (2 * Math.PI);
  if (r <= -Math.PI) r += 2 * Math.PI;
  if (r > Math.PI) r -= 2 * Math.PI;
  return r;
}

/**
 * DOTA lines split on whitespace, so a class name cannot hold any: `small vehicle` is written
 * `small_vehicle`, and the importer maps a token back to the project label whose name gives it.
 */
export const classToken = (name: string) => name.trim().replace(/\s+/g, '_');

/** A number as the shortest text that reads back to the same double. */
export const num = (v: number) => (Object.is(v, -0) ? '0' : String(v));
