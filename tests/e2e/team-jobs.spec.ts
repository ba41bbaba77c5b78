/**
 * Team work on one `datum serve` (issue #21, jobs and leases): two people in two browser contexts
 * (two local profiles; on a team server these would be accounts). The manager splits the dataset
 * into jobs and assigns one to the annotator; the annotator opens its next item (taking the
 * lease); the manager opening the same item gets it read-only with the annotator's name, cannot
 * change it, and sees who is there (presence, live); when the annotator closes it the item opens
 * for editing by itself. Then the annotator submits the job, the reviewer's queue pulls it, and the
 * metrics panel shows progress per job and per person. Checked on disk where it lands on disk.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, startHost, type RunningHost } from './host';

let demo: string;
let host: RunningHost;

test.beforeAll(async () => {
  demo = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-team-jobs-')), 'demo');
  const r = await runCli(['demo', demo, '--json']);
  expect(r.code, r.stderr).toBe(0);
  host = await startHost([demo]);
});
test.afterAll(async () => host?.stop());

const SHOTS = 'test-results/screens';

async function person(browser: Browser, name: string, roles: Array<'annotator' | 'reviewer'>): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
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

function status(itemFile: string): string | undefined {
  // The item's annotation document, found by its name in the index the host keeps.
  const index = JSON.parse(readFileSync(path.join(demo, '.datum', 'index.json'), 'utf8')) as { items: Array<{ id: string; name: string }> };
  const item = index.items.find((i) => i.name.endsWith(itemFile));
  const file = item && path.join(demo, 'annotations', `${item.id}.json`);
  return file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).status : undefined;
}

test('split and assign, lease: the second person gets read-only with the name, presence live, submit, review queue, progress', async ({ browser }) => {
  test.setTimeout(180_000);
  const mia = await person(browser, 'Mia', ['reviewer']); // manager and reviewer
  const ann = await person(browser, 'Ann', ['annotator']);
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
  await M.screenshot({ path: `${SHOTS}/team-jobs-manager.png` });

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
  await M.screenshot({ path: `${SHOTS}/team-jobs-readonly.png` });
  await A.screenshot({ path: `${SHOTS}/team-jobs-annotator-sees-viewer.png` });

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
  const refused = await M.evaluate(async () => {
    const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/rpc`);
    await new Promise((r) => (ws.onopen = r));
    const call = (id: number, method: string, params: unknown) =>
      new Promise<unknown>((resolve) => {
        ws.addEventListener('message', (m) => {
          const msg = JSON.parse(String(m.data));
          if (msg.id === id) resolve(msg);
        });
        ws.send(JSON.stringify({ id, method, params }));
      });
    const list = (await call(1, 'items.list', { search: 'shapes_01' })) as { result: { items: Array<{ id: string }> } };
    const itemId = list.result.items[0].id;
    const doc = (await call(2, 'annotations.load', { itemId })) as { result: unknown };
    const r = await call(3, 'annotations.save', { itemId, document: doc.result, author: 'Mia' });
    ws.close();
    return r as { error?: { code: string; message: string } };
  });
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
  expect(status('shapes_01.png')).toBe('submitted');
  await M.getByTestId('tab-jobs').click();
  await expect(M.getByTestId('queue-job')).toHaveCount(1);
  await M.screenshot({ path: `${SHOTS}/team-jobs-review-queue.png` });
  await M.getByTestId('queue-accept').click();
  await expect(M.getByTestId('queue-job')).toHaveCount(0);
  expect(['shapes_01.png', 'shapes_02.png', 'shapes_03.png'].map(status)).toEqual(['accepted', 'accepted', 'accepted']);

  // Progress per job and per person in the metrics panel.
  await M.getByTestId('tab-review').click();
  await M.getByTestId('review-section-metrics').click();
  await expect(M.getByTestId('progress-job').first()).toContainText('3 / 3');
  await expect(M.getByTestId('progress-person').filter({ hasText: 'Ann' })).toContainText('3 / 3');
  await expect(M.getByTestId('progress-person').filter({ hasText: 'Mia' })).toContainText('3 / 3');
  await M.getByTestId('team-progress').scrollIntoViewIfNeeded();
  await M.screenshot({ path: `${SHOTS}/team-jobs-progress.png` });
  // No call failed along the way (errors show as a toast, not as a thrown test step).
  await expect(M.getByTestId('error-toast')).toHaveCount(0);
  await expect(A.getByTestId('error-toast')).toHaveCount(0);
  expect(mia.errors).toEqual([]);
  expect(ann.errors).toEqual([]);
});
