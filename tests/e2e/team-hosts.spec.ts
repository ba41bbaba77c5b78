/**
 * A team on PostgreSQL, for real: two `datum serve` processes (two hosts behind a load balancer,
 * say) on one database and one project folder. A save in a browser on host A appears live in a
 * browser on host B (LISTEN/NOTIFY between the hosts); kill -9 of a host in the middle of a stream
 * of saves loses none of the saves it acknowledged.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freshDatabase } from '../support/pgCluster';
import { connectRpc, signInToken } from '../support/rpcClient';
import { runCli, startHost, type RunningHost } from './host';
import { drawBox } from './demoImage';

let demo: string;
let db: { url: string; drop(): Promise<void> } | { problem: string };
let hostA: RunningHost;
let hostB: RunningHost;
const url = () => (db as { url: string }).url;
/** --database makes a team server: one manager account, one session, valid on both hosts (it lives in the database). */
let session = '';

test.beforeAll(async () => {
  db = await freshDatabase('e2e_team');
  test.skip('problem' in db, 'problem' in db ? db.problem : '');
  demo = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-team-')), 'demo');
  const r = await runCli(['demo', demo, '--json']);
  expect(r.code, r.stderr).toBe(0);
  const m = await runCli(['project', 'migrate', demo, '--to', url(), '--json']);
  expect(m.code, m.stderr).toBe(0);
  const u = await runCli(['team', 'user', 'add', demo, 'lead', '--role', 'manager', '--database', url()], { DATUM_PASSWORD: 'lead-password-1' });
  expect(u.code, u.stderr).toBe(0);
  hostA = await startHost([demo, '--database', url()]);
  hostB = await startHost([demo, '--database', url()]);
  session = await signInToken(hostA.url, 'lead', 'lead-password-1');
});
test.afterAll(async () => {
  await hostA?.stop();
  await hostB?.stop();
  if (db && !('problem' in db)) await db.drop();
  if (demo) rmSync(path.dirname(demo), { recursive: true, force: true });
});

async function person(browser: Browser, host: RunningHost): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  await context.addCookies([{ name: `datum_session_${new URL(host.url).port}`, value: session, url: host.origin }]);
  const page = await context.newPage();
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('item-tile').filter({ hasText: 'shapes_01' }).dblclick();
  await expect(page.getByTestId('image-viewer').locator('img')).toHaveJSProperty('naturalWidth', 640);
  await expect(page.getByTestId('editor-overlay')).toBeVisible();
  return page;
}

async function query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url() });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

test('a save on one host appears live in a browser on the other host', async ({ browser }) => {
  const a = await person(browser, hostA);
  const b = await person(browser, hostB);
  await drawBox(a, 40, 40, 100, 80);
  await expect(a.getByTestId('save-state')).toHaveText('Saved');
  // B never reloads: host B hears host A's write through PostgreSQL and tells B's page.
  await expect(b.getByTestId('object-row')).toHaveCount(1);
  await drawBox(b, 300, 200, 380, 260);
  await expect(b.getByTestId('save-state')).toHaveText('Saved');
  await expect(a.getByTestId('object-row')).toHaveCount(2);
  await b.screenshot({ path: 'test-results/screens/team-hosts-b.png' });
  // The documents are in the database, not in the shared folder.
  const rows = await query<{ body: string }>(`SELECT body FROM documents WHERE body LIKE '%box2d%'`);
  expect(rows).toHaveLength(1);
  expect(JSON.parse(rows[0].body).objects).toHaveLength(2);
});

test('kill -9 of a host during a stream of saves loses nothing it acknowledged', async () => {
  const rpcA = await connectRpc(hostA.url, session);
  await rpcA.call('index.refresh', { jobId: 'idx' });
  const { items } = await rpcA.call<{ items: Array<{ id: string; name: string }> }>('items.list', { offset: 0, limit: 100 });
  const targets = items.filter((i) => !i.name.includes('shapes_01')).slice(0, 4);
  expect(targets.length).toBe(4);
  const acked = new Map<string, { revision: number; objects: string[] }>();
  let stop = false;
  // Four writers, each appending one object per save, as fast as the host answers.
  const writer = async (itemId: string, w: number) => {
    // A team server takes saves only from the holder of the item's lease (docs/teams.md, leases).
    const lease = await rpcA.call<{ granted: boolean }>('lease.acquire', { itemId });
    expect(lease.granted).toBe(true);
    let doc = await rpcA.call<{ revision?: number; objects: Array<{ id: string }> }>('annotations.load', { itemId });
    for (let n = 0; !stop; n++) {
      const id = `w${w}-${n}`;
      const next = { ...doc, objects: [...doc.objects, { id, label: 'car', geometry: { kind: 'box2d', x1: n, y1: 1, x2: n + 5, y2: 6 } }] };
      let r: { revision: number };
      try {
        r = await rpcA.call('annotations.save', { itemId, document: next, author: `w${w}`, baseRevision: doc.revision ?? 0 });
      } catch {
        return; // the host died: this save was never acknowledged
      }
      doc = { ...next, revision: r.revision } as typeof doc;
      acked.set(itemId, { revision: r.revision, objects: doc.objects.map((o) => o.id) });
    }
  };
  const writers = targets.map((t, w) => writer(t.id, w));
  // Kill host A once it has acknowledged a good number of saves.
  await expect.poll(() => [...acked.values()].reduce((s, a) => s + a.revision, 0), { timeout: 30_000 }).toBeGreaterThan(40);
  hostA.proc.kill('SIGKILL');
  stop = true;
  await Promise.all(writers);
  rpcA.close();
  // Every acknowledged save is there, seen through the other host.
  const rpcB = await connectRpc(hostB.url, session);
  let total = 0;
  for (const [itemId, a] of acked) {
    const doc = await rpcB.call<{ revision: number; objects: Array<{ id: string }> }>('annotations.load', { itemId });
    expect(doc.revision).toBeGreaterThanOrEqual(a.revision);
    const have = new Set(doc.objects.map((o) => o.id));
    for (const id of a.objects) expect(have.has(id), `${itemId}: acknowledged object ${id}`).toBe(true);
    total += a.revision;
  }
  console.log(`kill -9: ${total} acknowledged saves over ${acked.size} items, all present`);
  rpcB.close();
  // The killed host comes back on the same database and serves the same revisions.
  hostA = await startHost([demo, '--database', url()]);
  const again = await connectRpc(hostA.url, session);
  await again.call('index.refresh', { jobId: 'idx2' });
  const [first] = acked.keys();
  expect((await again.call<{ revision: number }>('annotations.load', { itemId: first })).revision).toBeGreaterThanOrEqual(acked.get(first)!.revision);
  again.close();
});
