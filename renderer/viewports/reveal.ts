/**
 * Bringing a region of an image into view (the image editor's review walk): pure, so it is tested
 * without a DOM. A region already wholly in view leaves the view as it is (no jump while walking
 * through predictions that are all visible); otherwise the view pans to centre it, zooming out only
 * when it does not fit at the current scale.
 */
/** The viewer's transform (ImageViewer's ViewTransform, the same shape; declared here so the two do not import each other). */
interface ViewTransform {
  scale: number;
  x: number;
  y: number;
}

export interface Rect {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export function revealRect(view: ViewTransform, viewport: { w: number; h: number }, r: Rect, margin = 24): ViewTransform {
  const sx1 = r.x1 * view.scale + view.x, sy1 = r.y1 * view.scale + view.y;
  const sx2 = r.x2 * view.scale + view.x, sy2 = r.y2 * view.scale + view.y;
  if (sx1 >= 0 && sy1 >= 0 && sx2 <= viewport.w && sy2 <= viewport.h) return view;
  const w = Math.max(1, r.x2 - r.x1), h = Math.max(1, r.y2 - r.y1);
  const fits = Math.min((viewport.w - 2 * margin) / w, (viewport.h - 2 * margin) / h);
  const scale = Math.max(0.02, Math.min(view.scale, fits));
  const cx = (r.x1 + r.x2) / 2, cy = (r.y1 + r.y2) / 2;
  return { scale, x: viewport.w / 2 - cx * scale, y: viewport.h / 2 - cy * scale };
}

/** The bounds of a shape (box corners, polygon vertices...), or null for one without points (a tag). */
export function boundsOf(g: unknown): Rect | null {
  const o = g as Record<string, unknown>;
  if (typeof o.x1 === 'number' && typeof o.y1 === 'number' && typeof o.x2 === 'number' && typeof o.y2 === 'number') return { x1: o.x1, y1: o.y1, x2: o.x2, y2: o.y2 };
  // polygons, polylines, points: flat [x0, y0, x1, y1, ...] (core/document/schema.ts)
  const pts = o.points as number[] | undefined;
  if (!Array.isArray(pts) || pts.length < 2) return null;
  const xs = pts.filter((_, i) => i % 2 === 0), ys = pts.filter((_, i) => i % 2 === 1);
  return { x1: Math.min(...xs), y1: Math.min(...ys), x2: Math.max(...xs), y2: Math.max(...ys) };
}
