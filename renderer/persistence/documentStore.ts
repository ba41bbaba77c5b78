/**
 * Saves annotation documents with crash safety:
 *  1. each committed edit is appended to the journal and the draft is replaced, in one
 *     IndexedDB transaction (survives a killed renderer);
 *  2. a debounced save sends the document to the host, which writes it atomically;
 *  3. when the host confirms, journal entries up to that edit and the draft are dropped.
 * On open, a draft newer than what the host has is restored and saved again (survives a killed host).
 */
import type { ItemDocument } from '../core/document/schema';
import type { RpcClient } from '../transport/client';
import { db, type DatumDB } from './db';

/** Who is editing: the active local profile's name (set by the review state), for provenance stamps. */
let author: () => string | undefined = () => undefined;
export function setDocumentAuthor(get: () => string | undefined): void {
  author = get;
}
function documentAuthor(): string | undefined {
  return author();
}

export class DocumentStore {
  private timers = new Map<string, ReturnType<typeof setTimeout>>();
  private saving = new Map<string, Promise<void>>();

  constructor(
    private readonly rpc: RpcClient,
    private readonly projectPath: string,
    private readonly database: DatumDB = db,
    private readonly debounceMs = 400,
    /** Background saves that fail keep the draft; the UI is told so it can show "unsaved". */
    private readonly onSaveError: (err: unknown) => void = () => {},
  ) {}

  private key(itemId: string) {
    return `${this.projectPath}\n${itemId}`;
  }

  /** Load from the host, preferring a local draft that was never confirmed saved. */
  async load(itemId: string): Promise<{ document: ItemDocument; recovered: boolean }> {
    const [saved, draft] = await Promise.all([this.rpc.call('annotations.load', { itemId }), this.database.drafts.get(this.key(itemId))]);
    if (draft) {
      await this.flush(itemId, draft.document, draft.seq);
      return { document: draft.document, recovered: true };
    }
    return { document: saved, recovered: false };
  }

  /** Record a committed edit locally at once, and schedule the host save. */
  async commit(itemId: string, document: ItemDocument, label: string, diff: unknown): Promise<void> {
    const projectPath = this.projectPath;
    let seq = 0;
    await this.database.transaction('rw', this.database.journal, this.database.drafts, async () => {
      seq = await this.database.journal.add({ projectPath, itemId, label, diff, at: Date.now() });
      await this.database.drafts.put({ key: this.key(itemId), projectPath, itemId, document, seq, updatedAt: Date.now() });
    });
    clearTimeout(this.timers.get(itemId));
    this.timers.set(
      itemId,
      setTimeout(() => this.flush(itemId, document, seq).catch(this.onSaveError), this.debounceMs),
    );
  }

  /** Save now (also used before closing an item). */
  async flush(itemId: string, document: ItemDocument, seq: number): Promise<void> {
    clearTimeout(this.timers.get(itemId));
    const prev = this.saving.get(itemId) ?? Promise.resolve();
    const job = prev.then(async () => {
      await this.rpc.call('annotations.save', { itemId, document, author: documentAuthor() });
      await this.database.transaction('rw', this.database.journal, this.database.drafts, async () => {
        const draft = await this.database.drafts.get(this.key(itemId));
        if (draft && draft.seq <= seq) await this.database.drafts.delete(this.key(itemId));
        await this.database.journal
          .where('[projectPath+itemId]')
          .equals([this.projectPath, itemId])
          .and((e) => (e.seq ?? 0) <= seq)
          .delete();
      });
    });
    this.saving.set(itemId, job.catch(() => {}));
    return job;
  }

  async pendingEdits(itemId: string): Promise<number> {
    return this.database.journal.where('[projectPath+itemId]').equals([this.projectPath, itemId]).count();
  }
}
