/**
 * Select, move and reshape. Click selects the topmost object (Shift adds/removes); dragging a
 * selected shape's handle reshapes it (box edges and corners, rotated-box corners and rotation,
 * polygon vertices; a polygon's edge midpoint inserts a vertex, Alt+click on a vertex removes
 * it); dragging an object's body moves it. Locked objects select but do not change.
 */
import type { AnnotationObject, Geometry } from '../../../../core/document/schema';
import { dragHandle, handleAt, hitTest, insertVertex, removeVertex, translate, type Handle } from '../../../../core/editing/image/geometry';
import { type Command, type Pt, type Tool, type ToolContext, tolerance } from './types';

type Drag = {
  object: AnnotationObject;
  start: Pt;
  handle: Handle | null;
  /** The geometry at the start of the drag (after a midpoint insert, the one with the new vertex). */
  base: Geometry;
  current: Geometry;
  moved: boolean;
  action: string;
};

export const ROTATE_HANDLE_SCREEN_PX = 24;

export function createSelectTool(): Tool {
  let drag: Drag | null = null;
  return {
    name: 'select',
    down(p, ctx): Command[] {
      const tol = tolerance(ctx);
      // a handle of the single selected object
      if (ctx.selection.length === 1) {
        const sel = ctx.objects.find((o) => o.id === ctx.selection[0]);
        if (sel && !sel.hidden && !sel.locked) {
          const h = handleAt(sel.geometry, p, tol, ROTATE_HANDLE_SCREEN_PX / ctx.scale);
          if (h) {
            if (h.kind === 'vertex' && p.alt) {
              const next = removeVertex(sel.geometry, Number(h.id.slice(1)));
              return next ? [{ type: 'update', id: sel.id, geometry: next, action: 'remove vertex' }] : [];
            }
            if (h.kind === 'midpoint') {
              const seg = Number(h.id.slice(1));
              const base = insertVertex(sel.geometry, seg, { x: h.x, y: h.y });
              drag = { object: sel, start: p, handle: { ...h, id: `v${seg + 1}`, kind: 'vertex' }, base, current: base, moved: true, action: 'add vertex' };
              return [];
            }
            drag = { object: sel, start: p, handle: h, base: sel.geometry, current: sel.geometry, moved: false, action: h.kind === 'rotate' ? 'rotate' : 'reshape' };
            return [];
          }
        }
      }
      const hit = hitTest(ctx.objects, p, tol);
      if (!hit) return p.shift ? [] : [{ type: 'select', ids: [] }];
      const selected = ctx.selection.includes(hit.id);
      if (p.shift) return [{ type: 'select', ids: selected ? ctx.selection.filter((id) => id !== hit.id) : [...ctx.selection, hit.id] }];
      if (!hit.locked) drag = { object: hit, start: p, handle: null, base: hit.geometry, current: hit.geometry, moved: false, action: 'move' };
      return selected ? [] : [{ type: 'select', ids: [hit.id] }];
    },
    move(p, ctx) {
      if (!drag) return [];
      if (!drag.moved && Math.hypot(p.x - drag.start.x, p.y - drag.start.y) < tolerance(ctx, 2)) return [];
      drag.moved = true;
      drag.current = drag.handle ? dragHandle(drag.base, drag.handle.id, p, !!p.shift) : translate(drag.base, p.x - drag.start.x, p.y - drag.start.y);
      return [];
    },
    up(p, ctx) {
      if (!drag) return [];
      this.move(p, ctx);
      const d = drag;
      drag = null;
      if (!d.moved || d.current === d.object.geometry) return [];
      return [{ type: 'update', id: d.object.id, geometry: d.current, action: d.action }];
    },
    dblclick: () => [],
    key(key) {
      if (key === 'Escape' && drag) {
        drag = null;
        return [];
      }
      return null;
    },
    preview() {
      return drag && drag.moved ? { type: 'shape', geometry: drag.current, replaces: drag.object.id } : null;
    },
    busy: () => drag !== null,
    cancel() {
      drag = null;
    },
  };
}

export type { ToolContext };
