/** Polygon fill: each press adds a vertex; Enter or a double-click fills it (three vertices or more), Escape drops it. */
import type { MedicalCommand, MedicalTool, MedicalToolContext } from './types';
import { inertTool } from './types';

export function createPolygonTool(): MedicalTool {
  let points: number[] = [];
  const close = (ctx: MedicalToolContext): MedicalCommand[] => {
    const done = points;
    points = [];
    return done.length >= 6 ? [{ type: 'begin' }, { type: 'fillPolygon', plane: ctx.plane, points: done, label: ctx.label }, { type: 'end' }] : [];
  };
  return {
    ...inertTool('polygon'),
    down(p) {
      points = [...points, p.x, p.y];
      return [];
    },
    dblclick: (_p, ctx) => close(ctx),
    key(key, ctx) {
      if (!points.length) return null;
      if (key === 'Enter') return close(ctx);
      if (key === 'Escape') {
        points = [];
        return [];
      }
      return null;
    },
    preview: () => (points.length ? { type: 'polygon', points } : null),
    busy: () => points.length > 0,
    cancel() {
      points = [];
    },
  };
}
