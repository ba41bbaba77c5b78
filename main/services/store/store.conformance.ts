/**
 * The contract of ProjectStore (types.ts), run against every back end: folderStore.test.ts and
 * pgStore.test.ts call `storeConformance` with a factory for fresh, empty stores. A back end
 * passes only if it behaves like the other one: same revisions, same CONFLICT messages, same
 * event order, same bytes for a document.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DOCUMENT_SCHEMA_VERSION, emptyDocument, type ItemDocument } from '../../../core/document/schema';
import { DatumError } from '../../rpc/errors';
import type { ProjectStore, StoreEvent, StoreTransfer } from './types';

export type TestStore = ProjectStore & StoreTransfer;

export interface StoreFactory {
  /** A fresh, empty store with the project's ontology and settings present (as a project has). */
  make(): Promise<TestStore>;
  cleanup?(): Promise<void>;
}

let counter = 0;
/** A fresh 16-hex item id per call (stores are shared within a test file). */
export function itemId(): string {
  counter++;
  return (Date.now().toString(16) + counter.toString(16).padStart(6, '0')).slice(-16).padStart(16, '0');
}

/** A document with some real content: a box, unicode, non-integer numbers, review history. */
export function sampleDocument(id: string, n = 1): ItemDocument {
  return {
    ...emptyDocument(id),
    status: n % 2 ? 'in_progress' : 'submitted',
    objects: Array.from({ length: n }, (_, i) => ({
      id: `o${i}`,
      label: i % 2 ? 'pedestrian' : 'car',
      geometry: { kind: 'box2d' as const, x1: 0.1 * i, y1: 1 / 3, x2: 10.5 + i, y2: 20.25 },
      frame: 0,
      attributes: { note: 'vélo — 自行车', occluded: i % 2 === 0 },
      source: { kind: 'human' as const },
      zOrder: 0,
    })),
    history: [{ from: 'new', to: 'in_progress', by: 'ann', at: 1_700_000_000_000 }],
  } as ItemDocument;
}

async function conflictOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DatumError);
    expect((e as DatumError).code).toBe('CONFLICT');
    return (e as DatumError).message;
  }
  throw new Error('expected a CONFLICT');
}

export function storeConformance(name: string, factory: StoreFactory): void {
  describe(`ProjectStore conformance: ${name}`, () => {
    const opened: TestStore[] = [];
    const make = async () => {
      const s = await factory.make();
      opened.push(s);
      return s;
    };
    afterAll(async () => {
      for (const s of opened) await s.close().catch(() => {});
      await factory.cleanup?.();
    });

    it('saves a new document at revision 1 and loads exactly what it saved', async () => {
      const store = await make();
      const id = itemId();
      expect(await store.loadDocument(id)).toBeNull();
      const doc = sampleDocument(id, 3);
      const saved = await store.saveDocument(id, doc, 0, 'ann');
      expect(saved.revision).toBe(1);
      expect(saved.value.revision).toBe(1);
      expect(saved.value.updatedAt).toBe(saved.updatedAt);
      const loaded = await store.loadDocument(id);
      expect(loaded?.revision).toBe(1);
      expect(loaded?.value).toEqual(saved.value);
      expect(loaded?.value.objects[0].attributes.note).toBe('vélo — 自行车');
      expect(await store.listDocumentIds()).toContain(id);
      expect(await store.documentStatuses()).toContainEqual({ itemId: id, revision: 1, status: 'in_progress' });
    });

    it('stores the exact text of the folder format', async () => {
      const store = await make();
      const id = itemId();
      const saved = await store.saveDocument(id, sampleDocument(id, 2), 0);
      const raw = await store.readRawDocument(id);
      expect(raw?.text).toBe(JSON.stringify(saved.value, null, 1) + '\n');
      expect(raw?.revision).toBe(1);
    });

    it('answers a stale write with CONFLICT naming the stored revision, and writes nothing', async () => {
      const store = await make();
      const id = itemId();
      await store.saveDocument(id, sampleDocument(id, 1), 0);
      const second = await store.saveDocument(id, sampleDocument(id, 2), 1);
      expect(second.revision).toBe(2);
      const msg = await conflictOf(store.saveDocument(id, sampleDocument(id, 5), 1));
      expect(msg).toBe(`item ${id} was changed by someone else (revision 2 is stored, the write expected 1)`);
      expect(await conflictOf(store.saveDocument(id, sampleDocument(id, 5), 0))).toMatch(/revision 2 is stored, the write expected 0/);
      const absent = itemId();
      expect(await conflictOf(store.saveDocument(absent, sampleDocument(absent), 3))).toBe(`item ${absent} has no saved document (the write expected revision 3)`);
      const loaded = await store.loadDocument(id);
      expect(loaded?.revision).toBe(2);
      expect(loaded?.value.objects).toHaveLength(2);
    });

    it('refuses a document for another item and bad ids', async () => {
      const store = await make();
      const id = itemId();
      await expect(store.saveDocument(id, sampleDocument(itemId()), 0)).rejects.toThrow(/document is for item/);
      await expect(store.loadDocument('../../etc/passwd')).rejects.toThrow(/invalid item id/);
    });

    it('lets exactly one of many concurrent writers win each revision', async () => {
      const store = await make();
      const id = itemId();
      let revision = 0;
      const rounds = 5;
      const writers = 12;
      for (let round = 0; round < rounds; round++) {
        const results = await Promise.allSettled(Array.from({ length: writers }, (_, w) => store.saveDocument(id, sampleDocument(id, w + 1), revision, `w${w}`)));
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(writers - 1);
        for (const l of lost) expect((l.reason as DatumError).code).toBe('CONFLICT');
        const winner = (won[0] as PromiseFulfilledResult<{ revision: number; value: ItemDocument }>).value;
        expect(winner.revision).toBe(revision + 1);
        // What is stored is the winner's document, not a mix.
        const loaded = await store.loadDocument(id);
        expect(loaded?.value.objects.length).toBe(winner.value.objects.length);
        revision = winner.revision;
      }
      expect((await store.loadDocument(id))?.revision).toBe(rounds);
    });

    it('records: create, compare-and-swap, delete, list', async () => {
      const store = await make();
      const col = 'widgets';
      expect(await store.getRecord(col, 'a')).toBeNull();
      const a1 = await store.putRecord(col, 'a', { n: 1, name: 'ünï', list: [1, 2.5, null] }, 0, 'mgr');
      expect(a1.revision).toBe(1);
      expect(await conflictOf(store.putRecord(col, 'a', { n: 2 }, 0))).toBe(`${col}/a was changed by someone else (revision 1 is stored, the write expected 0)`);
      const a2 = await store.putRecord(col, 'a', { n: 2 }, 1, 'mgr');
      expect(a2.revision).toBe(2);
      expect((await store.getRecord(col, 'a'))?.value).toEqual({ n: 2 });
      expect((await store.getRecord(col, 'a'))?.updatedBy).toBe('mgr');
      await store.putRecord(col, 'b/c d', 'text value', 0);
      expect((await store.listRecords(col)).map((r) => [r.id, r.revision])).toEqual([
        ['a', 2],
        ['b/c d', 1],
      ]);
      expect(await conflictOf(store.putRecord(col, 'zz', 1, 4))).toBe(`${col}/zz does not exist (the write expected revision 4)`);
      expect(await conflictOf(store.deleteRecord(col, 'a', 1))).toMatch(/revision 2 is stored, the write expected 1/);
      await store.deleteRecord(col, 'a', 2);
      expect(await store.getRecord(col, 'a')).toBeNull();
      await expect(store.deleteRecord(col, 'a', 2)).rejects.toMatchObject({ code: 'NOT_FOUND', message: `${col}/a does not exist` });
      // A deleted record can be created again from revision 0.
      expect((await store.putRecord(col, 'a', { again: true }, 0)).revision).toBe(1);
      await expect(store.putRecord('Bad Name', 'x', 1, 0)).rejects.toThrow(/invalid collection name/);
    });

    it('concurrent record writers: exactly one wins', async () => {
      const store = await make();
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.putRecord('leases', 'item-1', { holder: `u${i}` }, 0)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((await store.getRecord('leases', 'item-1'))?.revision).toBe(1);
    });

    it("the project's ontology and settings are records of collection 'project'", async () => {
      const store = await make();
      const ontology = await store.getRecord<{ labels: unknown[] }>('project', 'ontology');
      expect(ontology).not.toBeNull();
      const next = { labels: [{ id: 'tree', name: 'Tree', color: '#00ff00', kinds: ['box2d'], attributes: [] }] };
      const put = await store.putRecord('project', 'ontology', next, ontology!.revision);
      expect(put.revision).toBe(ontology!.revision + 1);
      expect((await store.getRecord('project', 'ontology'))?.value).toEqual(next);
      expect(await conflictOf(store.putRecord('project', 'ontology', next, ontology!.revision))).toMatch(/^project\/ontology was changed by someone else/);
      expect((await store.listRecords('project')).map((r) => r.id)).toEqual(expect.arrayContaining(['ontology', 'settings']));
    });

    it('every write appends one event, in order; subscribers hear each once, in seq order', async () => {
      const store = await make();
      const heard: StoreEvent[] = [];
      const off = store.subscribe((e) => heard.push(e));
      const start = (await store.eventsSince(0, 100_000)).at(-1)?.seq ?? 0;
      const ids = Array.from({ length: 8 }, () => itemId());
      // Concurrent writes on many items, several revisions each, and some records.
      await Promise.all(
        ids.map(async (id) => {
          for (let r = 0; r < 3; r++) await store.saveDocument(id, sampleDocument(id, r + 1), r, 'ann');
        }),
      );
      await store.putRecord('jobs', 'j1', { items: ids }, 0, 'mgr');
      await store.deleteRecord('jobs', 'j1', 1, 'mgr');
      const kept = await store.eventsSince(start);
      expect(kept).toHaveLength(ids.length * 3 + 2);
      for (let i = 1; i < kept.length; i++) expect(kept[i].seq).toBeGreaterThan(kept[i - 1].seq);
      for (const id of ids) expect(kept.filter((e) => e.key === id).map((e) => e.revision)).toEqual([1, 2, 3]);
      expect(kept.find((e) => e.key === ids[0])).toMatchObject({ kind: 'document.saved', actor: 'ann', origin: store.origin, data: { status: 'in_progress' } });
      expect(kept.at(-2)).toMatchObject({ kind: 'record.put', key: 'jobs/j1', revision: 1 });
      expect(kept.at(-1)).toMatchObject({ kind: 'record.deleted', key: 'jobs/j1', revision: 2 });
      // Delivery may lag the write a little (PostgreSQL: LISTEN); wait for all of it.
      await expect.poll(() => heard.length, { timeout: 5000 }).toBe(kept.length);
      expect(heard.map((e) => e.seq)).toEqual(kept.map((e) => e.seq));
      // Paging.
      expect((await store.eventsSince(start, 5)).map((e) => e.seq)).toEqual(kept.slice(0, 5).map((e) => e.seq));
      expect((await store.eventsSince(kept[4].seq, 3)).map((e) => e.seq)).toEqual(kept.slice(5, 8).map((e) => e.seq));
      off();
    });

    it('a failed (CONFLICT) write appends no event', async () => {
      const store = await make();
      const id = itemId();
      await store.saveDocument(id, sampleDocument(id), 0);
      const before = (await store.eventsSince(0, 100_000)).length;
      await conflictOf(store.saveDocument(id, sampleDocument(id), 0));
      expect((await store.eventsSince(0, 100_000)).length).toBe(before);
    });

    it('broadcast reaches subscribers but is not kept', async () => {
      const store = await make();
      const heard: StoreEvent[] = [];
      const off = store.subscribe((e) => heard.push(e));
      const before = (await store.eventsSince(0, 100_000)).length;
      await store.broadcast({ kind: 'presence', key: 'abc', actor: 'ann', data: { itemId: 'x' } });
      await expect.poll(() => heard.length, { timeout: 5000 }).toBe(1);
      expect(heard[0]).toMatchObject({ kind: 'presence', key: 'abc', actor: 'ann', ephemeral: true, data: { itemId: 'x' } });
      expect((await store.eventsSince(0, 100_000)).length).toBe(before);
      off();
    });

    it('round trip through importRaw keeps texts, revisions and records', async () => {
      const a = await make();
      const b = await make();
      const ids = [itemId(), itemId(), itemId()];
      for (const [i, id] of ids.entries()) {
        await a.saveDocument(id, sampleDocument(id, i + 1), 0);
        if (i) await a.saveDocument(id, sampleDocument(id, i + 2), 1);
      }
      // A file from before revisions (no revision, no updatedAt) keeps its bytes too.
      const legacy = itemId();
      const legacyText = JSON.stringify({ schemaVersion: DOCUMENT_SCHEMA_VERSION, itemId: legacy, status: 'new', objects: [], tracks: [], pointLabels: [] }, null, 1) + '\n';
      await a.importRaw([{ itemId: legacy, text: legacyText, revision: 0, updatedAt: 5 }], []);
      await a.putRecord('models', 'm1', { name: 'yolo', versions: [1, 2] }, 0, 'mgr');
      const docs = await Promise.all([...ids, legacy].map(async (id) => (await a.readRawDocument(id))!));
      await b.importRaw(docs, (await a.listAllRecords()).filter((r) => r.collection !== 'project' || r.id !== 'manifest'));
      for (const d of docs) {
        const got = await b.readRawDocument(d.itemId);
        expect(got?.text).toBe(d.text);
        expect(got?.revision).toBe(d.revision);
      }
      expect((await b.loadDocument(legacy))?.revision).toBe(0);
      // The legacy document is writable from revision 0, like today's files.
      expect((await b.saveDocument(legacy, sampleDocument(legacy), 0)).revision).toBe(1);
      expect((await b.getRecord('models', 'm1'))?.value).toEqual({ name: 'yolo', versions: [1, 2] });
      expect((await b.getRecord('models', 'm1'))?.revision).toBe(1);
    });
  });
}
