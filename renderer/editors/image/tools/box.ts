/** Box: press, drag, release. A click without a drag (under 2 screen pixels) draws nothing. */
import type { Geometry } from '../../../../core/document/schema';
import { clampToImage } from '../../../../core/editing/image/geometry';
import { type Command, type Pt, type Tool, type ToolContext, tolerance } from './types';

export function createBoxTool(): Tool {
  let start: Pt | null = null;
  let current: Pt | null = null;
  const geometry = (): Geometry | null =>
    start && current
      ? { kind: 'box2d', x1: Math.min(start.x, current.x), y1: Math.min(start.y, current.y), x2: Math.max(start.x, current.x), y2: Math.max(start.y, current.y) }
      : null;
  return {
    name: 'box',
    down(p, ctx) {
      start = clampToImage(p, ctx.width, ctx.height);
      current = start;
      return [];
    },
    move(p, ctx) {
      if (!start) return [];
      current = clampToImage(p, ctx.width, ctx.height);
      if (p.shift) {
        // square
        const d = Math.max(Math.abs(current.x - start.x), Math.abs(current.y - start.y));
        current = { x: start.x + Math.sign(current.x - start.x || 1) * d, y: start.y + Math.sign(current.y - start.y || 1) * d };
      }
      return [];
    },
    up(p, ctx: ToolContext): Command[] {
      if (!start) return [];
      this.move(p, ctx);
      const g = geometry();
      start = current = null;
      if (!g || g.kind !== 'box2d') return [];
      const min = tolerance(ctx, 2);
      if (g.x2 - g.x1 < min || g.y2 - g.y1 < min) return [];
      return [{ type: 'create', geometry: g }];
    },
    dblclick: () => [],
    key(key) {
      if (key === 'Escape' && start) {
        start = current = null;
        return [];
      }
      return null;
    },
    preview() {
      const g = geometry();
      return g ? { type: 'shape', geometry: g } : null;
    },
    busy: () => start !== null,
    cancel() {
      start = current = null;
    },
  };
}
