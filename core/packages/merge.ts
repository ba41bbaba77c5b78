/**
 * Merge planning for task packages (pure): the work done on an offline machine (`theirs`, the
 * package's documents) is brought back into the home project (`ours`) against the document as it
 * was when the package was exported (`base`, recorded in the package with its revision).
 *
 * Records are keyed like the editor's merge (core/document/merge.ts): objects and tracks by id,
 * point labels by frame. Per record:
 * - same content on both sides (or unchanged on both)  → keep;
 * - changed / added / deleted offline only              → take theirs;
 * - changed / added / deleted at home only              → keep ours;
 * - changed on both sides to different content, deleted on one side and edited on the other,
 *   added on both sides with different content         → a conflict, listed, never overwritten.
 * Provenance stamps (who / when) are not content (contentKey), so the host stamping a record on
 * save never makes a conflict. Remembered rejections are facts merged by id, never a conflict.
 * Review fields (status, history, issues, assignee) are not decided here: the host merges them the
 * way the review service merges an editor save (main/services/review.ts mergeEditorSave).
 */
import { contentKey } from '../document/merge';
import type { AnnotationObject, ItemDocument, RejectedPrediction, Track } from '../document/schema';

type PointLabels = ItemDocument['pointLabels'][number];
export type RecordKind = 'object' | 'track' | 'pointLabels';
type AnyRecord = AnnotationObject | Track | PointLabels;

export type Reason =
  | 'unchanged'
  | 'same-both'
  | 'changed-offline'
  | 'added-offline'
  | 'deleted-offline'
  | 'changed-home'
  | 'added-home'
  | 'deleted-home'
  | 'changed-both'
  | 'added-both'
  | 'deleted-offline-edited-home'
  | 'edited-offline-deleted-home';

export type Action = 'keep' | 'take-theirs' | 'keep-ours' | 'conflict';

export interface RecordPlan {
  kind: RecordKind;
  /** Object or track id, or the frame number for point labels. */
  key: string;
  action: Action;
  reason: Reason;
  /** Absent = not there (never existed or deleted) on that side. */
  base?: AnyRecord;
  ours?: AnyRecord;
  theirs?: AnyRecord;
}

export interface ItemPlan {
  itemId: string;
  /** Every record that either side has or had, with what happens to it. */
  records: RecordPlan[];
  conflicts: RecordPlan[];
  counts: Record<Action, number>;
}

export type Choice = 'ours' | 'theirs';

/** The id of a conflict across a whole package: `<itemId>/<kind>:<key>`. */
export function conflictId(itemId: string, r: Pick<RecordPlan, 'kind' | 'key'>): string {
  return `${itemId}/${r.kind}:${r.key}`;
}

function same(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  return contentKey(a) === contentKey(b);
}

function classify(base: unknown, ours: unknown, theirs: unknown): { action: Action; reason: Reason } {
  if (same(ours, theirs)) return { action: 'keep', reason: same(base, ours) ? 'unchanged' : 'same-both' };
  if (same(base, ours)) {
    // Only the offline side moved.
    if (base === undefined) return { action: 'take-theirs', reason: 'added-offline' };
    return { action: 'take-theirs', reason: theirs === undefined ? 'deleted-offline' : 'changed-offline' };
  }
  if (same(base, theirs)) {
    if (base === undefined) return { action: 'keep-ours', reason: 'added-home' };
    return { action: 'keep-ours', reason: ours === undefined ? 'deleted-home' : 'changed-home' };
  }
  // Both moved, differently.
  if (base === undefined) return { action: 'conflict', reason: 'added-both' };
  if (theirs === undefined) return { action: 'conflict', reason: 'deleted-offline-edited-home' };
  if (ours === undefined) return { action: 'conflict', reason: 'edited-offline-deleted-home' };
  return { action: 'conflict', reason: 'changed-both' };
}

function planRecords<T extends AnyRecord>(kind: RecordKind, keyOf: (r: T) => string, base: T[], ours: T[], theirs: T[], out: RecordPlan[]): void {
  const b = new Map(base.map((r) => [keyOf(r), r]));
  const o = new Map(ours.map((r) => [keyOf(r), r]));
  const t = new Map(theirs.map((r) => [keyOf(r), r]));
  // Order: ours (what home sees), then records only the package has, then ones both deleted.
  const keys = [...new Set([...o.keys(), ...t.keys(), ...b.keys()])];
  for (const key of keys) {
    const rb = b.get(key);
    const ro = o.get(key);
    const rt = t.get(key);
    if (!ro && !rt) continue; // deleted on both sides: nothing to do, nothing to list
    out.push({ kind, key, ...classify(rb, ro, rt), base: rb, ours: ro, theirs: rt });
  }
}

/** Plan the merge of one item's document. `base` null = the package recorded no document (treated as empty). */
export function planItemMerge(base: ItemDocument | null, ours: ItemDocument, theirs: ItemDocument): ItemPlan {
  const records: RecordPlan[] = [];
  planRecords<AnnotationObject>('object', (r) => r.id, base?.objects ?? [], ours.objects, theirs.objects, records);
  planRecords<Track>('track', (r) => r.id, base?.tracks ?? [], ours.tracks, theirs.tracks, records);
  planRecords<PointLabels>('pointLabels', (r) => String(r.frame), base?.pointLabels ?? [], ours.pointLabels, theirs.pointLabels, records);
  const counts: Record<Action, number> = { keep: 0, 'take-theirs': 0, 'keep-ours': 0, conflict: 0 };
  for (const r of records) counts[r.action]++;
  return { itemId: ours.itemId, records, conflicts: records.filter((r) => r.action === 'conflict'), counts };
}

/** Rejections are merged by id: a rejection either side added stays; one either side undid goes. */
function mergeRejected(base: RejectedPrediction[], ours: RejectedPrediction[], theirs: RejectedPrediction[]): RejectedPrediction[] {
  const inBase = new Set(base.map((r) => r.id));
  const o = new Map(ours.map((r) => [r.id, r]));
  const t = new Map(theirs.map((r) => [r.id, r]));
  const out: RejectedPrediction[] = [];
  for (const [id, r] of o) if (t.has(id) || !inBase.has(id)) out.push(r);
  for (const [id, r] of t) if (!o.has(id) && !inBase.has(id)) out.push(r);
  return out;
}

/**
 * The merged records of one item: `decide` answers each conflict (by conflictId); a conflict it
 * leaves undecided is an error, so nothing is ever overwritten by default. Review fields and
 * everything else not a record come from `ours`; the host merges the review fields afterwards.
 */
export function applyItemPlan(plan: ItemPlan, base: ItemDocument | null, ours: ItemDocument, theirs: ItemDocument, decide: (id: string, r: RecordPlan) => Choice | undefined): ItemDocument {
  const pick = (r: RecordPlan): AnyRecord | undefined => {
    switch (r.action) {
      case 'keep':
      case 'keep-ours':
        return r.ours;
      case 'take-theirs':
        return r.theirs;
      case 'conflict': {
        const id = conflictId(plan.itemId, r);
        const c = decide(id, r);
        if (c === undefined) throw new UndecidedConflict(id);
        return c === 'ours' ? r.ours : r.theirs;
      }
    }
  };
  const objects: AnnotationObject[] = [];
  const tracks: Track[] = [];
  const points: PointLabels[] = [];
  for (const r of plan.records) {
    const v = pick(r);
    if (!v) continue;
    if (r.kind === 'object') objects.push(v as AnnotationObject);
    else if (r.kind === 'track') tracks.push(v as Track);
    else points.push(v as PointLabels);
  }
  const out: ItemDocument = { ...ours, objects, tracks, pointLabels: points.sort((a, b) => a.frame - b.frame) };
  const rejected = mergeRejected(base?.rejected ?? [], ours.rejected ?? [], theirs.rejected ?? []);
  if (rejected.length) out.rejected = rejected;
  else delete out.rejected;
  return out;
}

export class UndecidedConflict extends Error {
  constructor(readonly conflictId: string) {
    super(`conflict ${conflictId} is not resolved (choose ours or theirs)`);
  }
}

/** A short human description of a record for conflict lists: label, geometry and where it is, or "deleted". */
export function describeRecord(kind: RecordKind, r: AnyRecord | undefined): string {
  if (!r) return 'deleted';
  if (kind === 'pointLabels') return `point labels of frame ${(r as PointLabels).frame}`;
  if (kind === 'track') {
    const t = r as Track;
    return `${t.label} track, ${t.keyframes.length} keyframe${t.keyframes.length === 1 ? '' : 's'}`;
  }
  const o = r as AnnotationObject;
  return `${o.label} ${o.geometry.kind}${where(o.geometry)}${o.frame ? ` frame ${o.frame}` : ''}`;
}

/** Enough of the geometry to tell two versions apart at a glance. */
function where(g: AnnotationObject['geometry']): string {
  const n = (v: number, d = 0) => v.toFixed(d);
  switch (g.kind) {
    case 'box2d':
      return ` x ${n(g.x1)}–${n(g.x2)}, y ${n(g.y1)}–${n(g.y2)}`;
    case 'rotatedBox':
      return ` at ${n(g.cx)}, ${n(g.cy)}, ${n(g.w)}×${n(g.h)}`;
    case 'cuboid3d':
      return ` at ${g.center.map((v) => n(v, 2)).join(', ')} m, ${g.size.map((v) => n(v, 2)).join('×')} m, yaw ${n(g.yaw, 2)}`;
    case 'polygon':
    case 'polyline':
    case 'points':
    case 'skeleton':
      return `, ${g.points.length / 2} points`;
    default:
      return '';
  }
}
