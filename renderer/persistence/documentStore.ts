/**
 * Saves annotation documents with crash safety and without losing anyone else's edits:
 *  1. each committed edit is appended to the journal and the draft is replaced, in one
 *     IndexedDB transaction (survives a killed renderer);
 *  2. a debounced save sends the newest document to the host with the revision it is based on;
 *     the host writes it atomically as the next revision, or answers CONFLICT when the file moved
 *     on (another tab, a reviewer, an import). Then the store loads theirs, merges by record id
 *     (core/document/merge.ts: theirs + mine; the same record changed on both sides is asked of
 *     the user through `onConflict`), hands the merged document to the editor and saves that;
 *  3. when the host confirms, journal entries up to that edit and the draft are dropped.
 * On open, a draft newer than what the host has is restored and saved again (survives a killed
 * host). `item.changed` events from the host reload an item that has no unsaved edits.
 *
 * Edits to one item are linear (each commit builds on the previous document), so the store
 * always saves the newest committed document, based on the newest host revision that document
 * is known to include (`lineage`).
 */
import { mergeDocuments, resolveConflicts, type MergeConflict, type MergeResult, type Resolution } from '../../core/document/merge';
import type { ItemDocument } from '../../core/document/schema';
import { RpcError, type RpcClient } from '../transport/client';
import { db, type DatumDB } from './db';

/** Who is editing: the active local profile's name (set by the review state), for provenance stamps. */
let author: () => string | undefined = () => undefined;
export function setDocumentAuthor(get: () => string | undefined): void {
  author = get;
}
function documentAuthor(): string | undefined {
  return author();
}

export interface RemoteChange {
  /** Records taken from the other side's version. */
  takenFromTheirs: number;
  /** Conflicting records the user decided (0 when everything merged by itself). */
  conflicts: number;
  /** True when the item was reloaded because someone else saved it (no local edits pending). */
  reloaded: boolean;
}

export interface DocumentStoreHooks {
  /** The document under the editor changed (merged with someone else's save, or reloaded). */
  onRemoteChange?: (itemId: string, document: ItemDocument, change: RemoteChange) => void;
  /**
   * The same records were changed here and elsewhere: decide each one. Without this hook the
   * local version wins (and `onRemoteChange` still reports the conflicts).
   */
  onConflict?: (itemId: string, conflicts: MergeConflict[]) => Promise<(c: MergeConflict) => Resolution>;
}

interface Lineage {
  /** The host's copy the editor's document descends from (null: unknown, e.g. a recovered draft). */
  base: ItemDocument | null;
  /** Its revision; undefined = never known (a draft from before revisions). */
  revision: number | undefined;
}

const MAX_MERGE_ROUNDS = 5;

export class DocumentStore {
  private timers = new Map<string, ReturnType<typeof setTimeout>>();
  private saving = new Map<string, Promise<void>>();
  private lineage = new Map<string, Lineage>();
  /** Newest committed document and its journal sequence, per item. */
  private latest = new Map<string, { document: ItemDocument; seq: number }>();
  /**
   * Items with edits not yet confirmed saved, kept synchronously (a commit marks its item before
   * its first await): a reload on someone else's save must never replace a document while one of
   * our edits is on its way, or that edit would be saved on top of their revision without theirs.
   */
  private edits = new Map<string, { inFlight: number; committed: number; saved: number }>();
  private unsubscribe: (() => void) | null = null;
  private unsubscribeConnection: (() => void) | null = null;

  constructor(
    private readonly rpc: RpcClient,
    private readonly projectPath: string,
    private readonly database: DatumDB = db,
    private readonly debounceMs = 400,
    /** Background saves that fail keep the draft; the UI is told so it can show "unsaved". */
    private readonly onSaveError: (err: unknown) => void = () => {},
    private readonly hooks: DocumentStoreHooks = {},
  ) {
    if (hooks.onRemoteChange) this.unsubscribe = rpc.on('item.changed', (data) => void this.remoteChanged(data as { itemId: string; revision: number }));
    // The host is back (a restarted or unreachable team server): saves that failed while it was
    // gone go out now, from the drafts, with the revision they were based on (a CONFLICT merges).
    this.unsubscribeConnection = rpc.on('connection' as never, (data) => {
      if ((data as { connected?: boolean }).connected) this.retryUnsaved();
    });
  }

  /** Save every item with edits the host has not confirmed (after a reconnect). */
  retryUnsaved(): void {
    for (const [itemId, { document, seq }] of this.latest) {
      if (this.isDirty(itemId)) this.flush(itemId, document, seq).catch(this.onSaveError);
    }
  }

  /** Stop listening for other connections' saves (the editor closed). */
  dispose(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.unsubscribeConnection?.();
    this.unsubscribeConnection = null;
  }

  private key(itemId: string) {
    return `${this.projectPath}\n${itemId}`;
  }

  /** Load from the host, preferring a local draft that was never confirmed saved. */
  async load(itemId: string): Promise<{ document: ItemDocument; recovered: boolean }> {
    const [saved, draft] = await Promise.all([this.rpc.call('annotations.load', { itemId }), this.database.drafts.get(this.key(itemId))]);
    if (draft) {
      // The draft's base is gone; only its revision was kept. Saving it merges if the file moved on.
      this.lineage.set(itemId, { base: null, revision: draft.baseRevision });
      this.latest.set(itemId, { document: draft.document, seq: draft.seq });
      this.editsOf(itemId).committed = draft.seq;
      await this.flush(itemId, draft.document, draft.seq);
      return { document: this.latest.get(itemId)?.document ?? draft.document, recovered: true };
    }
    this.lineage.set(itemId, { base: saved, revision: saved.revision ?? 0 });
    return { document: saved, recovered: false };
  }

  /** Record a committed edit locally at once, and schedule the host save. */
  async commit(itemId: string, document: ItemDocument, label: string, diff: unknown): Promise<void> {
    const projectPath = this.projectPath;
    const baseRevision = this.lineage.get(itemId)?.revision;
    const edits = this.editsOf(itemId);
    edits.inFlight++;
    let seq = 0;
    try {
      await this.database.transaction('rw', this.database.journal, this.database.drafts, async () => {
        seq = await this.database.journal.add({ projectPath, itemId, label, diff, at: Date.now() });
        await this.database.drafts.put({ key: this.key(itemId), projectPath, itemId, document, seq, baseRevision, updatedAt: Date.now() });
      });
    } finally {
      edits.inFlight--;
    }
    edits.committed = Math.max(edits.committed, seq);
    this.latest.set(itemId, { document, seq });
    clearTimeout(this.timers.get(itemId));
    this.timers.set(
      itemId,
      setTimeout(() => this.flush(itemId, document, seq).catch(this.onSaveError), this.debounceMs),
    );
  }

  /** Save now (also used before closing an item). Saves the newest committed document. */
  async flush(itemId: string, document: ItemDocument, seq: number): Promise<void> {
    clearTimeout(this.timers.get(itemId));
    if (!this.latest.has(itemId) || this.latest.get(itemId)!.seq < seq) this.latest.set(itemId, { document, seq });
    const prev = this.saving.get(itemId) ?? Promise.resolve();
    const job = prev.then(() => this.saveLatest(itemId));
    this.saving.set(itemId, job.catch(() => {}));
    return job;
  }

  private async saveLatest(itemId: string): Promise<void> {
    for (let round = 0; round < MAX_MERGE_ROUNDS; round++) {
      const { document, seq } = this.latest.get(itemId)!;
      const lineage = this.lineage.get(itemId) ?? { base: null, revision: undefined };
      try {
        const r = await this.rpc.call('annotations.save', { itemId, document, author: documentAuthor(), baseRevision: lineage.revision });
        this.lineage.set(itemId, { base: { ...document, revision: r.revision }, revision: r.revision });
        const edits = this.editsOf(itemId);
        edits.saved = Math.max(edits.saved, seq);
        await this.dropSaved(itemId, seq);
        return;
      } catch (err) {
        if (!(err instanceof RpcError) || err.code !== 'CONFLICT') throw err;
      }
      await this.mergeWithHost(itemId, lineage);
    }
    throw new RpcError('CONFLICT', `item ${itemId} keeps changing on the host; your edits are kept locally and saved on the next edit`);
  }

  /** Someone else saved: merge their document with ours; ours becomes the merge. */
  private async mergeWithHost(itemId: string, lineage: Lineage): Promise<void> {
    const theirs = await this.rpc.call('annotations.load', { itemId });
    let result: MergeResult = mergeDocuments(lineage.base, this.latest.get(itemId)!.document, theirs);
    let decide: (c: MergeConflict) => Resolution = () => 'mine';
    if (result.conflicts.length && this.hooks.onConflict) {
      decide = await this.hooks.onConflict(itemId, result.conflicts);
      // Edits made while the user was deciding are in the newest document: merge that one.
      result = mergeDocuments(lineage.base, this.latest.get(itemId)!.document, theirs);
    }
    const merged = resolveConflicts(result, decide);
    const current = this.latest.get(itemId)!;
    this.latest.set(itemId, { document: merged, seq: current.seq });
    this.lineage.set(itemId, { base: theirs, revision: theirs.revision ?? 0 });
    await this.database.drafts.update(this.key(itemId), { document: merged, baseRevision: theirs.revision ?? 0 }).catch(() => {});
    this.hooks.onRemoteChange?.(itemId, merged, { takenFromTheirs: result.takenFromTheirs, conflicts: result.conflicts.length, reloaded: false });
  }

  /** The host says an item was written; reload it when nothing of ours is waiting to be saved. */
  private async remoteChanged({ itemId, revision }: { itemId: string; revision: number }): Promise<void> {
    const lineage = this.lineage.get(itemId);
    if (!lineage || lineage.revision === undefined || revision <= lineage.revision) return; // not open here, or our own save
    if (this.isDirty(itemId) || (await this.pendingEdits(itemId)) > 0) return; // the next save merges
    const theirs = await this.rpc.call('annotations.load', { itemId });
    // Checked again with no await before the swap: an edit begun meanwhile was built on the
    // document on screen, and its save will merge; and a reply older than what we hold is stale.
    const now = this.lineage.get(itemId);
    if (this.isDirty(itemId) || !now || (now.revision !== undefined && (theirs.revision ?? 0) <= now.revision)) return;
    this.lineage.set(itemId, { base: theirs, revision: theirs.revision ?? 0 });
    this.latest.delete(itemId);
    this.hooks.onRemoteChange?.(itemId, theirs, { takenFromTheirs: 0, conflicts: 0, reloaded: true });
  }

  private editsOf(itemId: string) {
    let e = this.edits.get(itemId);
    if (!e) this.edits.set(itemId, (e = { inFlight: 0, committed: 0, saved: 0 }));
    return e;
  }

  /** Edits begun or committed here and not yet confirmed saved by the host (synchronous). */
  private isDirty(itemId: string): boolean {
    const e = this.edits.get(itemId);
    return !!e && (e.inFlight > 0 || e.committed > e.saved);
  }

  private async dropSaved(itemId: string, seq: number): Promise<void> {
    await this.database.transaction('rw', this.database.journal, this.database.drafts, async () => {
      const draft = await this.database.drafts.get(this.key(itemId));
      if (draft && draft.seq <= seq) await this.database.drafts.delete(this.key(itemId));
      await this.database.journal
        .where('[projectPath+itemId]')
        .equals([this.projectPath, itemId])
        .and((e) => (e.seq ?? 0) <= seq)
        .delete();
    });
  }

  async pendingEdits(itemId: string): Promise<number> {
    return this.database.journal.where('[projectPath+itemId]').equals([this.projectPath, itemId]).count();
  }
}
