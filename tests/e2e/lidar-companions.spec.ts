/**
 * Issue #14: the dataset browser lists a point-cloud frame once. Opening the KITTI object folder
 * lists its 3 clouds (not 3 clouds + 3 `image_2` PNGs), each with a bird's-eye thumbnail, and the
 * editor still shows the camera image; the raw SUSTech folder lists one item per lidar frame (its
 * camera JPGs are companions).
 */
import { expect, test, type Page } from '@playwright/test';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startHost } from './host';

const DATA = path.resolve(ROOT, '..', 'shared', 'data');
test.skip(!existsSync(path.join(DATA, 'kitti', 'velodyne')) || !existsSync(path.join(DATA, 'sustech', 'lidar')), `${DATA} is absent`);

/** Every tile shows a loaded thumbnail image (not the modality icon). */
async function expectThumbnails(page: Page, n: number) {
  const thumbs = page.getByTestId('item-thumb');
  await expect(thumbs).toHaveCount(n);
  await expect
    .poll(() => thumbs.evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth === 256).length), { timeout: 30_000 })
    .toBe(n);
}

test('KITTI: 3 point-cloud items with bird\'s-eye thumbnails; the editor keeps the camera image', async ({ page }) => {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-comp-')), 'kitti');
  cpSync(path.join(DATA, 'kitti'), dir, { recursive: true });
  const host = await startHost([dir, '--create']);
  try {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(host.url);
    await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByTestId('item-count')).toHaveText('3 items');
    await expect(page.getByTestId('item-tile')).toHaveCount(3);
    await expectThumbnails(page, 3);
    mkdirSync(path.join(ROOT, 'test-results', 'screens'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'screens', 'browser-kitti-thumbs.png') });
    await page.getByTestId('item-tile').filter({ hasText: '000000.bin' }).dblclick();
    await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 30_000 });
    const img = page.getByTestId('lidar-camera').locator('img');
    await expect.poll(() => img.evaluate((i) => (i as HTMLImageElement).naturalWidth), { timeout: 30_000 }).toBeGreaterThan(1000);
    await expect(page.getByTestId('camera-overlay')).toBeVisible();
    expect(errors).toEqual([]);
  } finally {
    await host.stop();
  }
});

test('SUSTech folder: one item per lidar frame, camera JPGs are not items', async ({ page }) => {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-comp-')), 'sustech');
  cpSync(path.join(DATA, 'sustech'), dir, { recursive: true });
  const host = await startHost([dir, '--create']);
  try {
    await page.goto(host.url);
    await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByTestId('item-count')).toHaveText('4 items');
    await expect(page.getByTestId('item-tile').filter({ hasText: '.jpg' })).toHaveCount(0);
    await expectThumbnails(page, 4);
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'screens', 'browser-sustech-thumbs.png') });
  } finally {
    await host.stop();
  }
});

test('parser warnings are a dismissible strip above the 3D view, not drawn over it', async ({ page }) => {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-comp-')), 'scans');
  mkdirSync(dir);
  // A KITTI cloud with 4 stray bytes at the end: the parser reads it and warns.
  writeFileSync(path.join(dir, 'scan.bin'), Buffer.concat([readFileSync(path.join(DATA, 'kitti', 'velodyne', '000001.bin')), Buffer.alloc(4)]));
  const host = await startHost([dir, '--create']);
  try {
    await page.goto(host.url);
    await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
    await page.getByTestId('item-tile').first().dblclick();
    await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 30_000 });
    const warning = page.getByTestId('cloud-warning');
    await expect(warning).toContainText('not a multiple of the 16-byte record');
    const w = (await warning.boundingBox())!;
    const view = (await page.getByTestId('pointcloud-viewer').boundingBox())!;
    expect(w.y + w.height).toBeLessThanOrEqual(view.y + 1); // above the view, not over it
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'screens', 'lidar-warning-strip.png') });
    await page.getByTestId('cloud-warning-dismiss').click();
    await expect(warning).toHaveCount(0);
    await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/);
  } finally {
    await host.stop();
  }
});
