/**
 * Reviewing model predictions in the LiDAR editor, pure functions of the editor's records
 * (model.ts). The review model is core/review/predictions.ts: a pending prediction is an
 * untracked cuboid object with `source.kind === 'model'` not yet `accepted`; accept sets
 * `accepted` (source stays model with its score); reject removes it and remembers it
 * (`rejected:<id>`, written to document.rejected) in the same step, via model.ts `removeAt`.
 *
 * Order: by frame, then most confident first, so "next" walks a frame's predictions best-first
 * and then goes on to the next frame that has any.
 */
import type { AnnotationObject } from '../../../../core/document/schema';
import { acceptPrediction, isPendingPrediction } from '../../../../core/review/predictions';
import { isRejectedKey, isTrackKey, removeAt, type Records } from '../model';

export interface PendingPrediction {
  key: string;
  frame: number;
  score: number;
  label: string;
  model: string;
}

/** Every pending cuboid prediction of the records, by frame then score (highest first). */
export function pendingPredictions(records: Records): PendingPrediction[] {
  const out: PendingPrediction[] = [];
  for (const [key, r] of Object.entries(records)) {
    if (isTrackKey(key) || isRejectedKey(key)) continue;
    const o = r as AnnotationObject;
    if (o.geometry?.kind !== 'cuboid3d' || !o.source || !isPendingPrediction(o) || o.source.kind !== 'model') continue;
    out.push({ key, frame: o.frame ?? 0, score: o.source.score, label: o.label, model: o.source.model });
  }
  return out.sort((a, b) => a.frame - b.frame || b.score - a.score || a.key.localeCompare(b.key));
}

export function isPendingKey(records: Records, key: string | null): boolean {
  if (!key || isTrackKey(key) || isRejectedKey(key)) return false;
  const o = records[key] as AnnotationObject | undefined;
  return !!o?.source && o.geometry?.kind === 'cuboid3d' && isPendingPrediction(o);
}

/**
 * The prediction after (dir 1) or before (dir -1) the current one. With nothing current (or the
 * current one no longer pending): the first one on or after the frame shown (dir 1), the last one
 * on or before it (dir -1), wrapping round at either end. Null when none is pending.
 */
export function stepPrediction(list: readonly PendingPrediction[], current: string | null, frame: number, dir: 1 | -1): PendingPrediction | null {
  if (!list.length) return null;
  const at = current ? list.findIndex((p) => p.key === current) : -1;
  if (at >= 0) return list[(at + dir + list.length) % list.length];
  if (dir === 1) return list.find((p) => p.frame >= frame) ?? list[0];
  for (let i = list.length - 1; i >= 0; i--) if (list[i].frame <= frame) return list[i];
  return list[list.length - 1];
}

/** The pending predictions at or above `threshold`, on one frame or (frame null) every frame. */
export function predictionsAbove(list: readonly PendingPrediction[], threshold: number, frame: number | null): PendingPrediction[] {
  return list.filter((p) => p.score >= threshold - 1e-9 && (frame === null || p.frame === frame));
}

/** Accept these predictions (one undo step when applied as one edit). */
export function acceptKeys(records: Records, keys: readonly string[], now = Date.now()): Records {
  const next = { ...records };
  for (const k of keys) if (isPendingKey(records, k)) next[k] = acceptPrediction(records[k] as AnnotationObject, now);
  return next;
}

/** Reject a prediction: removed from its frame and remembered (model.ts removeAt). */
export function rejectKey(records: Records, key: string): Records {
  if (!isPendingKey(records, key)) return records;
  return removeAt(records, key, (records[key] as AnnotationObject).frame ?? 0);
}
