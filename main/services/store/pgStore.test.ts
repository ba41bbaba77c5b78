import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { freshDatabase } from '../../../tests/support/pgCluster';
import { defaultOntology } from '../projectFile';
import { PgStore } from './pgStore';
import { itemId, sampleDocument, storeConformance } from './store.conformance';
import type { StoreEvent } from './types';

const db = await freshDatabase('store');
const skip = 'problem' in db ? db.problem : null;
const url = 'url' in db ? db.url : '';

/** Like a migrated project: the ontology and settings records exist. */
async function projectStore(): Promise<PgStore> {
  const s = await PgStore.open(url, { poolSize: 16 });
  if (!(await s.getRecord('project', 'ontology'))) {
    await s.putRecord('project', 'ontology', defaultOntology(), 0).catch(() => {});
    await s.putRecord('project', 'settings', {}, 0).catch(() => {});
  }
  return s;
}

// Every conformance test gets a fresh database: stores of one database share their rows.
const extra: Array<{ drop(): Promise<void> }> = [];
if (!skip) {
  storeConformance('postgres', {
    make: async () => {
      const fresh = await freshDatabase('storec');
      if ('problem' in fresh) throw new Error(fresh.problem);
      extra.push(fresh);
      const s = await PgStore.open(fresh.url, { poolSize: 16 });
      await s.putRecord('project', 'ontology', defaultOntology(), 0);
      await s.putRecord('project', 'settings', {}, 0);
      // Subscribers attached by a test must hear only the test's own events.
      await s.settle();
      return s;
    },
    cleanup: async () => {
      for (const d of extra) await d.drop().catch(() => {});
    },
  });
}

describe.skipIf(skip)(`PgStore across hosts${skip ? ` (skipped: ${skip})` : ''}`, () => {
  afterAll(async () => {
    if (!('problem' in db)) await db.drop();
  });

  it('two stores on one database (two hosts): each hears the other, in seq order, exactly once', async () => {
    const a = await projectStore();
    const b = await projectStore();
    const heardA: StoreEvent[] = [];
    const heardB: StoreEvent[] = [];
    a.subscribe((e) => heardA.push(e));
    b.subscribe((e) => heardB.push(e));
    const start = (await a.eventsSince(0, 100_000)).at(-1)?.seq ?? 0;
    // 20 writers at once over two hosts: commits race, delivery must still be gap-free and ordered.
    const ids = Array.from({ length: 20 }, () => itemId());
    await Promise.all(
      ids.map(async (id, i) => {
        const s = i % 2 ? a : b;
        for (let r = 0; r < 5; r++) await s.saveDocument(id, sampleDocument(id, r + 1), r, `host${i % 2}`);
      }),
    );
    await a.settle();
    await b.settle();
    await expect.poll(() => heardA.length).toBe(100);
    await expect.poll(() => heardB.length).toBe(100);
    const kept = (await a.eventsSince(start, 100_000)).map((e) => e.seq);
    expect(heardA.map((e) => e.seq)).toEqual(kept);
    expect(heardB.map((e) => e.seq)).toEqual(kept);
    for (let i = 1; i < heardA.length; i++) expect(heardA[i].seq).toBeGreaterThan(heardA[i - 1].seq);
    // Origins tell a host its own writes from another's.
    expect(new Set(heardA.map((e) => e.origin))).toEqual(new Set([a.origin, b.origin]));
    await b.broadcast({ kind: 'presence', key: ids[0], actor: 'ann' });
    await expect.poll(() => heardA.some((e) => e.kind === 'presence' && e.ephemeral)).toBe(true);
    await a.close();
    await b.close();
  });

  it('a dropped LISTEN connection reconnects and delivers what was written meanwhile, without duplicates', async () => {
    const a = await projectStore();
    const b = await projectStore();
    const heard: StoreEvent[] = [];
    a.subscribe((e) => heard.push(e));
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    // Kill every LISTEN connection of this database (a's among them): a network drop.
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`);
    await admin.end();
    const id = itemId();
    for (let r = 0; r < 5; r++) await b.saveDocument(id, sampleDocument(id, r + 1), r);
    await expect.poll(() => heard.filter((e) => e.key === id).map((e) => e.revision), { timeout: 10_000 }).toEqual([1, 2, 3, 4, 5]);
    const seqs = heard.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    await a.close();
    await b.close();
  });

  it('an unreachable database is named in the error', async () => {
    await expect(PgStore.open('postgres://datum@127.0.0.1:1/nothing')).rejects.toThrow(/cannot use postgres:\/\/datum@127\.0\.0\.1:1\/nothing/);
  });
});
