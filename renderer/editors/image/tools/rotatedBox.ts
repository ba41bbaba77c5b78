/**
 * Rotated box in three clicks: the first two fix one edge (its direction is the box's angle), the
 * third sets the height on either side of that edge.
 */
import type { Geometry } from '../../../../core/document/schema';
import { clampToImage } from '../../../../core/editing/image/geometry';
import { type Pt, type Tool, tolerance } from './types';

export function rotatedFromClicks(a: Pt, b: Pt, c: Pt): Extract<Geometry, { kind: 'rotatedBox' }> {
  const angle = Math.atan2(b.y - a.y, b.x - a.x);
  const w = Math.hypot(b.x - a.x, b.y - a.y);
  // signed distance of c from the edge along the edge's normal (y down: normal = (-sin, cos))
  const nx = -Math.sin(angle), ny = Math.cos(angle);
  const h = (c.x - a.x) * nx + (c.y - a.y) * ny;
  const mx = (a.x + b.x) / 2 + (nx * h) / 2;
  const my = (a.y + b.y) / 2 + (ny * h) / 2;
  return { kind: 'rotatedBox', cx: mx, cy: my, w, h: Math.abs(h), angle };
}

export function createRotatedBoxTool(): Tool {
  const clicks: Pt[] = [];
  let cursor: Pt | null = null;
  const reset = () => {
    clicks.length = 0;
    cursor = null;
  };
  return {
    name: 'rotatedBox',
    down: () => [],
    move(p, ctx) {
      cursor = clampToImage(p, ctx.width, ctx.height);
      return [];
    },
    up(p, ctx) {
      const q = clampToImage(p, ctx.width, ctx.height);
      cursor = q;
      if (clicks.length === 1 && Math.hypot(q.x - clicks[0].x, q.y - clicks[0].y) < tolerance(ctx, 3)) return [];
      clicks.push(q);
      if (clicks.length < 3) return [];
      const g = rotatedFromClicks(clicks[0], clicks[1], clicks[2]);
      reset();
      return g.h >= tolerance(ctx, 2) ? [{ type: 'create', geometry: g }] : [];
    },
    dblclick: () => [],
    key(key) {
      if (key === 'Escape' && clicks.length) {
        reset();
        return [];
      }
      if (key === 'Backspace' && clicks.length) {
        clicks.pop();
        return [];
      }
      return null;
    },
    preview() {
      if (!clicks.length || !cursor) return null;
      if (clicks.length === 1) return { type: 'shape', geometry: { kind: 'polyline', points: [clicks[0].x, clicks[0].y, cursor.x, cursor.y] } };
      return { type: 'shape', geometry: rotatedFromClicks(clicks[0], clicks[1], cursor) };
    },
    busy: () => clicks.length > 0,
    cancel: reset,
  };
}
