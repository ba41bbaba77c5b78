/**
 * `datum import sustech` end to end: the SUSTechPOINTS example becomes one point-cloud sequence
 * item; the LiDAR editor shows each frame's boxes with their track ids and its three cameras.
 */
import { expect, test } from '@playwright/test';
import { cpSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli, startHost, type RunningHost } from './host';

const DATA = path.resolve(ROOT, '..', 'shared', 'data', 'sustech');
let project: string;
let host: RunningHost;

test.skip(!existsSync(path.join(DATA, 'label')), `${DATA} is absent`);

test.beforeAll(async () => {
  project = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-sustech-')), 'project');
  mkdirSync(project);
  cpSync(DATA, path.join(project, 'sustech'), { recursive: true });
  const r = await runCli(['import', 'sustech', path.join(project, 'sustech'), project, '--create', '--json']);
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ items: 1, objects: 87 });
  host = await startHost([project]);
});
test.afterAll(async () => host?.stop());

test('the imported SUSTech sequence opens in the LiDAR editor with its tracks', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId('item-tile')).toHaveCount(1);
  await page.getByTestId('item-tile').first().dblclick();
  await expect(page.getByTestId('lidar-editor')).toBeVisible();
  await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 30_000 });
  const objects = page.getByTestId('lidar-objects').locator('li');
  await expect(objects).toHaveCount(19);
  await expect(objects.locator('span', { hasText: /^#8$/ })).toHaveCount(1);
  await page.getByTestId('lidar-editor').click({ position: { x: 5, y: 5 } }).catch(() => {});
  await page.keyboard.press('d');
  await expect(objects).toHaveCount(21);
  await expect(objects.locator('span', { hasText: /^#8$/ })).toHaveCount(1);
  // Every camera of the frame is in the strip (front first).
  await expect(page.getByTestId('camera-overlay')).toHaveCount(3);
  await expect(page.getByTestId('camera-view-front').getByTestId('camera-overlay')).toBeVisible();
  expect(errors).toEqual([]);
});
