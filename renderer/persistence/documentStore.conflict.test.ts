/**
 * Two people on one item, for real: a real headless host (in-process) over real WebSockets, each
 * client with its own IndexedDB (fake-indexeddb, same Dexie code as the browser). Before
 * revisions, the last writer's document replaced the other's silently.
 */
import 'fake-indexeddb/auto';
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHostServices } from '../../main/hostServices';
import { startHeadlessHost, type HeadlessHost } from '../../main/server/headlessHost';
import { createClient, RpcError, type RpcClient } from '../transport/client';
import { DatumDB } from './db';
import { DocumentStore, type DocumentStoreHooks } from './documentStore';
import { nodeWsTransport } from './testing/nodeWsTransport';
import type { AnnotationObject, ItemDocument } from '../../core/document/schema';
import type { MergeConflict } from '../../core/document/merge';

const hosts: HeadlessHost[] = [];
const closers: Array<() => void> = [];
afterAll(async () => {
  closers.forEach((c) => c());
  for (const h of hosts) await h.close();
});

async function boot() {
  const projectDir = mkdtempSync(path.join(os.tmpdir(), 'conflict-'));
  writeFileSync(path.join(projectDir, 'a.png'), 'x');
  const renderer = mkdtempSync(path.join(os.tmpdir(), 'r-'));
  writeFileSync(path.join(renderer, 'index.html'), '');
  const s = createHostServices({ userDataDir: null, host: 'headless' });
  await s.projects.create(projectDir);
  await s.projects.refreshIndex(() => {}, new AbortController().signal);
  const host = await startHeadlessHost({ router: s.router, projects: s.projects, rendererDir: renderer, token: 't' });
  hosts.push(host);
  const itemId = s.projects.listItems({ offset: 0, limit: 10 }).items[0].id;
  const file = path.join(projectDir, 'annotations', `${itemId}.json`);
  let n = 0;
  const client = (): RpcClient => {
    const t = nodeWsTransport(`ws://127.0.0.1:${host.port}/rpc?token=t`);
    closers.push(t.close);
    return createClient(t);
  };
  const store = (hooks: DocumentStoreHooks = {}) => new DocumentStore(client(), projectDir, new DatumDB(`conflict-${process.pid}-${Date.now()}-${n++}`), 60_000, () => {}, hooks);
  const onDisk = (): ItemDocument => JSON.parse(readFileSync(file, 'utf8'));
  return { projectDir, itemId, file, store, client, onDisk };
}

const box = (id: string, x = 0): AnnotationObject => ({
  id,
  label: 'car',
  frame: 0,
  geometry: { kind: 'box2d', x1: x, y1: 0, x2: x + 10, y2: 10 },
  attributes: {},
  source: { kind: 'human' },
  zOrder: 0,
});
const withObjects = (d: ItemDocument, objects: AnnotationObject[]): ItemDocument => ({ ...d, objects });

/** What an editor does: keep the document it shows, replace it when the store says so. */
function editor(store: DocumentStore, itemId: string) {
  let doc: ItemDocument;
  let seq = 0;
  return {
    async open() {
      doc = (await store.load(itemId)).document;
    },
    get doc() {
      return doc;
    },
    set doc(d: ItemDocument) {
      doc = d;
    },
    async edit(f: (d: ItemDocument) => ItemDocument) {
      doc = f(doc);
      await store.commit(itemId, doc, 'edit', {});
      await store.flush(itemId, doc, ++seq);
    },
  };
}

describe('two editors on one item', () => {
  it('each adds an object and saves, five times in turn: all ten objects are kept', async () => {
    const w = await boot();
    let a!: ReturnType<typeof editor>;
    let b!: ReturnType<typeof editor>;
    const sa = w.store({ onRemoteChange: (_id, d) => (a.doc = d) });
    const sb = w.store({ onRemoteChange: (_id, d) => (b.doc = d) });
    a = editor(sa, w.itemId);
    b = editor(sb, w.itemId);
    await a.open();
    await b.open();
    for (let i = 0; i < 5; i++) {
      await a.edit((d) => withObjects(d, [...d.objects, box(`a${i}`, i)]));
      await b.edit((d) => withObjects(d, [...d.objects, box(`b${i}`, i)]));
    }
    const ids = w.onDisk().objects.map((o) => o.id).sort();
    expect(ids).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2', 'b3', 'b4']);
    expect(w.onDisk().revision).toBe(10);
  });

  it('saving a stale empty document does not wipe the item', async () => {
    const w = await boot();
    const stale = w.store();
    const staleDoc = (await stale.load(w.itemId)).document;
    const other = editor(w.store(), w.itemId);
    await other.open();
    await other.edit((d) => withObjects(d, [box('x1'), box('x2'), box('x3')]));
    await stale.commit(w.itemId, withObjects(staleDoc, []), 'clear nothing', {});
    await stale.flush(w.itemId, withObjects(staleDoc, []), 1);
    expect(w.onDisk().objects.map((o) => o.id)).toEqual(['x1', 'x2', 'x3']);
  });

  it('the same object edited on both sides asks the user, and their answer is saved', async () => {
    for (const answer of ['theirs', 'mine'] as const) {
      const w = await boot();
      const first = editor(w.store(), w.itemId);
      await first.open();
      await first.edit((d) => withObjects(d, [box('car1', 0)]));
      const asked: MergeConflict[][] = [];
      const a = editor(w.store({ onConflict: async (_id, c) => (asked.push(c), () => answer) }), w.itemId);
      const b = editor(w.store(), w.itemId);
      await a.open();
      await b.open();
      await b.edit((d) => withObjects(d, [box('car1', 50)])); // they move it right
      await a.edit((d) => withObjects(d, [box('car1', -50), box('car2', 5)])); // I move it left and add one
      expect(asked).toHaveLength(1);
      expect(asked[0].map((c) => c.key)).toEqual(['car1']);
      const saved = w.onDisk().objects;
      expect(saved.map((o) => o.id).sort()).toEqual(['car1', 'car2']);
      const x1 = (saved.find((o) => o.id === 'car1')!.geometry as { x1: number }).x1;
      expect(x1).toBe(answer === 'theirs' ? 50 : -50);
    }
  });

  it('an editor with nothing unsaved is refreshed when someone else saves', async () => {
    const w = await boot();
    const seen: ItemDocument[] = [];
    const watcher = w.store({ onRemoteChange: (_id, d, change) => change.reloaded && seen.push(d) });
    await watcher.load(w.itemId);
    const other = editor(w.store(), w.itemId);
    await other.open();
    await other.edit((d) => withObjects(d, [box('new')]));
    await expect.poll(() => seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)!.objects.map((o) => o.id)).toEqual(['new']);
  });

  it('a save based on an old revision is refused with CONFLICT and writes nothing', async () => {
    const w = await boot();
    const rpc = w.client();
    const doc = await rpc.call('annotations.load', { itemId: w.itemId });
    await rpc.call('annotations.save', { itemId: w.itemId, document: withObjects(doc, [box('one')]), baseRevision: 0 });
    const before = readFileSync(w.file);
    const err = await rpc.call('annotations.save', { itemId: w.itemId, document: withObjects(doc, []), baseRevision: 0 }).catch((e) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).code).toBe('CONFLICT');
    expect(readFileSync(w.file).equals(before)).toBe(true);
  });

  it('saving over a corrupt annotation file keeps its bytes beside it first', async () => {
    const w = await boot();
    const rpc = w.client();
    const doc = await rpc.call('annotations.load', { itemId: w.itemId });
    await rpc.call('annotations.save', { itemId: w.itemId, document: withObjects(doc, [box('one')]) });
    writeFileSync(w.file, '{"schemaVersion": 1, "itemId": tru');
    await rpc.call('annotations.save', { itemId: w.itemId, document: withObjects(doc, [box('two')]) });
    expect(w.onDisk().objects.map((o) => o.id)).toEqual(['two']);
    const kept = readdirSync(path.dirname(w.file)).filter((f) => f.startsWith(`${w.itemId}.json.corrupt-`));
    expect(kept).toHaveLength(1);
    expect(readFileSync(path.join(path.dirname(w.file), kept[0]), 'utf8')).toBe('{"schemaVersion": 1, "itemId": tru');
  });
});
