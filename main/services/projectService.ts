/**
 * The open project: its manifest, its item index (in memory, cached on disk under .datum/) and
 * its annotation documents, ontology and settings, which live in the project's store
 * (services/store: the folder itself, or PostgreSQL for a team). One instance per host process;
 * hosts inject userData and grants. Changes another host makes to the same store arrive as store
 * events and are told to this host's connections as the usual 'item.changed' / 'project.changed'.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { ExternalSource, ItemSummary, ListItemsInput, ProjectInfo, SourceSpec } from '../../preload/contract';
import { ItemDocument, emptyDocument, type Ontology } from '../../core/document/schema';
import { DatumError } from '../rpc/errors';
import { EventHub } from '../rpc/events';
import { atomicWriteJson, removeStaleTemps } from './atomicWrite';
import { indexSources, type IndexResult } from './indexer';
import { exportFolders } from './exportRecord';
import { joinRegions, readRegions, writeRegions, type RegionRecord } from './geoRegions';
import { PathGuard, canonical, isInside } from './pathGuard';
import type { SourceConsent } from './grants';
import {
  PROJECT_FILE,
  PROJECT_SCHEMA_VERSION,
  defaultOntology,
  readProjectFile,
  writeProjectFile,
  type ProjectFile,
} from './projectFile';
import { openStore } from './store/openStore';
import type { ProjectStore, StoreEvent, StoreListener } from './store/types';

const INDEX_FILE = '.datum/index.json';
const INDEX_VERSION = 1;

interface OpenProject {
  dir: string;
  file: ProjectFile;
  items: ItemSummary[];
  byId: Map<string, ItemSummary>;
  indexStale: boolean;
  /** Sources outside the project folder and whether the user let the app read them. */
  external: ExternalSource[];
  /** Where documents, ontology and settings live. */
  store: ProjectStore;
  /** Revisions of the ontology and settings records `file` holds. */
  revisions: { ontology: number; settings: number };
  unsubscribe: () => void;
}

type ProjectRecord = 'ontology' | 'settings';

export interface ProjectServiceOptions {
  /**
   * `datum serve <dir> --database URL`: that project's store is this PostgreSQL database, however
   * it is opened (also again from the page). Other folders use their datum.json's `database`, else
   * the folder: one database holds one project.
   */
  database?: { url: string; projectDir: string };
}

export class ProjectService {
  private project: OpenProject | null = null;
  private indexWrite: Promise<void> = Promise.resolve();
  /** A write is queued behind the running one and has not read `items` yet (persistIndex). */
  private indexQueued = false;

  /** Events every connection hears (item documents written, ...); the router subscribes. */
  readonly events = new EventHub();
  /** Raw store events of whichever project is open (team features: presence, jobs, ...). */
  private readonly storeListeners = new Set<StoreListener>();

  /**
   * `consent` decides about sources outside the project folder; without it (tests, tools that
   * only touch the project folder) every such source stays pending.
   */
  constructor(
    readonly guard: PathGuard,
    private readonly consent: SourceConsent | null = null,
    private readonly options: ProjectServiceOptions = {},
  ) {}

  /** The open project's store (documents, records, events); NO_PROJECT when none is open. */
  requireStore(): ProjectStore {
    return this.requireProject().store;
  }

  /** Every event of the open project's store, this host's and other hosts', across project switches. */
  onStoreEvent(listener: StoreListener): () => void {
    this.storeListeners.add(listener);
    return () => this.storeListeners.delete(listener);
  }

  current(): ProjectInfo | null {
    return this.project ? this.info(this.project) : null;
  }

  requireProject(): OpenProject {
    if (!this.project) throw new DatumError('NO_PROJECT', 'no project is open');
    return this.project;
  }

  /**
   * Open a folder holding datum.json. The caller has checked the grant. Sources inside the
   * project folder are readable at once; a source elsewhere (datum.json is the dataset author's,
   * so `"path": "/etc"` must not expose /etc) stays pending (not readable, not indexed, its cached
   * items hidden) until the user consents with `grantSources`.
   */
  async open(dir: string): Promise<ProjectInfo> {
    const abs = canonical(dir);
    const file = await readProjectFile(abs);
    await removeStaleTemps(abs);
    await removeStaleTemps(path.join(abs, 'annotations'));
    const forced = this.options.database && canonical(this.options.database.projectDir) === abs ? this.options.database.url : undefined;
    const store = await openStore(abs, forced ?? file.database);
    let p: OpenProject;
    try {
      const [ontology, settings] = await Promise.all([store.getRecord<Ontology>('project', 'ontology'), store.getRecord<ProjectFile['settings']>('project', 'settings')]);
      // On a database that has no ontology yet (nothing migrated), datum.json's stands in until the first change.
      if (ontology) file.ontology = ontology.value;
      if (settings) file.settings = settings.value;
      const external = await this.externalSources(abs, file.sources);
      const readable = (sourceId: string) => !external.some((e) => e.id === sourceId && e.status === 'pending');
      const cached = (await this.readIndexCache(abs)).filter((i) => readable(i.source));
      const items = joinRegions(cached, await readRegions(abs), new Map(cached.map((i) => [i.id, i])));
      p = {
        dir: abs,
        file,
        items,
        byId: new Map(items.map((i) => [i.id, i])),
        indexStale: true,
        external,
        store,
        revisions: { ontology: ontology?.revision ?? 0, settings: settings?.revision ?? 0 },
        unsubscribe: () => {},
      };
      await this.applyStoredStatuses(p);
    } catch (e) {
      await store.close().catch(() => {});
      throw e;
    }
    // The previous project's roots go: only this project and its readable sources are reachable.
    void this.close();
    this.guard.grant(abs);
    for (const s of file.sources) if (!p.external.some((e) => e.id === s.id && e.status === 'pending')) this.guard.grant(this.sourcePath(abs, s));
    p.unsubscribe = store.subscribe((e) => this.storeEvent(p, e));
    this.project = p;
    return this.info(p);
  }

  /**
   * Another host's writes: statuses come from the store (the index cache on disk is this host's).
   * The folder back end is only ever written by this process, whose index is already current.
   */
  private async applyStoredStatuses(p: OpenProject): Promise<void> {
    if (p.store.kind === 'folder') return;
    for (const s of await p.store.documentStatuses()) {
      const item = p.byId.get(s.itemId);
      if (item) item.status = s.status as ItemSummary['status'];
    }
  }

  /** A store event: tell this host's connections about changes made elsewhere (own writes publish directly). */
  private storeEvent(p: OpenProject, e: StoreEvent): void {
    for (const l of [...this.storeListeners]) {
      try {
        l(e);
      } catch {
        /* a listener's failure must not stop the others */
      }
    }
    if (this.project !== p || e.ephemeral || e.origin === p.store.origin) return;
    if (e.kind === 'document.saved') {
      const status = typeof e.data?.status === 'string' ? (e.data.status as ItemSummary['status']) : null;
      const item = p.byId.get(e.key);
      const moved = !!item && !!status && item.status !== status;
      if (moved) item!.status = status!;
      this.events.publish('item.changed', { itemId: e.key, revision: e.revision ?? 0, status: status ?? item?.status ?? 'new' });
      // Lists and the reviewer queue filter by status.
      if (moved) this.events.publish('project.changed', { reason: 'review' });
    } else if (e.kind === 'record.put' && (e.key === 'project/ontology' || e.key === 'project/settings')) {
      void this.reloadProjectRecord(p, e.key.slice('project/'.length) as ProjectRecord).catch(() => {});
    } else if (e.kind === 'store.imported') {
      void (async () => {
        await this.reloadProjectRecord(p, 'ontology');
        await this.reloadProjectRecord(p, 'settings');
        await this.applyStoredStatuses(p);
        this.events.publish('project.changed', { reason: 'index' });
      })().catch(() => {});
    }
  }

  private async reloadProjectRecord(p: OpenProject, id: ProjectRecord): Promise<void> {
    const r = await p.store.getRecord('project', id);
    if (!r || r.revision <= p.revisions[id] || this.project !== p) return;
    p.file = { ...p.file, [id]: r.value };
    p.revisions[id] = r.revision;
    this.events.publish('project.changed', { reason: id });
  }

  /**
   * Writes the ontology or the settings as the next revision of what the store holds now. A
   * concurrent change from another host (CONFLICT) is re-read and `next` applied again.
   */
  private async putProjectRecord<T>(p: OpenProject, id: ProjectRecord, next: (current: T) => T): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const current = await p.store.getRecord<T>('project', id);
      const base = current ? current.value : (p.file[id] as T);
      const revision = current?.revision ?? 0;
      try {
        const saved = await p.store.putRecord('project', id, next(base), revision);
        p.file = { ...p.file, [id]: saved.value };
        p.revisions[id] = saved.revision;
        return;
      } catch (e) {
        if (!(e instanceof DatumError && e.code === 'CONFLICT') || attempt >= 4) throw e;
      }
    }
  }

  private async externalSources(dir: string, sources: SourceSpec[]): Promise<ExternalSource[]> {
    const out: ExternalSource[] = [];
    for (const s of sources) {
      const abs = this.sourcePath(dir, s);
      if (isInside(abs, dir)) continue;
      out.push({ id: s.id, path: abs, status: this.consent ? await this.consent.sourceStatus(dir, abs) : 'pending' });
    }
    return out;
  }

  /** The user consents to reading these outside sources of the open project (stored per project). */
  async grantSources(ids: string[]): Promise<ProjectInfo> {
    const p = this.requireProject();
    if (!this.consent) throw new DatumError('UNSUPPORTED', 'this host cannot store source grants');
    const wanted = ids.map((id) => {
      const e = p.external.find((x) => x.id === id);
      if (!e) throw new DatumError('NOT_FOUND', `no source "${id}" outside the project folder`);
      return e;
    });
    await this.consent.grantSources(p.dir, wanted.map((e) => e.path));
    for (const e of wanted) this.guard.grant(e.path);
    p.external = await this.externalSources(p.dir, p.file.sources);
    p.indexStale = true; // its items appear with the next index refresh
    return this.info(p);
  }

  /** Withdraw the stored consent: the source is unreadable again and its items leave the index. */
  async revokeSource(id: string): Promise<ProjectInfo> {
    const p = this.requireProject();
    const e = p.external.find((x) => x.id === id);
    if (!e) throw new DatumError('NOT_FOUND', `no source "${id}" outside the project folder`);
    if (e.status !== 'granted') throw new DatumError('BAD_REQUEST', `source "${id}" has no stored grant to revoke${e.status === 'allowed' ? ' (it is allowed by --allow for this run only)' : ''}`);
    await this.consent!.revokeSource(p.dir, e.path);
    p.external = await this.externalSources(p.dir, p.file.sources);
    if (p.external.find((x) => x.id === id)?.status === 'pending') {
      this.guard.revoke(e.path);
      p.items = p.items.filter((i) => i.source !== id);
      p.byId = new Map(p.items.map((i) => [i.id, i]));
      await this.persistIndex(p);
    }
    return this.info(p);
  }

  /**
   * Make a project over a dataset folder. The manifest goes into the folder itself, the dataset
   * is the project's only source ("."), nothing is copied. An existing project is just opened.
   */
  async create(dir: string, name?: string): Promise<ProjectInfo> {
    const abs = canonical(dir);
    const st = await fs.stat(abs).catch(() => null);
    if (!st || !st.isDirectory()) throw new DatumError('NOT_FOUND', `${dir}: not a folder`);
    const exists = await fs.stat(path.join(abs, PROJECT_FILE)).catch(() => null);
    if (!exists) {
      await writeProjectFile(abs, {
        schemaVersion: PROJECT_SCHEMA_VERSION,
        name: name ?? path.basename(abs),
        ontology: defaultOntology(),
        sources: [{ id: 'main', path: '.' }],
        settings: {},
        createdAt: Date.now(),
      });
    }
    return this.open(abs);
  }

  /** Closes the project; the promise settles when its store is closed (its pool ended, its log flushed). */
  close(): Promise<void> {
    const p = this.project;
    this.project = null;
    this.guard.revokeAll();
    if (!p) return Promise.resolve();
    p.unsubscribe();
    return p.store.close().catch(() => {});
  }

  async updateOntology(ontology: Ontology): Promise<ProjectInfo> {
    const p = this.requireProject();
    const ids = new Set<string>();
    for (const l of ontology.labels) {
      if (ids.has(l.id)) throw new DatumError('BAD_REQUEST', `duplicate label id "${l.id}"`);
      ids.add(l.id);
    }
    // A replacement, as before: the last writer's ontology wins (the store keeps the revision).
    await this.putProjectRecord<Ontology>(p, 'ontology', () => ontology);
    return this.info(p);
  }

  async updateSettings(settings: ProjectFile['settings']): Promise<ProjectInfo> {
    const p = this.requireProject();
    // A patch: applied to the stored settings, so another host's change to other keys survives.
    await this.putProjectRecord<ProjectFile['settings']>(p, 'settings', (current) => ({ ...current, ...settings }));
    return this.info(p);
  }

  async refreshIndex(progress: (done: number, total: number | null, phase: string) => void, signal: AbortSignal): Promise<IndexResult> {
    const p = this.requireProject();
    // Pending sources (outside the project, no consent yet) are not scanned.
    const pending = new Set(p.external.filter((e) => e.status === 'pending').map((e) => e.id));
    const sources = p.file.sources.filter((spec) => !pending.has(spec.id)).map((spec) => ({ spec, absPath: this.sourcePath(p.dir, spec) }));
    const exclude = await exportFolders(p.dir);
    const result = await indexSources(sources, p.items, (scanned, found) => progress(scanned, null, `indexing: ${found} items`), signal, exclude);
    if (this.project !== p) throw new DatumError('CANCELLED', 'the project was closed during indexing');
    p.items = joinRegions(result.items, await readRegions(p.dir), p.byId);
    p.byId = new Map(p.items.map((i) => [i.id, i]));
    p.indexStale = false;
    await this.applyStoredStatuses(p);
    await this.persistIndex(p);
    return result;
  }

  listItems(q: z.output<typeof ListItemsInput>): { total: number; items: ItemSummary[] } {
    const p = this.requireProject();
    const modality = q.modality ? new Set(q.modality) : null;
    const status = q.status ? new Set(q.status) : null;
    const search = q.search?.toLowerCase();
    const filtered =
      modality || status || search
        ? p.items.filter(
            (i) =>
              (!modality || modality.has(i.modality)) &&
              (!status || status.has(i.status)) &&
              (!search || i.name.toLowerCase().includes(search)),
          )
        : p.items;
    return { total: filtered.length, items: filtered.slice(q.offset, q.offset + q.limit) };
  }

  getItem(id: string): ItemSummary {
    const item = this.requireProject().byId.get(id);
    if (!item) throw new DatumError('NOT_FOUND', `no item with id ${id}`);
    return item;
  }

  /** Absolute path of an item (or of a file inside a sequence item), confined to its source. */
  itemPath(id: string, inner?: string): string {
    const p = this.requireProject();
    const item = this.getItem(id);
    const spec = p.file.sources.find((s) => s.id === item.source)!;
    const root = this.sourcePath(p.dir, spec);
    // a region item reads its parent's file (no pixel copy)
    const name = item.region ? this.getItem(item.region.parent).name : item.name;
    const rel = inner ? `${name}/${inner}` : name;
    return this.guard.check(path.join(root, rel));
  }

  /** Record new region items (geo.split) in regions.json and add them to the index after their parent. */
  async addRegions(records: RegionRecord[]): Promise<ItemSummary[]> {
    const p = this.requireProject();
    const all = [...(await readRegions(p.dir)), ...records];
    await writeRegions(p.dir, all);
    p.items = joinRegions(p.items, all, p.byId);
    p.byId = new Map(p.items.map((i) => [i.id, i]));
    await this.persistIndex(p);
    return records.map((r) => p.byId.get(r.id)!);
  }

  /** The region items of a parent item, in grid order. */
  regionsOf(parentId: string): ItemSummary[] {
    return this.requireProject().items.filter((i) => i.region?.parent === parentId);
  }

  /** Absolute path of a file relative to an item's source (companions such as calibration). */
  sourceFile(sourceId: string, rel: string): string {
    const p = this.requireProject();
    const spec = p.file.sources.find((s) => s.id === sourceId);
    if (!spec) throw new DatumError('NOT_FOUND', `no source ${sourceId}`);
    if (p.external.some((e) => e.id === sourceId && e.status === 'pending')) {
      throw new DatumError('FORBIDDEN', `source "${sourceId}" is outside the project folder and has not been allowed`);
    }
    return this.guard.check(path.join(this.sourcePath(p.dir, spec), rel));
  }

  async loadAnnotations(itemId: string): Promise<ItemDocument> {
    const p = this.requireProject();
    this.getItem(itemId);
    const stored = await p.store.loadDocument(itemId);
    return stored ? stored.value : emptyDocument(itemId);
  }

  /**
   * Saves an item's document as the next revision of `doc` (callers pass a document based on what
   * they loaded, so its `revision` is the stored one; if the store holds another revision by now,
   * that is a CONFLICT and nothing is written) and tells every connection.
   */
  async saveAnnotations(itemId: string, doc: ItemDocument, actor?: string): Promise<number> {
    const p = this.requireProject();
    const item = this.getItem(itemId);
    if (doc.itemId !== itemId) throw new DatumError('BAD_REQUEST', `document is for item ${doc.itemId}, not ${itemId}`);
    const saved = await p.store.saveDocument(itemId, doc, doc.revision ?? 0, actor);
    if (item.status !== doc.status) {
      item.status = doc.status;
      this.persistIndex(p).catch(() => {});
    }
    this.events.publish('item.changed', { itemId, revision: saved.revision, status: doc.status });
    return saved.updatedAt;
  }

  /**
   * For project-wide passes (QA, review queue, metrics): one unreadable annotation file is
   * reported by name and skipped, instead of failing the whole pass.
   */
  async loadAnnotationsOrProblem(itemId: string): Promise<{ document: ItemDocument; problem?: undefined } | { document?: undefined; problem: string }> {
    try {
      return { document: await this.loadAnnotations(itemId) };
    } catch (e) {
      if (e instanceof DatumError && (e.code === 'BAD_FILE' || e.code === 'UNSUPPORTED')) return { problem: e.message };
      throw e;
    }
  }

  /** Keeps the bytes of an unreadable annotation file as `<id>.json.corrupt-<time>` before it is replaced. */
  async quarantineAnnotations(itemId: string): Promise<string | null> {
    const p = this.requireProject();
    // A database only ever holds documents that were valid when written.
    if (p.store.kind !== 'folder') return null;
    const file = this.annotationFile(p, itemId);
    const kept = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await fs.copyFile(file, kept);
      return kept;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }


  private annotationFile(p: OpenProject, itemId: string): string {
    if (!/^[0-9a-f]{16}$/.test(itemId)) throw new DatumError('BAD_REQUEST', `invalid item id "${itemId}"`);
    return path.join(p.dir, 'annotations', `${itemId}.json`);
  }

  private sourcePath(projectDir: string, spec: SourceSpec): string {
    return canonical(path.resolve(projectDir, spec.path));
  }

  private info(p: OpenProject): ProjectInfo {
    return {
      path: p.dir,
      name: p.file.name,
      schemaVersion: p.file.schemaVersion,
      ontology: p.file.ontology,
      sources: p.file.sources,
      settings: p.file.settings,
      itemCount: p.items.length,
      indexStale: p.indexStale,
      externalSources: p.external,
    };
  }

  private async readIndexCache(dir: string): Promise<ItemSummary[]> {
    try {
      const raw = JSON.parse(await fs.readFile(path.join(dir, INDEX_FILE), 'utf8'));
      if (raw?.version === INDEX_VERSION && Array.isArray(raw.items)) return raw.items as ItemSummary[];
    } catch {
      /* no cache or a broken one: the refresh rebuilds it */
    }
    return [];
  }

  /**
   * Index writes are serialized so two refreshes never interleave their renames, and coalesced: a
   * write that is queued but not started yet serializes `p.items` when it starts, so it already
   * carries every later change and a second one is not queued. (Pre-labelling changes one item's
   * status per image: on a 100,000-item project each full write cost ~100 ms of CPU, 100 images
   * queued 100 writes, ~59 s until the index was on disk; docs/performance.md.)
   */
  private persistIndex(p: OpenProject): Promise<void> {
    if (this.indexQueued) return this.indexWrite;
    this.indexQueued = true;
    this.indexWrite = this.indexWrite
      .catch(() => {})
      .then(() => {
        this.indexQueued = false;
        return atomicWriteJson(path.join(p.dir, INDEX_FILE), { version: INDEX_VERSION, items: p.items });
      });
    return this.indexWrite;
  }
}
