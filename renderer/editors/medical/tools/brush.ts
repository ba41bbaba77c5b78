/** Brush and eraser: a press starts a gesture, each move paints the segment from the last point, the release ends it. */
import type { MedicalCommand, MedicalTool, MedicalToolContext, SlicePoint, SlicePointer } from './types';
import { inertTool } from './types';

export function createBrushTool(erase: boolean): MedicalTool {
  let last: SlicePoint | null = null;
  const stroke = (from: SlicePoint | null, to: SlicePoint, ctx: MedicalToolContext): MedicalCommand => ({
    type: 'stroke',
    plane: ctx.plane,
    from,
    to,
    radiusMm: ctx.brushMm,
    pixelSpacing: ctx.pixelSpacing,
    label: ctx.label,
    erase,
  });
  return {
    ...inertTool(erase ? 'eraser' : 'brush'),
    down(p: SlicePointer, ctx) {
      last = [p.x, p.y];
      return [{ type: 'begin' }, stroke(null, last, ctx)];
    },
    move(p, ctx) {
      if (!last) return [];
      const from = last;
      last = [p.x, p.y];
      return [stroke(from, last, ctx)];
    },
    up() {
      if (!last) return [];
      last = null;
      return [{ type: 'end' }];
    },
    busy: () => last !== null,
    // A stroke in progress still ends on release (its edits so far stay one undo step).
    cancel() {},
  };
}
