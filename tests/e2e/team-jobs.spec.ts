/**
 * Team work on one `datum serve` (issue #21, jobs and leases): two people in two browser contexts
 * (two local profiles on the folder; two signed-in accounts on the team server). The manager splits the dataset
 * into jobs and assigns one to the annotator; the annotator opens its next item (taking the
 * lease); the manager opening the same item gets it read-only with the annotator's name, cannot
 * change it, and sees who is there (presence, live); when the annotator closes it the item opens
 * for editing by itself. Then the annotator submits the job, the reviewer's queue pulls it, and the
 * metrics panel shows progress per job and per person. Run twice: on the project folder, and with
 * `datum serve --database` on the run's throwaway PostgreSQL (jobs, leases and documents in the
 * database). Item statuses are checked through the host (the store is the truth in both).
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, startHost, type RunningHost } from './host';
import { freshDatabase } from '../support/pgCluster';

/** A team server (`--database`) needs accounts: Mia manages and reviews, Ann annotates. */
const ACCOUNTS = { Mia: { role: 'manager', password: 'mia-password-1' }, Ann: { role: 'annotator', password: 'ann-password-1' } } as const;

async function serveDemo(database?: string): Promise<RunningHost> {
  const demo = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-team-jobs-')), 'demo');
  const r = await runCli(['demo', demo, '--json']);
  expect(r.code, r.stderr).toBe(0);
  if (database) {
    for (const [name, a] of Object.entries(ACCOUNTS)) {
      const u = await runCli(['team', 'user', 'add', demo, name, '--role', a.role, '--database', database], { DATUM_PASSWORD: a.password });
      expect(u.code, u.stderr).toBe(0);
    }
  }
  return startHost(database ? [demo, '--database', database] : [demo]);
}

const SHOTS = 'test-results/screens';

async function person(browser: Browser, host: RunningHost, name: keyof typeof ACCOUNTS, roles: Array<'annotator' | 'reviewer'>, team: boolean): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  if (team) {
    // A team server: the account speaks for the person (no local profile).
    await page.getByTestId('login-name').fill(name);
    await page.getByTestId('login-password').fill(ACCOUNTS[name].password);
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('project-name')).toHaveText('Datum demo');
    await expect(page.getByTestId('team-account')).toContainText(`Signed in as ${name}`);
    await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
    return { page, errors };
  }
  await expect(page.getByTestId('project-name')).toHaveText('Datum demo');
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('profile-select').selectOption('__new__');
  await page.getByTestId('profile-name').fill(name);
  if (!roles.includes('annotator')) await page.getByTestId('profile-role-annotator').uncheck();
  if (roles.includes('reviewer')) await page.getByTestId('profile-role-reviewer').check();
  await page.getByTestId('profile-create').click();
  await expect(page.getByTestId('profile-select').locator('option:checked')).toContainText(name);
  return { page, errors };
}

/** One call on a connection of its own (what a script or a stale client would send). */
async function rawCall<T = unknown>(page: Page, method: string, params: unknown): Promise<{ result?: T; error?: { code: string; message: string } }> {
  return page.evaluate(
    async ([m, p]) => {
      const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/rpc`);
      await new Promise((r) => (ws.onopen = r));
      const reply = await new Promise<unknown>((resolve) => {
        ws.onmessage = (e) => {
          const msg = JSON.parse(String(e.data));
          if (msg.id === 1) resolve(msg);
        };
        ws.send(JSON.stringify({ id: 1, method: m, params: p }));
      });
      ws.close();
      return reply as never;
    },
    [method, params] as const,
  );
}

async function itemId(page: Page, name: string): Promise<string> {
  const r = await rawCall<{ items: Array<{ id: string }> }>(page, 'items.list', { search: name });
  return r.result!.items[0].id;
}

async function status(page: Page, name: string): Promise<string> {
  const r = await rawCall<{ status: string }>(page, 'annotations.load', { itemId: await itemId(page, name) });
  return r.result!.status;
}

const stores: Array<{ name: string; database: () => Promise<string | undefined | { problem: string }> }> = [
  { name: 'folder', database: async () => undefined },
  {
    name: 'postgres',
    database: async () => {
      const db = await freshDatabase('e2eteam');
      return 'problem' in db ? db : db.url;
    },
  },
];

for (const backend of stores) {
  test(`${backend.name}: split and assign, lease: the second person gets read-only with the name, presence live, submit, review queue, progress`, async ({ browser }) => {
    test.setTimeout(180_000);
    const database = await backend.database();
    test.skip(typeof database === 'object', typeof database === 'object' ? database.problem : '');
    const host = await serveDemo(database as string | undefined);
    try {
      await scenario(browser, host, backend.name, database !== undefined);
    } finally {
      await host.stop();
    }
  });
}

async function scenario(browser: Browser, host: RunningHost, tag: string, team: boolean) {
  const mia = await person(browser, host, 'Mia', ['reviewer'], team); // manager and reviewer
  const ann = await person(browser, host, 'Ann', ['annotator'], team);
  const M = mia.page;
  const A = ann.page;

  // The manager splits the 8 demo items into jobs of 3 and gives the first to Ann, reviewed by Mia.
  await M.getByTestId('tab-jobs').click();
  await M.getByTestId('split-name').fill('Batch');
  await M.getByTestId('split-per-job').fill('3');
  await M.getByTestId('split-run').click();
  const rows = M.getByTestId('job-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText('Batch 1');
  await rows.nth(0).getByTestId('assign-annotator').fill('Ann');
  await rows.nth(0).getByTestId('assign-annotator').press('Enter');
  await rows.nth(0).getByTestId('assign-reviewer').fill('Mia');
  await rows.nth(0).getByTestId('assign-reviewer').press('Enter');
  await expect(rows.nth(0).getByTestId('assign-reviewer')).toHaveValue('Mia');
  await M.screenshot({ path: `${SHOTS}/team-jobs-${tag}-manager.png` });

  // Ann sees the job (pushed: no reload) and opens its next item: she takes the lease.
  await A.getByTestId('tab-jobs').click();
  await expect(A.getByTestId('my-job')).toHaveCount(1);
  await A.getByTestId('open-next').click();
  await expect(A.getByTestId('item-title')).toHaveText('images/shapes_01.png');
  await expect(A.getByTestId('editor-overlay')).toBeVisible();
  await expect(A.getByTestId('lease-banner')).toHaveCount(0);

  // Mia opens the same item: read-only, with Ann's name; presence shows Ann editing.
  await M.getByTestId('tab-jobs').click();
  await expect(M.getByTestId('presence-row').filter({ hasText: 'Ann' })).toContainText('shapes_01.png');
  await M.getByRole('tab', { name: 'Dataset' }).click();
  await M.getByTestId('item-tile').filter({ hasText: 'shapes_01' }).dblclick();
  await expect(M.getByTestId('lease-banner')).toContainText('being edited by Ann');
  await expect(M.getByTestId('item-presence')).toContainText('Ann');
  // ... and Ann sees Mia arrive, live.
  await expect(A.getByTestId('item-presence')).toContainText('Mia');
  await M.screenshot({ path: `${SHOTS}/team-jobs-${tag}-readonly.png` });
  await A.screenshot({ path: `${SHOTS}/team-jobs-${tag}-annotator-sees-viewer.png` });

  // An edit by Mia is refused in the editor, and the host refuses a save under Ann's lease.
  const rowsBefore = await M.getByTestId('object-row').count();
  await M.keyboard.press('4');
  await M.keyboard.press('b');
  const img = M.getByTestId('image-viewer').locator('img');
  const b = (await img.boundingBox())!;
  await M.mouse.move(b.x + 40, b.y + 40);
  await M.mouse.down();
  await M.mouse.move(b.x + 120, b.y + 110, { steps: 4 });
  await M.mouse.up();
  await expect(M.locator('.toast.info')).toContainText('Ann is editing');
  await expect(M.getByTestId('object-row')).toHaveCount(rowsBefore);
  const shapes01 = await itemId(M, 'shapes_01');
  const doc = await rawCall(M, 'annotations.load', { itemId: shapes01 });
  const refused = await rawCall(M, 'annotations.save', { itemId: shapes01, document: doc.result, author: 'Mia' });
  expect(refused.error?.code).toBe('CONFLICT');
  expect(refused.error?.message).toContain('being edited by Ann');

  // Ann goes back: the lease is released and Mia's copy opens for editing by itself.
  await A.getByTestId('back').click();
  await expect(M.getByTestId('lease-banner')).toHaveCount(0, { timeout: 10_000 });
  await M.getByTestId('back').click();

  // Ann submits the job; Mia's review queue pulls it and she accepts it.
  await A.getByTestId('tab-jobs').click();
  await A.getByTestId('submit-job').click();
  await expect(A.getByTestId('my-job')).toContainText('Submitted');
  expect(await status(A, 'shapes_01')).toBe('submitted');
  await M.getByTestId('tab-jobs').click();
  await expect(M.getByTestId('queue-job')).toHaveCount(1);
  await M.screenshot({ path: `${SHOTS}/team-jobs-${tag}-review-queue.png` });
  await M.getByTestId('queue-accept').click();
  await expect(M.getByTestId('queue-job')).toHaveCount(0);
  expect([await status(M, 'shapes_01'), await status(M, 'shapes_02'), await status(M, 'shapes_03')]).toEqual(['accepted', 'accepted', 'accepted']);

  // Progress per job and per person in the metrics panel.
  await M.getByTestId('tab-review').click();
  await M.getByTestId('review-section-metrics').click();
  await expect(M.getByTestId('progress-job').first()).toContainText('3 / 3');
  await expect(M.getByTestId('progress-person').filter({ hasText: 'Ann' })).toContainText('3 / 3');
  await expect(M.getByTestId('progress-person').filter({ hasText: 'Mia' })).toContainText('3 / 3');
  await M.getByTestId('team-progress').scrollIntoViewIfNeeded();
  await M.screenshot({ path: `${SHOTS}/team-jobs-${tag}-progress.png` });
  // No call failed along the way (errors show as a toast, not as a thrown test step).
  await expect(M.getByTestId('error-toast')).toHaveCount(0);
  await expect(A.getByTestId('error-toast')).toHaveCount(0);
  expect(mia.errors).toEqual([]);
  expect(ann.errors).toEqual([]);
}
