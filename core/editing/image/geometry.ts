/**
 * Pure 2D geometry for the image editor: extents, hit tests, handles and handle drags, moves.
 * Everything is in image pixel coordinates; tolerances are passed in image pixels too
 * (screen tolerance / zoom), so hit testing feels the same at every zoom level.
 */
import type { AnnotationObject, Geometry } from '../../document/schema';
import { rotatedBoxCorners } from '../../geometry/shapes';
import { decodeRle, encodeRle, rleBbox } from '../../geometry/rle';

export type Pt = { x: number; y: number };
type RotatedBox = Extract<Geometry, { kind: 'rotatedBox' }>;
type Box = Extract<Geometry, { kind: 'box2d' }>;
type Mask = Extract<Geometry, { kind: 'mask' }>;

/** [x1, y1, x2, y2] of a shape, or null for tags and empty shapes. */
export function extent(g: Geometry): [number, number, number, number] | null {
  switch (g.kind) {
    case 'box2d':
      return [Math.min(g.x1, g.x2), Math.min(g.y1, g.y2), Math.max(g.x1, g.x2), Math.max(g.y1, g.y2)];
    case 'rotatedBox':
      return flatExtent(rotatedBoxCorners(g));
    case 'polygon':
    case 'polyline':
    case 'points':
      return flatExtent(g.points);
    case 'skeleton':
      return flatExtent(labelledPoints(g));
    case 'mask': {
      const [h, w] = g.size;
      const [x, y, bw, bh] = rleBbox(g.counts, w, h);
      return bw && bh ? [x, y, x + bw, y + bh] : null;
    }
    default:
      return null;
  }
}

/** The keypoints of a skeleton that are placed (visibility > 0); skipped ones sit at 0,0. */
export function labelledPoints(g: Extract<Geometry, { kind: 'skeleton' }>): number[] {
  const out: number[] = [];
  for (let i = 0; 2 * i + 1 < g.points.length; i++) if ((g.visibility[i] ?? 2) > 0) out.push(g.points[2 * i], g.points[2 * i + 1]);
  return out;
}

function flatExtent(p: readonly number[]): [number, number, number, number] | null {
  if (p.length < 2) return null;
  let x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
  for (let i = 0; i + 1 < p.length; i += 2) {
    x1 = Math.min(x1, p[i]);
    x2 = Math.max(x2, p[i]);
    y1 = Math.min(y1, p[i + 1]);
    y2 = Math.max(y2, p[i + 1]);
  }
  return [x1, y1, x2, y2];
}

export function pointInPolygon(p: Pt, flat: readonly number[]): boolean {
  let inside = false;
  const n = flat.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = flat[2 * i], yi = flat[2 * i + 1], xj = flat[2 * j], yj = flat[2 * j + 1];
    if (yi > p.y !== yj > p.y && p.x < ((xj - xi) * (p.y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function distToSegment(p: Pt, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 ? Math.max(0, Math.min(1, ((p.x - ax) * dx + (p.y - ay) * dy) / len2)) : 0;
  return Math.hypot(p.x - (ax + t * dx), p.y - (ay + t * dy));
}

function nearPolyline(p: Pt, flat: readonly number[], tol: number, closed: boolean): boolean {
  const n = flat.length / 2;
  for (let i = 0; i + 1 < n + (closed ? 1 : 0); i++) {
    const j = (i + 1) % n;
    if (distToSegment(p, flat[2 * i], flat[2 * i + 1], flat[2 * j], flat[2 * j + 1]) <= tol) return true;
  }
  return n === 1 && Math.hypot(p.x - flat[0], p.y - flat[1]) <= tol;
}

const maskCache = new WeakMap<Mask, Uint8Array>();
export function maskPixels(g: Mask): Uint8Array {
  let m = maskCache.get(g);
  if (!m) {
    m = decodeRle(g.counts, g.size[1], g.size[0]);
    maskCache.set(g, m);
  }
  return m;
}

/** Whether p hits the shape (inside an area shape, or within tol of a line or point). */
export function hits(g: Geometry, p: Pt, tol: number): boolean {
  switch (g.kind) {
    case 'box2d': {
      const [x1, y1, x2, y2] = extent(g)!;
      return p.x >= x1 - tol && p.x <= x2 + tol && p.y >= y1 - tol && p.y <= y2 + tol;
    }
    case 'rotatedBox': {
      const c = rotatedBoxCorners(g);
      return pointInPolygon(p, c) || nearPolyline(p, c, tol, true);
    }
    case 'polygon':
      return pointInPolygon(p, g.points) || nearPolyline(p, g.points, tol, true);
    case 'polyline':
      return nearPolyline(p, g.points, tol, false);
    case 'points':
    case 'skeleton':
      for (let i = 0; i + 1 < g.points.length; i += 2) if ((g.kind !== 'skeleton' || (g.visibility[i / 2] ?? 2) > 0) && Math.hypot(p.x - g.points[i], p.y - g.points[i + 1]) <= tol * 1.5) return true;
      return false;
    case 'mask': {
      const [h, w] = g.size;
      const x = Math.floor(p.x), y = Math.floor(p.y);
      return x >= 0 && y >= 0 && x < w && y < h && maskPixels(g)[y * w + x] !== 0;
    }
    default:
      return false;
  }
}

/** Drawing order: zOrder, then document order. The last one is on top. */
export function paintOrder(objects: readonly AnnotationObject[]): AnnotationObject[] {
  return objects
    .map((o, i) => [o, i] as const)
    .sort((a, b) => a[0].zOrder - b[0].zOrder || a[1] - b[1])
    .map(([o]) => o);
}

/** The topmost visible object under p, or null. */
export function hitTest(objects: readonly AnnotationObject[], p: Pt, tol: number): AnnotationObject | null {
  const ordered = paintOrder(objects.filter((o) => !o.hidden && o.geometry.kind !== 'tag'));
  for (let i = ordered.length - 1; i >= 0; i--) if (hits(ordered[i].geometry, p, tol)) return ordered[i];
  return null;
}

// ---------------------------------------------------------------- handles

export type HandleKind = 'corner' | 'edge' | 'vertex' | 'midpoint' | 'rotate';
export type Handle = { id: string; x: number; y: number; kind: HandleKind };

const BOX_HANDLES: Array<[string, number, number]> = [
  ['nw', 0, 0], ['n', 0.5, 0], ['ne', 1, 0], ['e', 1, 0.5], ['se', 1, 1], ['s', 0.5, 1], ['sw', 0, 1], ['w', 0, 0.5],
];

/** Handles of a selected shape. `rotateOffset` is the rotation handle's distance above the top edge. */
export function handles(g: Geometry, rotateOffset = 24): Handle[] {
  switch (g.kind) {
    case 'box2d': {
      const [x1, y1, x2, y2] = extent(g)!;
      return BOX_HANDLES.map(([id, fx, fy]) => ({ id, x: x1 + (x2 - x1) * fx, y: y1 + (y2 - y1) * fy, kind: id.length === 2 ? 'corner' : 'edge' }));
    }
    case 'rotatedBox': {
      const c = rotatedBoxCorners(g);
      const out: Handle[] = [0, 1, 2, 3].map((i) => ({ id: `c${i}`, x: c[2 * i], y: c[2 * i + 1], kind: 'corner' as const }));
      const top = { x: (c[0] + c[2]) / 2, y: (c[1] + c[3]) / 2 };
      const up = { x: Math.sin(g.angle), y: -Math.cos(g.angle) };
      out.push({ id: 'rot', x: top.x + up.x * rotateOffset, y: top.y + up.y * rotateOffset, kind: 'rotate' });
      return out;
    }
    case 'polygon':
    case 'polyline':
    case 'points': {
      const p = g.points;
      const n = p.length / 2;
      const out: Handle[] = [];
      for (let i = 0; i < n; i++) out.push({ id: `v${i}`, x: p[2 * i], y: p[2 * i + 1], kind: 'vertex' });
      if (g.kind !== 'points') {
        const segs = g.kind === 'polygon' ? n : n - 1;
        for (let i = 0; i < segs; i++) {
          const j = (i + 1) % n;
          out.push({ id: `m${i}`, x: (p[2 * i] + p[2 * j]) / 2, y: (p[2 * i + 1] + p[2 * j + 1]) / 2, kind: 'midpoint' });
        }
      }
      return out;
    }
    case 'skeleton': {
      const out: Handle[] = [];
      for (let i = 0; 2 * i + 1 < g.points.length; i++)
        if ((g.visibility[i] ?? 2) > 0) out.push({ id: `v${i}`, x: g.points[2 * i], y: g.points[2 * i + 1], kind: 'vertex' });
      return out;
    }
    default:
      return [];
  }
}

export function handleAt(g: Geometry, p: Pt, tol: number, rotateOffset?: number): Handle | null {
  let best: Handle | null = null;
  let bestD = tol;
  for (const h of handles(g, rotateOffset)) {
    const d = Math.hypot(h.x - p.x, h.y - p.y);
    // vertices win over midpoints at equal distance
    if (d < bestD || (d === bestD && best?.kind === 'midpoint')) {
      best = h;
      bestD = d;
    }
  }
  return best;
}

/** Insert a vertex after segment `i` (a midpoint handle becomes a real vertex). */
export function insertVertex(g: Geometry, segment: number, p: Pt): Geometry {
  if (g.kind !== 'polygon' && g.kind !== 'polyline') return g;
  const points = [...g.points];
  points.splice(2 * (segment + 1), 0, p.x, p.y);
  return { ...g, points };
}

/** Remove vertex i, unless the shape would become degenerate (then null). */
export function removeVertex(g: Geometry, i: number): Geometry | null {
  if (g.kind !== 'polygon' && g.kind !== 'polyline' && g.kind !== 'points') return null;
  const min = g.kind === 'polygon' ? 3 : g.kind === 'polyline' ? 2 : 1;
  if (g.points.length / 2 <= min) return null;
  const points = [...g.points];
  points.splice(2 * i, 2);
  return { ...g, points };
}

/** The shape with handle `id` dragged to p. Boxes keep their opposite corner/edge fixed. */
export function dragHandle(g: Geometry, id: string, p: Pt, keepAspect = false): Geometry {
  switch (g.kind) {
    case 'box2d':
      return dragBoxHandle(g, id, p, keepAspect);
    case 'rotatedBox':
      return dragRotatedHandle(g, id, p);
    case 'polygon':
    case 'polyline':
    case 'points':
    case 'skeleton': {
      if (!id.startsWith('v')) return g;
      const i = Number(id.slice(1));
      const points = [...g.points];
      points[2 * i] = p.x;
      points[2 * i + 1] = p.y;
      return { ...g, points };
    }
    default:
      return g;
  }
}

function dragBoxHandle(g: Box, id: string, p: Pt, keepAspect: boolean): Box {
  let [x1, y1, x2, y2] = extent(g)!;
  if (id.includes('w')) x1 = p.x;
  if (id.includes('e')) x2 = p.x;
  if (id.includes('n')) y1 = p.y;
  if (id.includes('s')) y2 = p.y;
  if (keepAspect && id.length === 2) {
    const [ox1, oy1, ox2, oy2] = extent(g)!;
    const aspect = (ox2 - ox1) / Math.max(1e-9, oy2 - oy1);
    const h = Math.abs(x2 - x1) / aspect;
    if (id.includes('n')) y1 = y2 - h;
    else y2 = y1 + h;
  }
  return { kind: 'box2d', x1: Math.min(x1, x2), y1: Math.min(y1, y2), x2: Math.max(x1, x2), y2: Math.max(y1, y2) };
}

function dragRotatedHandle(g: RotatedBox, id: string, p: Pt): RotatedBox {
  if (id === 'rot') {
    // the handle sits "up" from the centre: angle 0 means straight up on screen
    const angle = Math.atan2(p.x - g.cx, -(p.y - g.cy));
    return { ...g, angle };
  }
  const i = Number(id.slice(1));
  const c = rotatedBoxCorners(g);
  const o = (i + 2) % 4; // the opposite corner stays put
  const ox = c[2 * o], oy = c[2 * o + 1];
  const cos = Math.cos(g.angle), sin = Math.sin(g.angle);
  // the diagonal in the box's own frame
  const dx = p.x - ox, dy = p.y - oy;
  const lx = dx * cos + dy * sin;
  const ly = -dx * sin + dy * cos;
  return { ...g, cx: ox + dx / 2, cy: oy + dy / 2, w: Math.max(1, Math.abs(lx)), h: Math.max(1, Math.abs(ly)) };
}

/** The shape moved by (dx, dy). Masks shift their pixels (clipped at the image border). */
export function translate(g: Geometry, dx: number, dy: number): Geometry {
  switch (g.kind) {
    case 'box2d':
      return { ...g, x1: g.x1 + dx, y1: g.y1 + dy, x2: g.x2 + dx, y2: g.y2 + dy };
    case 'rotatedBox':
      return { ...g, cx: g.cx + dx, cy: g.cy + dy };
    case 'polygon':
    case 'polyline':
    case 'points':
    case 'skeleton':
      return { ...g, points: g.points.map((v, i) => v + (i % 2 ? dy : dx)) };
    case 'mask': {
      const [h, w] = g.size;
      const ix = Math.round(dx), iy = Math.round(dy);
      if (!ix && !iy) return g;
      const src = maskPixels(g);
      const out = new Uint8Array(w * h);
      for (let y = 0; y < h; y++) {
        const ty = y + iy;
        if (ty < 0 || ty >= h) continue;
        for (let x = 0; x < w; x++) {
          const tx = x + ix;
          if (tx >= 0 && tx < w && src[y * w + x]) out[ty * w + tx] = 1;
        }
      }
      return { kind: 'mask', size: g.size, counts: encodeRle(out, w, h) };
    }
    default:
      return g;
  }
}

/** Clamp a point into the image. */
export function clampToImage(p: Pt, width: number, height: number): Pt {
  return { x: Math.max(0, Math.min(width, p.x)), y: Math.max(0, Math.min(height, p.y)) };
}

const r2 = (v: number) => Math.round(v * 100) / 100;
/** Coordinates rounded to 1/100 pixel: screen-to-image maths leaves float noise nobody wants on disk. */
export function roundGeometry(g: Geometry): Geometry {
  switch (g.kind) {
    case 'box2d':
      return { ...g, x1: r2(g.x1), y1: r2(g.y1), x2: r2(g.x2), y2: r2(g.y2) };
    case 'rotatedBox':
      return { ...g, cx: r2(g.cx), cy: r2(g.cy), w: r2(g.w), h: r2(g.h), angle: Math.round(g.angle * 1e6) / 1e6 };
    case 'polygon':
    case 'polyline':
    case 'points':
    case 'skeleton':
      return { ...g, points: g.points.map(r2) };
    default:
      return g;
  }
}
