/**
 * Polygon, polyline and points: each click adds a vertex (points: a point). Enter or a
 * double-click finishes; clicking the first vertex closes a polygon; Backspace removes the last
 * vertex; Escape cancels.
 */
import { clampToImage } from '../../../../core/editing/image/geometry';
import { type Command, type Pt, type Tool, type ToolContext, tolerance } from './types';

type Kind = 'polygon' | 'polyline' | 'points';
const MIN: Record<Kind, number> = { polygon: 3, polyline: 2, points: 1 };

export function createPolyTool(kind: Kind): Tool {
  let pts: number[] = [];
  let cursor: Pt | null = null;
  const finish = (ctx: ToolContext): Command[] => {
    // a double-click lands its clicks on the same spot: drop the repeats
    const clean: number[] = [];
    for (let i = 0; i < pts.length; i += 2) {
      const n = clean.length;
      if (n && Math.hypot(clean[n - 2] - pts[i], clean[n - 1] - pts[i + 1]) < tolerance(ctx, 3)) continue;
      clean.push(pts[i], pts[i + 1]);
    }
    pts = [];
    cursor = null;
    return clean.length / 2 >= MIN[kind] ? [{ type: 'create', geometry: { kind, points: clean } }] : [];
  };
  return {
    name: kind,
    down: () => [],
    move(p, ctx) {
      cursor = clampToImage(p, ctx.width, ctx.height);
      return [];
    },
    up(p, ctx) {
      const q = clampToImage(p, ctx.width, ctx.height);
      if (kind === 'polygon' && pts.length >= 6 && Math.hypot(q.x - pts[0], q.y - pts[1]) < tolerance(ctx, 8)) return finish(ctx);
      pts.push(q.x, q.y);
      return [];
    },
    dblclick(_p, ctx) {
      return pts.length ? finish(ctx) : [];
    },
    key(key, ctx) {
      if (!pts.length) return null;
      if (key === 'Enter') return finish(ctx);
      if (key === 'Escape') {
        pts = [];
        return [];
      }
      if (key === 'Backspace') {
        pts = pts.slice(0, -2);
        return [];
      }
      return null;
    },
    preview() {
      if (!pts.length) return null;
      const points = cursor && kind !== 'points' ? [...pts, cursor.x, cursor.y] : [...pts];
      return { type: 'shape', geometry: { kind: kind === 'polygon' ? 'polyline' : kind, points }, closable: kind === 'polygon' && pts.length >= 6 };
    },
    busy: () => pts.length > 0,
    cancel() {
      pts = [];
      cursor = null;
    },
  };
}
