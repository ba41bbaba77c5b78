/**
 * Segment (AI): click-to-segment with a promptable-segment (SAM) model on the host. Click adds an
 * object point, Shift+click a background point; every click asks the host for a mask (the image
 * embedding is computed once and cached there) and the resulting polygon is previewed. Enter
 * accepts it as a polygon object whose source is the model (with its score); Escape or Backspace
 * drops the points. The asynchronous host call lives behind `segment`, so the tool stays testable.
 */
import type { Source } from '../../../core/document/schema';
import type { Command, Preview, Tool } from './types';

export interface SamPoint {
  x: number;
  y: number;
  label: 0 | 1;
}

export interface SamResult {
  polygon: number[];
  score: number;
}

export interface SamToolDeps {
  /** The model in use; null when the library has no promptable-segment model (the tool is inert). */
  modelId: string | null;
  segment(points: SamPoint[]): Promise<SamResult | null>;
  /** Called when an answer arrived (the editor redraws the preview). */
  changed(): void;
  onError?(err: unknown): void;
}

export function createSamTool(deps: SamToolDeps): Tool & { points(): readonly SamPoint[]; pending(): boolean } {
  let points: SamPoint[] = [];
  let result: SamResult | null = null;
  let request = 0;
  let inFlight = 0;
  const reset = () => {
    points = [];
    result = null;
    request++;
  };
  const ask = () => {
    const id = ++request;
    inFlight++;
    deps
      .segment(points.slice())
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
    down(p, mods, ctx) {
      if (!deps.modelId) return [];
      if (p.x < 0 || p.y < 0 || (ctx.width && p.x > ctx.width) || (ctx.height && p.y > ctx.height)) return [];
      points = [...points, { x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10, label: mods.shift ? 0 : 1 }];
      ask();
      return [];
    },
    move: () => [],
    up: () => [],
    dblclick: () => [],
    key(key): Command[] | null {
      if (key === 'Enter') {
        if (!result || !deps.modelId) return points.length ? [] : null;
        const source: Source = { kind: 'model', model: deps.modelId, score: Math.max(0, Math.min(1, Math.round(result.score * 1000) / 1000)) };
        const cmd: Command = { type: 'create', geometry: { kind: 'polygon', points: result.polygon }, source };
        reset();
        return [cmd];
      }
      if ((key === 'Escape' || key === 'Backspace') && points.length) {
        if (key === 'Backspace' && points.length > 1) {
          points = points.slice(0, -1);
          ask();
        } else reset();
        return [];
      }
      return null;
    },
    preview(): Preview | null {
      if (result) return { type: 'shape', geometry: { kind: 'polygon', points: result.polygon }, closable: false };
      if (points.length) return { type: 'shape', geometry: { kind: 'points', points: points.flatMap((q) => [q.x, q.y]) } };
      return null;
    },
    busy: () => points.length > 0,
    cancel: reset,
    points: () => points,
    pending: () => inFlight > 0,
  };
}
