/**
 * Review passes and AI QA, end to end: real Chromium against a real `datum serve` on the demo.
 * An annotator submits the LiDAR drive, a reviewer rejects it with an issue pinned to a cuboid,
 * the annotator resolves it and resubmits, the reviewer accepts; then QA and metrics.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { runCli, startHost, type RunningHost } from './host';

let demo: string;
let host: RunningHost;
let lidarId: string;

async function rpc(h: RunningHost, calls: Array<[string, unknown]>): Promise<any[]> {
  const ws = new WebSocket(`${h.origin.replace('http', 'ws')}/rpc?token=${h.token}`, { origin: h.origin });
  await new Promise((r) => ws.once('open', r));
  const out: any[] = [];
  let id = 0;
  for (const [method, params] of calls) {
    const mine = ++id;
    out.push(
      await new Promise((resolve, reject) => {
        const onMsg = (raw: WebSocket.RawData) => {
          const m = JSON.parse(String(raw));
          if (m.id !== mine) return;
          ws.off('message', onMsg);
          if (m.error) reject(new Error(`${method}: ${m.error.message}`));
          else resolve(m.result);
        };
        ws.on('message', onMsg);
        ws.send(JSON.stringify({ id: mine, method, params }));
      }),
    );
  }
  ws.close();
  return out;
}

const cuboid = (id: string, label: string, frame: number, center: [number, number, number], size: [number, number, number], attributes: Record<string, unknown> = {}) => ({
  id,
  label,
  frame,
  geometry: { kind: 'cuboid3d', center, size, yaw: 0 },
  attributes,
  source: { kind: 'human' },
  zOrder: 0,
  updatedBy: 'Ann',
});

test.beforeAll(async () => {
  demo = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-review-')), 'demo');
  const r = await runCli(['demo', demo, '--json']);
  expect(r.code, r.stderr).toBe(0);
  host = await startHost([demo]);
  const [, list] = await rpc(host, [
    ['index.refresh', { jobId: 'setup' }],
    ['items.list', { limit: 100 }],
  ]);
  const items = list.items as Array<{ id: string; name: string }>;
  lidarId = items.find((i) => i.name.includes('lidar_drive'))!.id;
  const image = items.find((i) => i.name.endsWith('shapes_01.png'))!.id;
  // A cuboid document for the LiDAR drive (a car, a duplicate of it, a pedestrian without its
  // required pose) and a 2D document by another annotator, written through the API.
  await rpc(host, [
    [
      'annotations.save',
      {
        itemId: lidarId,
        document: {
          schemaVersion: 1,
          itemId: lidarId,
          status: 'new',
          objects: [
            cuboid('car-1', 'car', 0, [12, 2, 0.8], [4.4, 1.9, 1.6]),
            cuboid('car-2', 'car', 0, [12.1, 2, 0.8], [4.4, 1.9, 1.6]),
            cuboid('ped-1', 'pedestrian', 1, [8, -3, 0.9], [0.6, 0.6, 1.75]),
          ],
          tracks: [],
          pointLabels: [],
        },
      },
    ],
    [
      'annotations.save',
      {
        itemId: image,
        document: {
          schemaVersion: 1,
          itemId: image,
          status: 'new',
          objects: [
            { id: 'sq-1', label: 'square', frame: 0, geometry: { kind: 'box2d', x1: 10, y1: 10, x2: 80, y2: 90 }, attributes: {}, source: { kind: 'human' }, zOrder: 0, updatedBy: 'Bob' },
            { id: 'ci-1', label: 'circle', frame: 0, geometry: { kind: 'box2d', x1: 200, y1: 120, x2: 260, y2: 180 }, attributes: {}, source: { kind: 'human' }, zOrder: 0, updatedBy: 'Bob' },
            // A duplicate of the circle, for the AI QA finding opened in the image editor.
            { id: 'ci-0', label: 'circle', frame: 0, geometry: { kind: 'box2d', x1: 202, y1: 121, x2: 261, y2: 181 }, attributes: {}, source: { kind: 'human' }, zOrder: 1, updatedBy: 'Bob' },
          ],
          tracks: [],
          pointLabels: [],
        },
      },
    ],
  ]);
});
test.afterAll(async () => host?.stop());

async function openApp(page: Page) {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(host.url);
  await expect(page.getByTestId('project-name')).toHaveText('Datum demo');
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  return errors;
}

async function newProfile(page: Page, name: string, role: 'annotator' | 'reviewer') {
  await page.getByTestId('profile-select').selectOption('__new__');
  await page.getByTestId('profile-name').fill(name);
  if (role === 'reviewer') {
    await page.getByTestId('profile-role-annotator').uncheck();
    await page.getByTestId('profile-role-reviewer').check();
  }
  await page.getByTestId('profile-create').click();
  await expect(page.getByTestId('profile-select').locator('option:checked')).toContainText(name);
}

async function useProfile(page: Page, name: string) {
  const value = await page.getByTestId('profile-select').locator('option', { hasText: name }).getAttribute('value');
  await page.getByTestId('profile-select').selectOption(value!);
  await page.locator('.review-bar .status-pill').click(); // focus off the select so the keys reach the window
}

const onDisk = () => JSON.parse(readFileSync(path.join(demo, 'annotations', `${lidarId}.json`), 'utf8'));

test('submit, reject with a pinned issue, resolve, resubmit, accept; QA and metrics', async ({ page }) => {
  const errors = await openApp(page);
  const status = page.getByTestId('review-status');

  // Annotator Ann opens the LiDAR drive and submits it.
  await newProfile(page, 'Ann', 'annotator');
  await page.getByTestId('item-tile').filter({ hasText: 'lidar_drive' }).dblclick();
  await expect(status).toHaveText('New');
  await expect(page.getByTestId('review-accept')).toHaveCount(0); // annotators cannot accept
  await page.locator('.review-bar .status-pill').click();
  await page.keyboard.press('Shift+S');
  await expect(status).toHaveText('Submitted');
  await expect(page.getByTestId('review-assignee')).toHaveText('Assigned to Ann');

  // Reviewer Rev takes it from the queue (Enter opens), pins an issue on car-1 and rejects (Shift+R).
  await newProfile(page, 'Rev', 'reviewer');
  await page.getByTestId('tab-review').click();
  await expect(page.getByTestId('queue-row')).toHaveCount(1);
  await expect(page.getByTestId('queue-row')).toContainText('lidar_drive');
  await page.locator('.review-content').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Enter');
  await expect(status).toHaveText('Submitted');
  await page.getByTestId('issue-text').fill('car-1 is 10 cm too long and overlaps car-2');
  await page.getByTestId('issue-pin').selectOption('obj:car-1');
  await page.getByTestId('issue-pin-button').click();
  await expect(page.getByTestId('issue-card')).toHaveCount(1);
  await expect(page.getByTestId('issue-card')).toContainText('Object car-1 · Car');
  await page.locator('.review-bar .status-pill').click();
  await page.keyboard.press('Shift+R');
  await expect(page.getByTestId('reject-note')).toBeFocused();
  await page.keyboard.type('fix the car boxes');
  await page.keyboard.press('Enter');
  await expect(status).toHaveText('Rejected');
  await page.screenshot({ path: 'test-results/screens/review-bar-rejected.png' });

  // Ann sees the open issue when she opens the item, resolves it and resubmits.
  await useProfile(page, 'Ann');
  await page.getByTestId('back').click();
  await page.getByTestId('item-tile').filter({ hasText: 'lidar_drive' }).dblclick();
  await expect(page.getByTestId('reject-banner')).toContainText('Rejected by Rev');
  await expect(page.getByTestId('reject-banner')).toContainText('1 open issue to fix');
  await expect(page.getByTestId('issue-card')).toContainText('car-1 is 10 cm too long');
  await page.screenshot({ path: 'test-results/screens/review-annotator-sees-issue.png' });
  await page.getByTestId('issue-reply').fill('shortened it');
  await page.getByTestId('issue-resolve').click();
  await expect(page.getByTestId('issue-card')).toHaveCount(0); // resolved ones are hidden by default
  await page.getByTestId('review-submit').click();
  await expect(status).toHaveText('Submitted');

  // Rev accepts with Shift+A; N then finds the queue empty.
  await useProfile(page, 'Rev');
  await page.keyboard.press('Shift+A');
  await expect(status).toHaveText('Accepted');
  await page.screenshot({ path: 'test-results/screens/review-bar-accepted.png' });

  const doc = onDisk();
  expect(doc.status).toBe('accepted');
  expect(doc.assignee).toBe('Ann');
  expect(doc.history.map((h: any) => `${h.from}>${h.to} ${h.by}`)).toEqual([
    'new>in_progress Ann',
    'in_progress>submitted Ann',
    'submitted>rejected Rev',
    'rejected>in_progress Ann',
    'in_progress>submitted Ann',
    'submitted>accepted Rev',
  ]);
  expect(doc.history[2].note).toBe('fix the car boxes');
  expect(doc.issues).toHaveLength(1);
  expect(doc.issues[0]).toMatchObject({ objectId: 'car-1', status: 'resolved', resolvedBy: 'Ann' });
  expect(doc.issues[0].comments.map((c: any) => `${c.author}: ${c.text}`)).toEqual(['Rev: car-1 is 10 cm too long and overlaps car-2', 'Ann: shortened it']);
  expect(doc.objects).toHaveLength(3);

  // AI QA over the dataset: the duplicate car and the pedestrian without a pose are found.
  await page.getByTestId('tab-review').click();
  await expect(page.getByTestId('queue-panel')).toContainText('The review queue is empty');
  await page.getByTestId('review-section-qa').click();
  await page.getByTestId('qa-run').click();
  await expect(page.getByTestId('qa-summary')).toContainText('annotated items checked');
  const findings = page.getByTestId('qa-finding');
  await expect(findings.filter({ hasText: 'duplicate' }).first()).toBeVisible();
  await expect(findings.filter({ hasText: 'missing-attribute' }).first()).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/qa-panel.png' });
  // A finding becomes an issue on its item (and leaves the list); another is dismissed.
  const before = await findings.count();
  await findings.filter({ hasText: 'missing-attribute' }).first().getByTestId('finding-issue').click();
  await expect(findings).toHaveCount(before - 1);
  await expect
    .poll(() => onDisk().issues.find((i: any) => i.check === 'missing-attribute'))
    .toMatchObject({ objectId: 'ped-1', status: 'open' });
  await findings.filter({ hasNotText: 'shapes_01' }).first().getByTestId('finding-dismiss').click();
  await expect(findings).toHaveCount(before - 2);
  // A finding opens its item on its frame; the issue made from the QA finding is listed there.
  await findings.filter({ hasText: 'ped-1' }).first().getByTestId('finding-open').click();
  await expect(page.getByTestId('frame-label')).toHaveText('Frame 2 / 5');
  // ... with the object it is about selected in the LiDAR editor (and listed as selected).
  await expect.poll(() => page.evaluate(() => (window as unknown as { __datumLidarState?: { selected: string | null } }).__datumLidarState?.selected)).toBe('ped-1');
  await expect(page.getByTestId('lidar-objects').locator('li.sel')).toHaveCount(1);
  await expect(page.getByTestId('issue-card').filter({ hasText: 'QA: missing-attribute' })).toContainText('Object ped-1 · Pedestrian');
  // QA on this item only, from the issues panel: the QA panel shows the run.
  await page.getByRole('button', { name: 'QA this item' }).click();
  await expect(page.getByTestId('qa-summary')).toContainText('1 annotated items checked');
  await expect(page.getByTestId('qa-scope')).toHaveValue('item');

  // Metrics: per annotator and per label, drawn on canvases.
  await page.getByTestId('review-section-metrics').click();
  const rows = page.getByTestId('metrics-row');
  await expect(rows.filter({ hasText: 'Ann' })).toContainText('50%'); // two reviews, one rejection
  await expect(rows.filter({ hasText: 'Bob' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Car' })).toHaveCount(1);
  await expect
    .poll(() => page.getByTestId('chart-annotators').evaluate((c: HTMLCanvasElement) => c.width * c.height))
    .toBeGreaterThan(0);
  await page.screenshot({ path: 'test-results/screens/metrics-panel.png' });

  // The shortcuts dialog lists the review keys.
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog')).toContainText('Review: accept');
  await page.keyboard.press('Escape');
  expect(errors).toEqual([]);
});

test('an AI QA finding on an image opens the image editor with its object selected and in view', async ({ page }) => {
  const errors = await openApp(page);
  await page.getByTestId('tab-review').click();
  await page.getByTestId('review-section-qa').click();
  await page.getByTestId('qa-run').click();
  await expect(page.getByTestId('qa-summary')).toContainText('annotated items checked');
  const finding = page.getByTestId('qa-finding').filter({ hasText: 'shapes_01' }).filter({ hasText: 'duplicate' });
  await expect(finding).toHaveCount(1);
  await expect(finding.locator('.where-chip')).toHaveText('ci-0');
  await finding.getByTestId('finding-open').click();
  const selection = () => page.evaluate(() => (window as unknown as { __datumImageState?: { selection: string[] } }).__datumImageState?.selection);
  await expect.poll(selection).toEqual(['ci-0']);
  await expect(page.getByTestId('object-row').and(page.locator('.selected'))).toHaveCount(1);
  await page.waitForTimeout(300);
  await page.screenshot({ path: 'test-results/screens/qa-open-image-finding.png' });
  // Back to the list and open it again while the item was open before: selected again.
  await page.keyboard.press('Escape');
  await expect.poll(selection).toEqual([]);
  await page.getByTestId('tab-review').click();
  await page.getByTestId('review-section-qa').click();
  await page.getByTestId('qa-finding').filter({ hasText: 'shapes_01' }).filter({ hasText: 'duplicate' }).getByTestId('finding-open').click();
  await expect.poll(selection).toEqual(['ci-0']);
  expect(errors).toEqual([]);
});
