/**
 * Provenance of edited predictions: a human changing the geometry of a model prediction turns
 * its source into `model-edited`, keeping the model and its score (pure; shared by the editors).
 */
import type { AnnotationObject, Geometry, ItemDocument, Source, Track } from './schema';

/** The source after a human geometry edit. */
export function editedSource(source: Source): Source {
  return source.kind === 'model' ? { kind: 'model-edited', model: source.model, score: source.score } : source;
}

/** The object with a new geometry set by a human (provenance kept as model-edited). */
export function withEditedGeometry<T extends AnnotationObject>(o: T, geometry: Geometry): T {
  return { ...o, geometry, source: editedSource(o.source) };
}

/*
 * Who changed what and when, per object: on every save the host compares the incoming document
 * with the one on disk and stamps objects and tracks that are new or changed with the author and
 * the time (createdAt/By, updatedAt/By on the records themselves).
 */
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
  const out: ItemDocument = {
    ...next,
    objects: stampAll<AnnotationObject>(prev?.objects ?? [], next.objects, author, now),
    tracks: stampAll<Track>(prev?.tracks ?? [], next.tracks, author, now),
  };
  // A rejection made in this save is credited to its author (who rejected is what learning from reviews needs).
  if (next.rejected && author) {
    const known = new Set((prev?.rejected ?? []).map((r) => r.id));
    out.rejected = next.rejected.map((r) => (known.has(r.id) || r.by ? r : { ...r, by: author }));
  }
  return out;
}
