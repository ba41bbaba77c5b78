/**
 * The image editor's keyboard review walk over model predictions (as the LiDAR editor's,
 * renderer/editors/lidar/review/reviewModel.ts), pure functions of the editor's object records
 * (./model.ts). The review model is core/review/predictions.ts: a pending prediction is an object
 * with `source.kind === 'model'` not yet `accepted`; accept sets `accepted`; reject removes it and
 * remembers it (`rejected:<id>`) in the same step (model.ts `remove`).
 *
 * Order: by frame, then most confident first, then reading order (top, then left), so "next" walks
 * an image's predictions best-first and ties do not depend on record order.
 */
import type { AnnotationObject } from '../../document/schema';
import { acceptPrediction, isPendingPrediction } from '../../review/predictions';
import { isRejectedKey, objectsIn, remove, type Records } from './model';

export interface PendingPrediction {
  id: string;
  frame: number;
  score: number;
  label: string;
}

/** Where an object sits, for the tie-break (top-left of its bounds; 0 for shapes without points). */
function topLeft(o: AnnotationObject): [number, number] {
  const g = o.geometry as unknown as Record<string, unknown>;
  if (typeof g.x1 === 'number' && typeof g.y1 === 'number') return [g.y1, g.x1];
  const pts = g.points as number[] | undefined; // flat [x0, y0, x1, y1, ...]
  if (Array.isArray(pts) && pts.length >= 2) return [Math.min(...pts.filter((_, i) => i % 2 === 1)), Math.min(...pts.filter((_, i) => i % 2 === 0))];
  return [0, 0];
}

/** Every pending prediction of the records (tags excluded), by frame, score (highest first), position. */
export function pendingPredictions(records: Records): PendingPrediction[] {
  const out: (PendingPrediction & { at: [number, number] })[] = [];
  for (const o of objectsIn(records)) {
    if (o.geometry.kind === 'tag' || o.source.kind !== 'model' || !isPendingPrediction(o)) continue;
    out.push({ id: o.id, frame: o.frame ?? 0, score: o.source.score, label: o.label, at: topLeft(o) });
  }
  out.sort((a, b) => a.frame - b.frame || b.score - a.score || a.at[0] - b.at[0] || a.at[1] - b.at[1] || a.id.localeCompare(b.id));
  return out.map(({ at: _at, ...p }) => p);
}

export function isPendingId(records: Records, id: string | null | undefined): boolean {
  if (!id || isRejectedKey(id)) return false;
  const o = records[id];
  return !!o && o.geometry.kind !== 'tag' && isPendingPrediction(o);
}

/**
 * The prediction after (dir 1) or before (dir -1) the current one. With nothing current (or the
 * current one no longer pending): the first one on or after `frame` (dir 1), the last one on or
 * before it (dir -1), wrapping round at either end. Null when none is pending.
 */
export function stepPrediction(list: readonly PendingPrediction[], current: string | null, frame: number, dir: 1 | -1): PendingPrediction | null {
  if (!list.length) return null;
  const at = current ? list.findIndex((p) => p.id === current) : -1;
  if (at >= 0) return list[(at + dir + list.length) % list.length];
  if (dir === 1) return list.find((p) => p.frame >= frame) ?? list[0];
  for (let i = list.length - 1; i >= 0; i--) if (list[i].frame <= frame) return list[i];
  return list[list.length - 1];
}

/** The pending predictions of `frame` at or above `threshold`. */
export function predictionsAbove(list: readonly PendingPrediction[], threshold: number, frame: number): PendingPrediction[] {
  return list.filter((p) => p.score >= threshold - 1e-9 && p.frame === frame);
}

/** Accept these predictions (one undo step when applied as one edit); others are left as they are. */
export function acceptIds(records: Records, ids: readonly string[], now = Date.now()): Records {
  const next = { ...records };
  for (const id of ids) if (isPendingId(records, id)) next[id] = acceptPrediction(records[id], now);
  return next;
}

/** Reject a pending prediction: removed and remembered (model.ts remove). */
export function rejectId(records: Records, id: string, now = Date.now()): Records {
  return isPendingId(records, id) ? remove(records, [id], now) : records;
}
