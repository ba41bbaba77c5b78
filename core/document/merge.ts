/**
 * Three-way merge of annotation documents, used when a save finds that the item changed on disk
 * since the editor loaded it (another tab, a reviewer, an import). Objects and tracks are keyed by
 * id, point labels by frame: a record changed on one side only takes that side; added on either
 * side is kept; changed on both sides to different content (or deleted on one side and edited on
 * the other) is a conflict the user decides. Provenance stamps (who/when) are not content, so
 * the host stamping an object on save never makes a conflict. Review fields (status, assignee,
 * history, issues) come from the disk copy: the host owns them (see main/services/review.ts).
 *
 * With no base (an edit recovered after a crash whose base revision is gone), every record is
 * treated as added on both sides: nothing is dropped, deletions made on either side come back.
 */
import type { AnnotationObject, ItemDocument, RejectedPrediction, Track } from './schema';

type PointLabels = ItemDocument['pointLabels'][number];

export type MergeKind = 'object' | 'track' | 'pointLabels';

export interface MergeConflict {
  kind: MergeKind;
  /** Object or track id, or the frame number for point labels. */
  key: string;
  /** Absent = deleted on that side. */
  mine?: AnnotationObject | Track | PointLabels;
  theirs?: AnnotationObject | Track | PointLabels;
}

export interface MergeResult {
  /** The merged document, with every conflict resolved as "mine" until the user decides. */
  merged: ItemDocument;
  conflicts: MergeConflict[];
  /** Records taken from the other side (for a notice: "3 changes from another editor merged"). */
  takenFromTheirs: number;
}

export type Resolution = 'mine' | 'theirs';

const STAMPS = new Set(['updatedAt', 'updatedBy', 'createdAt', 'createdBy']);

/** Stable JSON of a record's content: sorted keys, provenance stamps left out. */
export function contentKey(value: unknown): string {
  return JSON.stringify(value, (k, v) => {
    if (k !== '' && STAMPS.has(k)) return undefined;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v).sort().map((key) => [key, (v as Record<string, unknown>)[key]]));
    }
    return v;
  });
}

function same(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  return contentKey(a) === contentKey(b);
}

function mergeRecords<T>(kind: MergeKind, keyOf: (r: T) => string, base: T[] | null, mine: T[], theirs: T[], conflicts: MergeConflict[]): { out: T[]; taken: number } {
  const b = new Map((base ?? []).map((r) => [keyOf(r), r]));
  const m = new Map(mine.map((r) => [keyOf(r), r]));
  const t = new Map(theirs.map((r) => [keyOf(r), r]));
  // Order: theirs' order (what others see), then records only I have, in my order.
  const keys = [...t.keys(), ...[...m.keys()].filter((k) => !t.has(k))];
  const out: T[] = [];
  let taken = 0;
  for (const key of keys) {
    const inBase = b.get(key);
    const mr = m.get(key);
    const tr = t.get(key);
    let pick: T | undefined;
    if (same(mr, tr)) pick = mr ?? tr;
    else if (base !== null && same(inBase, mr)) {
      pick = tr; // only they changed it (or deleted it)
      taken++;
    } else if (base !== null && same(inBase, tr)) pick = mr; // only I changed it (or deleted it)
    else if (base === null && (mr === undefined || tr === undefined)) {
      pick = mr ?? tr; // no base: present on one side only = added there
      if (mr === undefined) taken++;
    } else {
      conflicts.push({ kind, key, mine: mr as never, theirs: tr as never });
      pick = mr; // until the user decides
    }
    if (pick !== undefined) out.push(pick);
  }
  return { out, taken };
}

export function mergeDocuments(base: ItemDocument | null, mine: ItemDocument, theirs: ItemDocument): MergeResult {
  const conflicts: MergeConflict[] = [];
  const objects = mergeRecords<AnnotationObject>('object', (o) => o.id, base?.objects ?? (base ? [] : null), mine.objects, theirs.objects, conflicts);
  const tracks = mergeRecords<Track>('track', (o) => o.id, base?.tracks ?? (base ? [] : null), mine.tracks, theirs.tracks, conflicts);
  const points = mergeRecords<PointLabels>('pointLabels', (p) => String(p.frame), base?.pointLabels ?? (base ? [] : null), mine.pointLabels, theirs.pointLabels, conflicts);
  // Remembered rejections are facts that do not change once written: merged by id like records
  // (an undone rejection is a deletion), never a conflict for the user to decide.
  const rejected = mergeRecords<RejectedPrediction>('object', (r) => r.id, base ? (base.rejected ?? []) : null, mine.rejected ?? [], theirs.rejected ?? [], []);
  const merged: ItemDocument = { ...theirs, objects: objects.out, tracks: tracks.out, pointLabels: points.out.sort((a, b) => a.frame - b.frame) };
  if (rejected.out.length || theirs.rejected) merged.rejected = rejected.out;
  return { merged, conflicts, takenFromTheirs: objects.taken + tracks.taken + points.taken };
}

/** Apply the user's decisions (by `${kind}:${key}`; missing = mine) to a merge result. */
export function resolveConflicts(result: MergeResult, decide: (c: MergeConflict) => Resolution): ItemDocument {
  let doc = result.merged;
  for (const c of result.conflicts) {
    if (decide(c) === 'mine') continue;
    const pick = c.theirs;
    if (c.kind === 'pointLabels') {
      const rest = doc.pointLabels.filter((p) => String(p.frame) !== c.key);
      doc = { ...doc, pointLabels: (pick ? [...rest, pick as PointLabels] : rest).sort((a, b) => a.frame - b.frame) };
      continue;
    }
    const field = c.kind === 'object' ? 'objects' : 'tracks';
    const list = doc[field] as Array<{ id: string }>;
    const at = list.findIndex((r) => r.id === c.key);
    const next = list.slice();
    if (pick && at >= 0) next[at] = pick as { id: string };
    else if (pick) next.push(pick as { id: string });
    else if (at >= 0) next.splice(at, 1);
    doc = { ...doc, [field]: next };
  }
  return doc;
}
