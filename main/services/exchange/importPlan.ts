/**
 * Two-phase imports. An importer first reads and validates every input into an ImportPlan (no
 * write happens while a file can still turn out to be bad), then `applyPlan` merges the plan into
 * the documents and writes them, each atomically.
 *
 * Idempotence: every imported object and track carries `importKey` =
 * `<format>:<source file or item>#<id in the source>`. A later import of the same source updates
 * the object with that key (keeping its id) instead of adding a copy, so running an import twice,
 * or again after it died halfway, ends with the same documents as one clean run. Objects without
 * a key (drawn by hand, pre-labelled) are never touched. `mode: 'replace'` also removes objects
 * an earlier import of the same format left on the item that the source no longer has.
 */
import { tracksFromTrackIds } from '../../../core/document/cuboidTracks';
import type { AnnotationObject, ItemDocument, Ontology, Track } from '../../../core/document/schema';
import { DatumError } from '../../rpc/errors';
import type { ExchangeContext, ImportMode, ImportResult } from './registry';

export interface PlannedItem {
  itemId: string;
  /** Objects and tracks as imported; `importKey` set on each (see importKey()). */
  objects: AnnotationObject[];
  tracks: Track[];
}

export interface ImportPlan {
  /** Format name: the prefix of every key this import writes (what `replace` may remove). */
  format: string;
  /** The ontology with the source's labels merged in, or null when it is unchanged. */
  ontology: Ontology | null;
  items: PlannedItem[];
  warnings: string[];
}

export function importKey(format: string, source: string, id: string | number): string {
  return `${format}:${source}#${id}`;
}

function freshId(used: Set<string>, base: string): string {
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

type Keyed = { id: string; importKey?: string; createdAt?: number; createdBy?: string };

/**
 * Upsert `incoming` into `current` by importKey. An unkeyed current entry whose id is the
 * importer's own id for the incoming one (what imports wrote before keys existed) counts as the
 * same object, so projects imported by older versions do not get a second copy either.
 */
function upsert<T extends Keyed>(current: T[], incoming: T[], format: string, mode: ImportMode): { list: T[]; added: number; removed: number } {
  const byKey = new Map<string, number>();
  const legacy = new Map<string, number>();
  current.forEach((o, i) => {
    if (o.importKey) byKey.set(o.importKey, i);
    else legacy.set(o.id, i);
  });
  const used = new Set(current.map((o) => o.id));
  const list = [...current];
  const seen = new Set<number>();
  const appended: T[] = [];
  for (const o of incoming) {
    const at = byKey.get(o.importKey!) ?? legacy.get(o.id);
    if (at !== undefined && !seen.has(at)) {
      seen.add(at);
      const old = list[at];
      list[at] = { ...o, id: old.id, createdAt: old.createdAt, createdBy: old.createdBy };
    } else appended.push({ ...o, id: freshId(used, o.id) });
  }
  let kept = list;
  let removed = 0;
  if (mode === 'replace') {
    kept = list.filter((o, i) => seen.has(i) || !o.importKey?.startsWith(`${format}:`));
    removed = list.length - kept.length;
  }
  return { list: [...kept, ...appended], added: appended.length, removed };
}

/** The document after importing `planned` into `current`. */
export function mergeDocument(current: ItemDocument, planned: PlannedItem, format: string, mode: ImportMode): { doc: ItemDocument; added: number; removed: number } {
  const objects = upsert(current.objects, planned.objects, format, mode);
  const tracks = upsert(current.tracks, planned.tracks, format, mode);
  const any = objects.list.length + tracks.list.length > 0;
  // Per-frame cuboids with a track_id (SUSTech) imported into a document whose tracks the LiDAR
  // editor already made from them update those tracks' keyframes (core/document/cuboidTracks.ts).
  const folded = tracksFromTrackIds({ objects: objects.list, tracks: tracks.list }, { onlyExisting: true });
  const doc: ItemDocument = {
    ...current,
    status: current.status === 'new' && any ? 'in_progress' : current.status,
    objects: folded.objects.map(stripUndefined),
    tracks: folded.tracks.map(stripUndefined),
  };
  return { doc, added: objects.added + tracks.added, removed: objects.removed + tracks.removed };
}

/** createdAt/createdBy copied as undefined would make an unchanged document compare unequal. */
function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const sameContent = (a: ItemDocument, b: ItemDocument) =>
  a.status === b.status && JSON.stringify(a.objects) === JSON.stringify(b.objects) && JSON.stringify(a.tracks) === JSON.stringify(b.tracks);

/**
 * Write a plan: every current document is read and merged first (a document that cannot be read
 * stops the import before anything is written), then the ontology, then the changed documents.
 * A crash part-way leaves some documents old and some new; running the import again finishes it.
 */
export async function applyPlan(plan: ImportPlan, ctx: ExchangeContext): Promise<ImportResult> {
  const { projects } = ctx;
  const mode = ctx.mode ?? 'merge';
  const byItem = new Map<string, PlannedItem>();
  for (const p of plan.items) {
    // Two source entries can name one item (a path and its suffix): one document write each.
    const prev = byItem.get(p.itemId);
    if (prev) {
      prev.objects.push(...p.objects);
      prev.tracks.push(...p.tracks);
    } else byItem.set(p.itemId, { itemId: p.itemId, objects: [...p.objects], tracks: [...p.tracks] });
  }
  const writes: Array<{ itemId: string; doc: ItemDocument }> = [];
  let objects = 0;
  let added = 0;
  let removed = 0;
  for (const p of byItem.values()) {
    for (const o of [...p.objects, ...p.tracks])
      if (!o.importKey?.startsWith(`${plan.format}:`)) throw new DatumError('INTERNAL', `${plan.format} import planned an object without a source key (${o.id})`);
    const current = await projects.loadAnnotations(p.itemId);
    const merged = mergeDocument(current, p, plan.format, mode);
    objects += p.objects.length + p.tracks.length;
    added += merged.added;
    removed += merged.removed;
    if (!sameContent(current, merged.doc)) writes.push({ itemId: p.itemId, doc: merged.doc });
  }
  if (ctx.signal?.aborted) throw new DatumError('CANCELLED', 'import cancelled');
  if (byItem.size && plan.ontology) await projects.updateOntology(plan.ontology);
  let done = 0;
  for (const w of writes) {
    if (ctx.signal?.aborted) throw new DatumError('CANCELLED', 'import cancelled');
    await projects.saveAnnotations(w.itemId, w.doc);
    ctx.progress?.(++done, writes.length, 'saving');
  }
  const warnings = [...plan.warnings];
  if (ctx.warn) {
    for (const w of warnings) ctx.warn(w);
    warnings.length = 0;
  }
  return { items: byItem.size, objects, added, updated: objects - added, removed, warnings };
}

/** Wraps a parser's error (FormatError, FileFormatError: "<file>: <problem>") as BAD_FILE. */
export function badFile(err: unknown): never {
  if (err instanceof DatumError) throw err;
  throw new DatumError('BAD_FILE', err instanceof Error ? err.message : String(err));
}
