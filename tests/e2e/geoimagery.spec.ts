/**
 * Remote-sensing imagery in Chromium: a single-band palette with its legend (drawn pixels checked
 * against the palette table), the scale bar against the geotransform, a before / after pair of
 * generated co-registered scenes compared with a swipe and side by side, and a scene split into
 * region items. Screenshots: test-results/geo-palette.png, geo-swipe.png, geo-side-by-side.png.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startHost, type RunningHost } from './host';
import { SCENE, surfaceAt, writeGeoScene } from '../../main/services/testing/geoScene';
import { paletteLut } from '../../core/geo/palette';
import { stretchValue } from '../../core/geo/display';

let host: RunningHost;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-geoimg-'));
  writeGeoScene(path.join(dir, 'before.tif'));
  writeGeoScene(path.join(dir, 'after.tif'), { changed: true });
  host = await startHost([dir, '--create']);
});
test.afterAll(async () => host?.stop());

async function open(page: Page, name: string) {
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('item-tile').filter({ hasText: name }).first().dblclick();
  await expect(page.getByTestId('tile-layer')).toBeVisible();
}

/** RGB of image pixel (x, y) read back from a loaded level-0 tile in the given layer. */
async function drawnPixel(page: Page, layer: string, x: number, y: number, display: string): Promise<number[]> {
  const tx = Math.floor(x / 512), ty = Math.floor(y / 512);
  const img = page.locator(`[data-testid="${layer}"] img[data-level="0"][data-loaded="1"][src$="/0/${tx}/${ty}?d=${display}"]`);
  await expect(img).toHaveCount(1, { timeout: 30_000 });
  return img.evaluate((el: HTMLImageElement, [px, py]) => {
    const c = document.createElement('canvas');
    c.width = el.naturalWidth;
    c.height = el.naturalHeight;
    const g = c.getContext('2d')!;
    g.drawImage(el, 0, 0);
    return [...g.getImageData(px, py, 1, 1).data.slice(0, 3)];
  }, [x % 512, y % 512]);
}

test.describe.configure({ mode: 'serial' });

test('one band through a palette with its legend; the scale bar follows the zoom', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await open(page, 'before');
  // scale bar at "fit": its length on screen is metres / (10 m per pixel / screen px per pixel)
  const check = async () => {
    const lb = (await page.getByTestId('tile-layer').boundingBox())!;
    const scale = lb.width / SCENE.width;
    const bar = page.getByTestId('scale-bar');
    const metres = Number(await bar.getAttribute('data-metres'));
    expect(String(metres)).toMatch(/^[125]0*$/); // 1, 2 or 5 × 10^k
    const px = (await page.getByTestId('scale-bar-line').boundingBox())!.width;
    expect(Math.abs(px - (metres * scale) / SCENE.pixel)).toBeLessThan(1.5);
    expect(px).toBeLessThanOrEqual(141);
    return metres;
  };
  const fitMetres = await check();
  await page.keyboard.press('0'); // 1:1
  await expect(async () => expect(await check()).toBeLessThan(fitMetres)).toPass();
  expect(await check()).toBe(1000); // 1 screen px = 10 m: 140 px = 1400 m -> 1 km

  // palette: band 4 (NIR) through viridis between the band's min and max
  await page.getByTestId('raster-mode').selectOption('palette');
  await page.getByTestId('raster-palette').selectOption('viridis');
  await page.getByTestId('raster-band-P').selectOption({ value: '3' });
  await page.getByTestId('raster-kind-P').selectOption('minmax');
  await expect(page.getByTestId('raster-legend')).toHaveAttribute('data-key', 'p.viridis.3_mm', { timeout: 30_000 });
  const lo = Number(await page.getByTestId('raster-legend-low').textContent());
  const hi = Number(await page.getByTestId('raster-legend-high').textContent());
  expect(lo).toBeLessThan(200); // water NIR ~150
  expect(hi).toBeGreaterThan(4500); // vegetation NIR ~4500
  const lut = paletteLut('viridis');
  for (const [x, y] of [
    [820, 420],
    [1050, 600],
    [620, 380],
  ]) {
    const nir = { vegetation: 4500, soil: 2500, water: 150, road: 2000, nodata: 0 }[surfaceAt(x, y)] + (((x * 7919 + y * 104729) % 97) - 48);
    const k = Math.round(stretchValue(nir, lo, hi, 1) * 255) * 3;
    const got = await drawnPixel(page, 'tile-layer', x, y, 'p.viridis.3_mm');
    // JPEG (quality 90) moves a channel by a few levels
    for (let c = 0; c < 3; c++) expect(Math.abs(got[c] - lut[k + c])).toBeLessThan(14);
  }
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'geo-palette.png') });
  // gamma 2 on the palette brightens the low end: water moves up the ramp, to where the table says
  const before = await drawnPixel(page, 'tile-layer', 1050, 600, 'p.viridis.3_mm');
  await page.getByTestId('raster-gamma-P').fill('2');
  const after = await drawnPixel(page, 'tile-layer', 1050, 600, 'p.viridis.3_mmg2');
  const water = 150 + (((1050 * 7919 + 600 * 104729) % 97) - 48);
  const kg = Math.round(stretchValue(water, lo, hi, 2) * 255) * 3;
  for (let c = 0; c < 3; c++) expect(Math.abs(after[c] - lut[kg + c])).toBeLessThan(14);
  expect(after[1]).toBeGreaterThan(before[1] + 15); // viridis: green rises along the ramp
  // back to RGB: the false-colour preset for the rest
  await page.getByTestId('raster-mode').selectOption('rgb');
  await page.getByTestId('raster-preset').selectOption('falseColourInfrared');
  await expect(page.getByTestId('raster-band-R')).toHaveValue('3');
  expect(errors).toEqual([]);
});

test('before / after: swipe and side by side over a co-registered pair; labels stay on the primary', async ({ page }) => {
  await open(page, 'before');
  await page.keyboard.press('0');
  await page.getByTestId('geo-compare').focus();
  await expect(page.getByTestId('geo-compare').locator('option', { hasText: 'after.tif' })).toHaveCount(1);
  await expect(page.getByTestId('geo-compare').locator('option', { hasText: 'after.tif' })).toContainText('co-registered');
  await page.getByTestId('geo-compare').selectOption({ label: (await page.getByTestId('geo-compare').locator('option', { hasText: 'after.tif' }).textContent())! });
  await expect(page.getByTestId('compare-layer')).toHaveAttribute('data-mode', 'swipe');
  // (820, 420): a field that changed (vegetation before, soil after): the two layers draw it differently
  expect(surfaceAt(820, 420)).toBe('vegetation');
  expect(surfaceAt(820, 420, true)).toBe('soil');
  const b = await drawnPixel(page, 'tile-layer', 820, 420, '3-2-1_2-98');
  const a = await drawnPixel(page, 'compare-tile-layer', 820, 420, '3-2-1_2-98');
  expect(b[0]).toBeGreaterThan(a[0] + 40); // NIR: vegetation before, soil after
  // the two layers sit on the same screen place (co-registered: identity mapping)
  const l1 = (await page.getByTestId('tile-layer').boundingBox())!;
  const l2 = (await page.getByTestId('compare-tile-layer').boundingBox())!;
  expect(Math.abs(l1.x - l2.x) + Math.abs(l1.y - l2.y) + Math.abs(l1.width - l2.width)).toBeLessThan(1);
  // drag the swipe handle: the cut follows
  const v = (await page.getByTestId('image-viewer').boundingBox())!;
  const h = (await page.getByTestId('swipe-handle').boundingBox())!;
  // (near the top: the map readout covers the lower part of the viewer)
  await page.mouse.move(h.x + h.width / 2, v.y + 40);
  await page.mouse.down();
  await page.mouse.move(v.x + v.width * 0.3, v.y + 40, { steps: 5 });
  await page.mouse.up();
  const h2 = (await page.getByTestId('swipe-handle').boundingBox())!;
  expect(Math.abs(h2.x + h2.width / 2 - (v.x + v.width * 0.3))).toBeLessThan(4);
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'geo-swipe.png') });
  // a box drawn over the swipe lands on the primary image's document
  await page.keyboard.press('b');
  await page.mouse.move(v.x + v.width * 0.6, v.y + v.height * 0.1);
  await page.mouse.down();
  await page.mouse.move(v.x + v.width * 0.7, v.y + v.height * 0.3, { steps: 4 });
  await page.mouse.up();
  await expect(page.getByTestId('object-row')).toHaveCount(1);
  // side by side: the compared image in the right half, panned with the left
  await page.getByTestId('geo-compare-mode').selectOption('side');
  await expect(page.getByTestId('compare-layer')).toHaveAttribute('data-mode', 'side');
  const pane = (await page.getByTestId('compare-layer').boundingBox())!;
  expect(Math.abs(pane.x - (v.x + v.width / 2))).toBeLessThan(2);
  const before1 = (await page.getByTestId('compare-tile-layer').boundingBox())!;
  const prim1 = (await page.getByTestId('tile-layer').boundingBox())!;
  await page.mouse.move(v.x + v.width * 0.25, v.y + v.height * 0.3);
  await page.keyboard.down('Space');
  await page.mouse.down();
  await page.mouse.move(v.x + v.width * 0.25 - 150, v.y + v.height * 0.3 - 60, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Space');
  const before2 = (await page.getByTestId('compare-tile-layer').boundingBox())!;
  const prim2 = (await page.getByTestId('tile-layer').boundingBox())!;
  // linked: both moved by the same amount
  expect(Math.abs(prim2.x - prim1.x - (before2.x - before1.x))).toBeLessThan(1);
  expect(Math.abs(prim2.y - prim1.y - (before2.y - before1.y))).toBeLessThan(1);
  await expect(page.locator('[data-testid="compare-tile-layer"] img[data-loaded="1"]').first()).toBeVisible();
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'geo-side-by-side.png') });
});

test('split into regions: region items appear, open with their offset', async ({ page }) => {
  await open(page, 'after');
  await page.getByTestId('geo-split-open').click();
  await page.getByTestId('geo-split-a').fill('2');
  await page.getByTestId('geo-split-b').fill('2');
  await page.getByTestId('geo-split-overlap').fill('20');
  await page.getByTestId('geo-split-assignees').fill('ann, bob');
  await page.getByTestId('geo-split-go').click();
  await expect(page.getByTestId('geo-split-result')).toHaveText('4 region items made');
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('item-tile').filter({ hasText: 'after.tif#r2c2' }).dblclick();
  await expect(page.getByTestId('geo-region')).toContainText('at +690,+440 px');
  await expect(page.getByTestId('image-viewer')).toContainText('710×460');
  await expect(page.locator('[data-testid="tile-layer"] img[data-loaded="1"]').first()).toBeVisible({ timeout: 30_000 });
});
