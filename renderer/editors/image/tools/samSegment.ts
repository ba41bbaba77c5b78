/**
 * Segment (AI): prompt a promptable-segment (SAM) model on the host. Click adds an object point,
 * Shift+click a background point, and press-drag draws a box around the object (SAM's box prompt;
 * a new box replaces the previous one, and points refine it). Every prompt change asks the host
 * for a mask (the image embedding is computed once and cached there) and the resulting polygon is
 * previewed. Enter accepts it as a polygon object whose source is the model (with its score);
 * Backspace removes the last point (then the box), Escape drops every prompt. The asynchronous
 * host call lives behind `segment`, so the tool stays testable.
 */
import type { Source } from '../../../../core/document/schema';
import { clampToImage } from '../../../../core/editing/image/geometry';
import { tolerance, type Command, type Preview, type Pt, type Tool } from './types';

export interface SamPoint {
  x: number;
  y: number;
  label: 0 | 1;
}

/** x1, y1, x2, y2 in image pixels. */
export type SamBox = [number, number, number, number];

export interface SamResult {
  polygon: number[];
  score: number;
}

export interface SamToolDeps {
  /** The model in use; null when the library has no promptable-segment model (the tool is inert). */
  modelId: string | null;
  segment(points: SamPoint[], box?: SamBox): Promise<SamResult | null>;
  /** Called when an answer arrived (the editor redraws the preview). */
  changed(): void;
  onError?(err: unknown): void;
}

/** Drags shorter than this (screen pixels) are clicks. */
const DRAG_PX = 4;
const round1 = (v: number) => Math.round(v * 10) / 10;

export function createSamTool(deps: SamToolDeps): Tool & { points(): readonly SamPoint[]; box(): SamBox | null; pending(): boolean } {
  let points: SamPoint[] = [];
  let box: SamBox | null = null;
  let result: SamResult | null = null;
  let request = 0;
  let inFlight = 0;
  /** The press in progress: where it started, with Shift, and where the pointer is now. */
  let press: { start: Pt; current: Pt; shift: boolean; dragging: boolean } | null = null;
  const reset = () => {
    points = [];
    box = null;
    result = null;
    press = null;
    request++;
  };
  const dragBox = (): SamBox | null => {
    if (!press?.dragging) return null;
    const { start: a, current: b } = press;
    return [round1(Math.min(a.x, b.x)), round1(Math.min(a.y, b.y)), round1(Math.max(a.x, b.x)), round1(Math.max(a.y, b.y))];
  };
  const ask = () => {
    const id = ++request;
    inFlight++;
    if (!points.length && !box) {
      result = null;
      inFlight--;
      deps.changed();
      return;
    }
    deps
      .segment(points.slice(), box ? [...box] : undefined)
      .then((r) => {
        if (id === request) result = r && r.polygon.length >= 6 ? r : null;
      })
      .catch((err) => deps.onError?.(err))
      .finally(() => {
        inFlight--;
        deps.changed();
      });
  };
  return {
    name: 'segment',
    down(p, ctx) {
      if (!deps.modelId) return [];
      if (p.x < 0 || p.y < 0 || (ctx.width && p.x > ctx.width) || (ctx.height && p.y > ctx.height)) return [];
      press = { start: p, current: p, shift: !!p.shift, dragging: false };
      return [];
    },
    move(p, ctx) {
      if (!press) return [];
      press.current = clampToImage(p, ctx.width, ctx.height);
      if (Math.hypot(press.current.x - press.start.x, press.current.y - press.start.y) >= tolerance(ctx, DRAG_PX)) press.dragging = true;
      return [];
    },
    up(p, ctx) {
      if (!press) return [];
      this.move(p, ctx);
      const drawn = dragBox();
      const { start, shift } = press;
      press = null;
      if (drawn) box = drawn;
      else points = [...points, { x: round1(start.x), y: round1(start.y), label: shift ? 0 : 1 }];
      ask();
      return [];
    },
    dblclick: () => [],
    key(key): Command[] | null {
      if (key === 'Enter') {
        if (!result || !deps.modelId) return points.length || box ? [] : null;
        const source: Source = { kind: 'model', model: deps.modelId, score: Math.max(0, Math.min(1, Math.round(result.score * 1000) / 1000)) };
        const cmd: Command = { type: 'create', geometry: { kind: 'polygon', points: result.polygon }, source };
        reset();
        return [cmd];
      }
      if (key === 'Escape' && (points.length || box || press)) {
        reset();
        deps.changed();
        return [];
      }
      if (key === 'Backspace' && (points.length || box)) {
        if (points.length) points = points.slice(0, -1);
        else box = null;
        ask();
        return [];
      }
      return null;
    },
    preview(): Preview | null {
      const drawing = dragBox();
      if (drawing) return { type: 'shape', geometry: { kind: 'box2d', x1: drawing[0], y1: drawing[1], x2: drawing[2], y2: drawing[3] } };
      if (result) return { type: 'shape', geometry: { kind: 'polygon', points: result.polygon }, closable: false };
      if (box) return { type: 'shape', geometry: { kind: 'box2d', x1: box[0], y1: box[1], x2: box[2], y2: box[3] } };
      if (points.length) return { type: 'shape', geometry: { kind: 'points', points: points.flatMap((q) => [q.x, q.y]) } };
      return null;
    },
    busy: () => points.length > 0 || box !== null || press !== null,
    cancel: reset,
    points: () => points,
    box: () => box,
    pending: () => inFlight > 0,
  };
}
