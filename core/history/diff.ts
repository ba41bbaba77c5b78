/**
 * Diffs over normalized records (id -> record): the unit of every write, of undo and of the
 * crash-recovery journal. Plain data, so a diff can be stored in IndexedDB or sent over the wire.
 * Records are treated as immutable values: an update replaces the whole record.
 */
export interface RecordDiff<T> {
  added: Record<string, T>;
  updated: Record<string, { from: T; to: T }>;
  removed: Record<string, T>;
}

export type RecordMap<T> = Record<string, T>;

export function emptyDiff<T>(): RecordDiff<T> {
  return { added: {}, updated: {}, removed: {} };
}

export function isEmptyDiff(d: RecordDiff<unknown>): boolean {
  for (const _ in d.added) return false;
  for (const _ in d.updated) return false;
  for (const _ in d.removed) return false;
  return true;
}

/** Compare two maps by identity first (cheap), then structurally for changed references. */
export function diffRecords<T>(before: RecordMap<T>, after: RecordMap<T>): RecordDiff<T> {
  const d = emptyDiff<T>();
  for (const id in after) {
    if (!(id in before)) d.added[id] = after[id];
    else if (before[id] !== after[id] && !sameValue(before[id], after[id])) d.updated[id] = { from: before[id], to: after[id] };
  }
  for (const id in before) if (!(id in after)) d.removed[id] = before[id];
  return d;
}

export function applyDiff<T>(records: RecordMap<T>, d: RecordDiff<T>): RecordMap<T> {
  const next = { ...records };
  for (const id in d.removed) delete next[id];
  for (const id in d.added) next[id] = d.added[id];
  for (const id in d.updated) next[id] = d.updated[id].to;
  return next;
}

export function invertDiff<T>(d: RecordDiff<T>): RecordDiff<T> {
  const inv = emptyDiff<T>();
  for (const id in d.added) inv.removed[id] = d.added[id];
  for (const id in d.removed) inv.added[id] = d.removed[id];
  for (const id in d.updated) inv.updated[id] = { from: d.updated[id].to, to: d.updated[id].from };
  return inv;
}

/** a then b as one diff (for squashing a drag gesture into one history step). */
export function composeDiffs<T>(a: RecordDiff<T>, b: RecordDiff<T>): RecordDiff<T> {
  const out: RecordDiff<T> = { added: { ...a.added }, updated: { ...a.updated }, removed: { ...a.removed } };
  for (const id in b.added) {
    if (id in out.removed) {
      const from = out.removed[id];
      delete out.removed[id];
      if (!sameValue(from, b.added[id])) out.updated[id] = { from, to: b.added[id] };
    } else out.added[id] = b.added[id];
  }
  for (const id in b.updated) {
    if (id in out.added) out.added[id] = b.updated[id].to;
    else if (id in out.updated) {
      const from = out.updated[id].from;
      if (sameValue(from, b.updated[id].to)) delete out.updated[id];
      else out.updated[id] = { from, to: b.updated[id].to };
    } else out.updated[id] = b.updated[id];
  }
  for (const id in b.removed) {
    if (id in out.added) delete out.added[id];
    else if (id in out.updated) {
      out.removed[id] = out.updated[id].from;
      delete out.updated[id];
    } else out.removed[id] = b.removed[id];
  }
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || !a || !b) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
