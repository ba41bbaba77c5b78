/**
 * Keypoint skeleton: the label declares its keypoints (names, in order) and edges. Each click
 * places the next keypoint (visibility 2; Shift+click: 1, labelled but occluded); X skips it
 * (visibility 0, stored at 0,0 as COCO does); Backspace steps back; Enter finishes early (the
 * rest skipped); Escape cancels. A placed keypoint can be dragged while drawing. The skeleton is
 * created when the last keypoint is decided, as one command. Afterwards the select tool drags
 * keypoints (vertex handles).
 */
import type { Geometry, LabelSpec } from '../../../../core/document/schema';
import { clampToImage } from '../../../../core/editing/image/geometry';
import { type Command, type Pt, type Tool, type ToolContext, tolerance } from './types';

type Skeleton = Extract<Geometry, { kind: 'skeleton' }>;

/** Key that skips the current keypoint. */
export const SKIP_KEY = 'x';

export function createSkeletonTool(): Tool {
  let pts: number[] = [];
  let vis: number[] = [];
  let names: string[] = [];
  let dragging: number | null = null;
  let cursor: Pt | null = null;

  const reset = () => {
    pts = [];
    vis = [];
    dragging = null;
  };
  const geometry = (n: number): Skeleton => {
    const points = new Array<number>(2 * n).fill(0);
    const visibility = new Array<number>(n).fill(0);
    for (let i = 0; i < vis.length; i++) {
      visibility[i] = vis[i];
      if (vis[i] > 0) {
        points[2 * i] = pts[2 * i];
        points[2 * i + 1] = pts[2 * i + 1];
      }
    }
    return { kind: 'skeleton', points, visibility };
  };
  const finish = (): Command[] => {
    const n = names.length;
    const g = geometry(n);
    reset();
    return g.visibility.some((v) => v > 0) ? [{ type: 'create', geometry: g }] : [];
  };
  /** Decide the current keypoint; creates the skeleton after the last one. */
  const decide = (p: Pt | null, v: number): Command[] => {
    const i = vis.length;
    pts.push(p?.x ?? 0, p?.y ?? 0);
    vis.push(v);
    return i + 1 >= names.length ? finish() : [];
  };
  const started = () => vis.length > 0;
  const sync = (ctx: ToolContext) => {
    const spec = ctx.skeleton?.points ?? [];
    if (spec.join('\u0000') !== names.join('\u0000')) {
      names = [...spec];
      reset();
    }
  };

  return {
    name: 'skeleton',
    down(p, ctx) {
      sync(ctx);
      const tol = tolerance(ctx);
      for (let i = 0; i < vis.length; i++) if (vis[i] > 0 && Math.hypot(pts[2 * i] - p.x, pts[2 * i + 1] - p.y) <= tol) dragging = i;
      return [];
    },
    move(p, ctx) {
      sync(ctx);
      const q = clampToImage(p, ctx.width, ctx.height);
      cursor = q;
      if (dragging !== null) {
        pts[2 * dragging] = q.x;
        pts[2 * dragging + 1] = q.y;
      }
      return [];
    },
    up(p, ctx) {
      sync(ctx);
      if (dragging !== null) {
        this.move(p, ctx);
        dragging = null;
        return [];
      }
      if (!names.length) return []; // the label declares no skeleton
      return decide(clampToImage(p, ctx.width, ctx.height), p.shift ? 1 : 2);
    },
    dblclick: () => [],
    key(key, ctx) {
      sync(ctx);
      if (!names.length) return null;
      if (key.toLowerCase() === SKIP_KEY) return decide(null, 0);
      if (!started()) return null;
      if (key === 'Enter') return finish();
      if (key === 'Escape') {
        reset();
        return [];
      }
      if (key === 'Backspace') {
        pts = pts.slice(0, -2);
        vis = vis.slice(0, -1);
        return [];
      }
      return null;
    },
    preview() {
      if (!names.length || (!started() && !cursor)) return null;
      const next = names[vis.length];
      return {
        type: 'shape',
        geometry: geometry(names.length),
        note: next && cursor ? { x: cursor.x, y: cursor.y, text: `${vis.length + 1}/${names.length} ${next}` } : undefined,
      };
    },
    busy: () => started(),
    cancel() {
      reset();
      cursor = null;
    },
  };
}

/** "head, l_eye" and "1-2, 2-3" (1-based) to a label skeleton; edges naming unknown keypoints are dropped. */
export function parseSkeleton(points: string, edges: string): LabelSpec['skeleton'] {
  const names = points.split(',').map((p) => p.trim()).filter(Boolean);
  if (!names.length) return undefined;
  const pairs: [number, number][] = [];
  for (const m of edges.matchAll(/(\d+)\s*-\s*(\d+)/g)) {
    const a = Number(m[1]) - 1, b = Number(m[2]) - 1;
    if (a >= 0 && b >= 0 && a < names.length && b < names.length && a !== b) pairs.push([a, b]);
  }
  return { points: names, edges: pairs };
}

