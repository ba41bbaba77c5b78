/**
 * The folder back end of the project store (the zero-setup default): the project folder as it has
 * always been. Documents are `annotations/<itemId>.json` (same bytes as before revisions existed),
 * the project's ontology and settings stay in datum.json, other records are
 * `.datum/store/<collection>/<id>.json`, and events are appended to `.datum/events.jsonl`.
 *
 * One process owns a folder: compare-and-swap is serialised per item inside this process, and
 * subscribers are this process's. Crash safety: a document is replaced atomically (temp file,
 * fsync, rename) before its event line is appended, so kill -9 can lose at most the trailing event
 * line (a half-written one is cut off at the next open), never a saved document.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import type { ItemDocument } from '../../../core/document/schema';
import { DatumError } from '../../rpc/errors';
import { atomicWrite } from '../atomicWrite';
import { migrateDocument } from '../documentFile';
import { PROJECT_FILE, ProjectFile, readProjectFile, writeProjectFile } from '../projectFile';
import {
  KeyedLock,
  checkExpected,
  checkItemId,
  checkRecordKey,
  documentConflict,
  documentText,
  recordConflict,
  recordMissing,
  revisionOfText,
} from './common';
import type { ProjectStore, RawDocument, RawRecord, Revisioned, StoreEvent, StoreListener, StoreTransfer } from './types';

export const EVENTS_FILE = '.datum/events.jsonl';
export const RECORDS_DIR = '.datum/store';
/** Records that live in datum.json instead of .datum/store (collection "project"). */
const IN_PROJECT_FILE = new Set(['ontology', 'settings']);
const PROJECT = 'project';

interface RecordFile {
  value?: unknown;
  revision: number;
  updatedAt: number;
  updatedBy?: string;
}

export class FolderStore implements ProjectStore, StoreTransfer {
  readonly kind = 'folder' as const;
  readonly origin = randomUUID();
  private readonly locks = new KeyedLock();
  private readonly listeners = new Set<StoreListener>();
  private seq = 0;
  /** Event appends, one at a time so line order is seq order. */
  private eventTail: Promise<unknown> = Promise.resolve();

  private constructor(readonly dir: string) {}

  /** Opens the store of a project folder; cuts a half-written trailing event line left by a crash. */
  static async open(dir: string): Promise<FolderStore> {
    const store = new FolderStore(path.resolve(dir));
    store.seq = await repairEventLog(path.join(store.dir, EVENTS_FILE));
    return store;
  }

  // ---- documents ----------------------------------------------------------------------------

  private documentFile(itemId: string): string {
    checkItemId(itemId);
    return path.join(this.dir, 'annotations', `${itemId}.json`);
  }

  async loadDocument(itemId: string): Promise<Revisioned<ItemDocument> | null> {
    const file = this.documentFile(itemId);
    const text = await readText(file);
    if (text === null) return null;
    const value = migrateDocument(text, file);
    return { value, revision: value.revision ?? 0, updatedAt: value.updatedAt ?? (await mtime(file)) };
  }

  async saveDocument(itemId: string, document: ItemDocument, expectedRevision: number, actor?: string): Promise<Revisioned<ItemDocument>> {
    const file = this.documentFile(itemId);
    checkExpected(expectedRevision);
    if (document.itemId !== itemId) throw new DatumError('BAD_REQUEST', `document is for item ${document.itemId}, not ${itemId}`);
    return this.locks.run(itemId, async () => {
      const stored = await this.storedDocumentRevision(file);
      if ((stored ?? 0) !== expectedRevision) throw documentConflict(itemId, stored, expectedRevision);
      const updatedAt = Date.now();
      const revision = expectedRevision + 1;
      const { text, value } = documentText(document, updatedAt, revision);
      await atomicWrite(file, text);
      await this.appendEvent({ kind: 'document.saved', key: itemId, revision, actor, data: { status: document.status } });
      return { value, revision, updatedAt, updatedBy: actor };
    });
  }

  /**
   * The revision on disk, or null when there is no file. An unreadable (corrupt) file counts as 0:
   * the caller has kept its bytes aside and may write over it. A file from a newer Datum is never
   * written over (migrateDocument's UNSUPPORTED).
   */
  private async storedDocumentRevision(file: string): Promise<number | null> {
    const text = await readText(file);
    if (text === null) return null;
    try {
      return migrateDocument(text, file).revision ?? 0;
    } catch (e) {
      if (e instanceof DatumError && e.code === 'BAD_FILE') return 0;
      throw e;
    }
  }

  async listDocumentIds(): Promise<string[]> {
    const names = await fs.readdir(path.join(this.dir, 'annotations')).catch(() => [] as string[]);
    return names.filter((n) => /^[0-9a-f]{16}\.json$/.test(n)).map((n) => n.slice(0, 16)).sort();
  }

  async documentStatuses(): Promise<Array<{ itemId: string; revision: number; status: string }>> {
    const out: Array<{ itemId: string; revision: number; status: string }> = [];
    for (const itemId of await this.listDocumentIds()) {
      const text = await readText(this.documentFile(itemId));
      if (text === null) continue;
      try {
        const raw = JSON.parse(text) as { status?: unknown };
        out.push({ itemId, revision: revisionOfText(text), status: typeof raw.status === 'string' ? raw.status : 'new' });
      } catch {
        /* unreadable: reported when it is loaded */
      }
    }
    return out;
  }

  // ---- records ------------------------------------------------------------------------------

  private recordFile(collection: string, id: string): string {
    return path.join(this.dir, RECORDS_DIR, collection, `${encodeURIComponent(id)}.json`);
  }

  private inProjectFile(collection: string, id: string): boolean {
    return collection === PROJECT && IN_PROJECT_FILE.has(id);
  }

  /** Both datum.json records share one lock: each write rewrites the whole file. */
  private lockKey(collection: string, id: string): string {
    return this.inProjectFile(collection, id) ? `record:${PROJECT_FILE}` : `record:${collection}/${id}`;
  }

  async getRecord<T = unknown>(collection: string, id: string): Promise<Revisioned<T> | null> {
    checkRecordKey(collection, id);
    const file = this.recordFile(collection, id);
    const meta = await readJson<RecordFile>(file);
    if (this.inProjectFile(collection, id)) {
      const project = await readProjectFile(this.dir);
      const value = project[id as 'ontology' | 'settings'] as T;
      return { value, revision: meta?.revision ?? 0, updatedAt: meta?.updatedAt ?? (await mtime(path.join(this.dir, PROJECT_FILE))), updatedBy: meta?.updatedBy };
    }
    if (!meta) return null;
    return { value: meta.value as T, revision: meta.revision, updatedAt: meta.updatedAt, updatedBy: meta.updatedBy };
  }

  async putRecord<T = unknown>(collection: string, id: string, value: T, expectedRevision: number, actor?: string): Promise<Revisioned<T>> {
    checkRecordKey(collection, id);
    checkExpected(expectedRevision);
    if (value === undefined) throw new DatumError('BAD_REQUEST', `${collection}/${id}: a record needs a value`);
    const file = this.recordFile(collection, id);
    const mapped = this.inProjectFile(collection, id);
    return this.locks.run(this.lockKey(collection, id), async () => {
      const meta = await readJson<RecordFile>(file);
      // datum.json's ontology and settings always exist (revision 0 until the first write).
      const stored = meta ? meta.revision : mapped ? 0 : null;
      if ((stored ?? 0) !== expectedRevision) throw recordConflict(collection, id, stored, expectedRevision);
      const revision = expectedRevision + 1;
      const updatedAt = Date.now();
      if (mapped) {
        const project = await readProjectFile(this.dir);
        await writeProjectFile(this.dir, { ...project, [id]: value } as ProjectFile);
        await atomicWrite(file, JSON.stringify({ revision, updatedAt, updatedBy: actor } satisfies RecordFile) + '\n');
      } else {
        await atomicWrite(file, JSON.stringify({ value, revision, updatedAt, updatedBy: actor } satisfies RecordFile) + '\n');
      }
      await this.appendEvent({ kind: 'record.put', key: `${collection}/${id}`, revision, actor });
      return { value, revision, updatedAt, updatedBy: actor };
    });
  }

  async deleteRecord(collection: string, id: string, expectedRevision: number, actor?: string): Promise<void> {
    checkRecordKey(collection, id);
    checkExpected(expectedRevision);
    if (this.inProjectFile(collection, id)) throw new DatumError('BAD_REQUEST', `the project's ${id} cannot be deleted, only replaced`);
    const file = this.recordFile(collection, id);
    return this.locks.run(this.lockKey(collection, id), async () => {
      const meta = await readJson<RecordFile>(file);
      if (!meta) throw recordMissing(collection, id);
      if (meta.revision !== expectedRevision) throw recordConflict(collection, id, meta.revision, expectedRevision);
      await fs.rm(file, { force: true });
      await this.appendEvent({ kind: 'record.deleted', key: `${collection}/${id}`, revision: expectedRevision + 1, actor });
    });
  }

  async listRecords<T = unknown>(collection: string): Promise<Array<{ id: string } & Revisioned<T>>> {
    checkRecordKey(collection, 'x');
    const dir = path.join(this.dir, RECORDS_DIR, collection);
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    const ids = new Set(names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).map((n) => decodeURIComponent(n.slice(0, -5))));
    if (collection === PROJECT) for (const id of IN_PROJECT_FILE) ids.add(id);
    const out: Array<{ id: string } & Revisioned<T>> = [];
    for (const id of [...ids].sort()) {
      const r = await this.getRecord<T>(collection, id);
      if (r) out.push({ id, ...r });
    }
    return out;
  }

  // ---- events -------------------------------------------------------------------------------

  private appendEvent(e: Omit<StoreEvent, 'seq' | 'at' | 'origin'>): Promise<void> {
    const file = path.join(this.dir, EVENTS_FILE);
    const job = this.eventTail.then(async () => {
      const event: StoreEvent = { seq: this.seq + 1, at: Date.now(), origin: this.origin, ...stripUndefined(e) };
      try {
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.appendFile(file, JSON.stringify(event) + '\n');
      } catch (err) {
        // The change itself is saved; only its log line is missing. Say so, do not fail the write.
        process.stderr.write(`datum: could not append to ${file}: ${(err as Error).message}\n`);
        return;
      }
      this.seq = event.seq;
      this.deliver(event);
    });
    this.eventTail = job.catch(() => {});
    return job;
  }

  private deliver(event: StoreEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        /* one listener's failure must not stop the others */
      }
    }
  }

  async eventsSince(seq: number, limit = 1000): Promise<StoreEvent[]> {
    await this.eventTail;
    const text = await readText(path.join(this.dir, EVENTS_FILE));
    if (!text) return [];
    const lines = text.split('\n');
    const out: StoreEvent[] = [];
    for (let i = Math.max(0, seq); i < lines.length && out.length < limit; i++) {
      if (!lines[i]) continue;
      try {
        out.push(JSON.parse(lines[i]) as StoreEvent);
      } catch {
        /* a torn line is repaired at the next open */
      }
    }
    return out;
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async broadcast(event: Omit<StoreEvent, 'seq' | 'at'>): Promise<void> {
    await this.eventTail;
    this.deliver({ ...event, seq: this.seq, at: Date.now(), origin: this.origin, ephemeral: true });
  }

  async close(): Promise<void> {
    await this.eventTail;
    this.listeners.clear();
  }

  // ---- transfer (datum project migrate) -----------------------------------------------------

  async readRawDocument(itemId: string): Promise<RawDocument | null> {
    const file = this.documentFile(itemId);
    const text = await readText(file);
    if (text === null) return null;
    let updatedAt: number | undefined;
    try {
      const u = (JSON.parse(text) as { updatedAt?: unknown }).updatedAt;
      if (typeof u === 'number') updatedAt = u;
    } catch {
      /* the caller validates the text */
    }
    return { itemId, text, revision: revisionOfText(text), updatedAt: updatedAt ?? (await mtime(file)) };
  }

  async listAllRecords(): Promise<RawRecord[]> {
    const root = path.join(this.dir, RECORDS_DIR);
    const collections = (await fs.readdir(root).catch(() => [] as string[])).filter((c) => /^[a-z][a-z0-9_]*$/.test(c));
    if (!collections.includes(PROJECT)) collections.push(PROJECT);
    const out: RawRecord[] = [];
    for (const collection of collections.sort()) {
      for (const r of await this.listRecords(collection)) out.push({ collection, id: r.id, value: r.value, revision: r.revision, updatedAt: r.updatedAt, updatedBy: r.updatedBy });
    }
    return out;
  }

  async importRaw(documents: RawDocument[], records: RawRecord[], actor?: string): Promise<void> {
    const staged: Array<{ tmp: string; target: string }> = [];
    try {
      for (const d of documents) staged.push(await stage(this.documentFile(d.itemId), d.text));
      const mapped = records.filter((r) => this.inProjectFile(r.collection, r.id));
      if (mapped.length) {
        const project = await readProjectFile(this.dir);
        const next = { ...project } as ProjectFile;
        for (const r of mapped) (next as Record<string, unknown>)[r.id] = r.value;
        staged.push(await stage(path.join(this.dir, PROJECT_FILE), JSON.stringify(projectFileValue(next), null, 1) + '\n'));
      }
      for (const r of records) {
        checkRecordKey(r.collection, r.id);
        const meta: RecordFile = this.inProjectFile(r.collection, r.id)
          ? { revision: r.revision, updatedAt: r.updatedAt, updatedBy: r.updatedBy }
          : { value: r.value, revision: r.revision, updatedAt: r.updatedAt, updatedBy: r.updatedBy };
        staged.push(await stage(this.recordFile(r.collection, r.id), JSON.stringify(meta) + '\n'));
      }
    } catch (e) {
      await Promise.all(staged.map((s) => fs.rm(s.tmp, { force: true })));
      throw e;
    }
    for (const s of staged) await fs.rename(s.tmp, s.target);
    await this.appendEvent({ kind: 'store.imported', key: '*', actor, data: { documents: documents.length, records: records.length } });
  }
}

/** datum.json as writeProjectFile writes it (validated, fields in schema order). */
function projectFileValue(p: ProjectFile): ProjectFile {
  return ProjectFile.parse(p);
}

async function stage(target: string, text: string): Promise<{ tmp: string; target: string }> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const h = await fs.open(tmp, 'w', 0o644);
  try {
    await h.writeFile(text);
    await h.sync();
  } finally {
    await h.close();
  }
  return { tmp, target };
}

/** Cuts a half-written last line (a crash mid-append); returns the number of whole lines (= last seq). */
async function repairEventLog(file: string): Promise<number> {
  const buf = await fs.readFile(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (!buf || !buf.length) return 0;
  let lines = 0;
  for (const b of buf) if (b === 0x0a) lines++;
  if (buf[buf.length - 1] !== 0x0a) await fs.truncate(file, buf.lastIndexOf(0x0a) + 1);
  return lines;
}

async function readText(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

async function readJson<T>(file: string): Promise<T | null> {
  const text = await readText(file);
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new DatumError('BAD_FILE', `${file}: invalid JSON (${(e as Error).message})`);
  }
}

async function mtime(file: string): Promise<number> {
  return Math.floor((await fs.stat(file).catch(() => null))?.mtimeMs ?? 0);
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
