/**
 * Brush and eraser on masks. A stroke paints into the selected mask (one selected, unlocked mask
 * object), else the brush makes a new mask and the eraser works on the topmost mask under the
 * stroke's start. The result is one update (or create/delete) per stroke.
 */
import type { AnnotationObject, Geometry } from '../../../../core/document/schema';
import { encodeRle, paintStroke } from '../../../../core/geometry/rle';
import { hits, maskPixels, paintOrder } from '../../../../core/editing/image/geometry';
import type { Command, Pt, Tool, ToolContext } from './types';

type Mask = Extract<Geometry, { kind: 'mask' }>;

function targetMask(ctx: ToolContext, start: Pt, erase: boolean): AnnotationObject | null {
  const selected = ctx.objects.filter((o) => ctx.selection.includes(o.id) && o.geometry.kind === 'mask' && !o.locked && !o.hidden);
  if (selected.length === 1) return selected[0];
  if (!erase) return null;
  const masks = paintOrder(ctx.objects.filter((o) => o.geometry.kind === 'mask' && !o.locked && !o.hidden));
  for (let i = masks.length - 1; i >= 0; i--) if (hits(masks[i].geometry, start, 0)) return masks[i];
  return null;
}

export function createBrushTool(erase: boolean): Tool {
  let stroke: number[] = [];
  let radius = 10;
  return {
    name: erase ? 'eraser' : 'brush',
    down(p, ctx) {
      stroke = [p.x, p.y];
      radius = ctx.brushRadius;
      return [];
    },
    move(p) {
      if (stroke.length) stroke.push(p.x, p.y);
      return [];
    },
    up(_p, ctx): Command[] {
      if (!stroke.length) return [];
      const pts = stroke;
      stroke = [];
      const start = { x: pts[0], y: pts[1] };
      const target = targetMask(ctx, start, erase);
      if (erase && !target) return [];
      const w = ctx.width, h = ctx.height;
      const sameSize = target && (target.geometry as Mask).size[0] === h && (target.geometry as Mask).size[1] === w;
      const bitmap = target && sameSize ? maskPixels(target.geometry as Mask).slice() : new Uint8Array(w * h);
      for (let i = 0; i < pts.length; i += 2) {
        const from = [pts[Math.max(0, i - 2)], pts[Math.max(1, i - 1)]] as const;
        paintStroke(bitmap, w, h, from, [pts[i], pts[i + 1]], radius, erase ? 0 : 1);
      }
      let any = false;
      for (let i = 0; i < bitmap.length; i++) if (bitmap[i]) { any = true; break; }
      if (!target) return any ? [{ type: 'create', geometry: { kind: 'mask', size: [h, w], counts: encodeRle(bitmap, w, h) } }] : [];
      if (!any) return [{ type: 'delete', id: target.id }];
      return [{ type: 'update', id: target.id, geometry: { kind: 'mask', size: [h, w], counts: encodeRle(bitmap, w, h) }, action: erase ? 'erase' : 'paint' }];
    },
    dblclick: () => [],
    key: () => null,
    preview() {
      return stroke.length ? { type: 'stroke', points: stroke, radius, erase } : null;
    },
    busy: () => stroke.length > 0,
    cancel() {
      stroke = [];
    },
  };
}
