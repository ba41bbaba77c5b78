/**
 * Who changed what and when, per object: on every save the host compares the incoming document
 * with the one on disk and stamps objects and tracks that are new or changed with the author and
 * the time. Pure; the stamps live on the records themselves (createdAt/By, updatedAt/By).
 */
import type { AnnotationObject, ItemDocument, Track } from './schema';

type Stamped = Pick<AnnotationObject, 'updatedAt' | 'updatedBy' | 'createdAt' | 'createdBy'>;

function content<T extends Stamped>(r: T): string {
  const { updatedAt: _a, updatedBy: _b, createdAt: _c, createdBy: _d, ...rest } = r;
  return JSON.stringify(rest);
}

function stampAll<T extends Stamped & { id: string }>(prev: T[], next: T[], author: string | undefined, now: number): T[] {
  const before = new Map(prev.map((r) => [r.id, r]));
  return next.map((r) => {
    const old = before.get(r.id);
    // Without an author (scripts, imports) the record's own stamps are kept.
    const who = author ?? r.updatedBy;
    if (!old) return { ...r, createdAt: r.createdAt ?? now, createdBy: r.createdBy ?? who, updatedAt: now, updatedBy: who };
    if (content(old) === content(r)) return { ...r, createdAt: old.createdAt ?? r.createdAt, createdBy: old.createdBy ?? r.createdBy, updatedAt: old.updatedAt ?? r.updatedAt, updatedBy: old.updatedBy ?? r.updatedBy };
    return { ...r, createdAt: old.createdAt ?? r.createdAt, createdBy: old.createdBy ?? r.createdBy, updatedAt: now, updatedBy: who };
  });
}

export function stampProvenance(prev: ItemDocument | null, next: ItemDocument, author: string | undefined, now = Date.now()): ItemDocument {
  return {
    ...next,
    objects: stampAll<AnnotationObject>(prev?.objects ?? [], next.objects, author, now),
    tracks: stampAll<Track>(prev?.tracks ?? [], next.tracks, author, now),
  };
}
