/**
 * A georeferenced 16-bit, 4-band GeoTIFF (generated with geotiff's writer, UTM 33N, 10 m pixels)
 * opens through the host tile pyramid, shows its CRS, ground resolution and the cursor's map and
 * lon/lat coordinates, and a box drawn on it comes out as GeoJSON in WGS 84.
 */
import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startHost, type RunningHost } from './host';
import { SCENE, surfaceAt, writeGeoScene } from '../../main/services/testing/geoScene';

let host: RunningHost;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-geo-'));
  mkdirSync(path.join(dir, 'scenes'));
  writeGeoScene(path.join(dir, 'scenes', 'multispectral.tif'));
  host = await startHost([dir, '--create']);
});
test.afterAll(async () => host?.stop());

test('a GeoTIFF opens tiled with its CRS, resolution and cursor map coordinates; a box exports as GeoJSON', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('item-tile').filter({ hasText: 'multispectral' }).dblclick();
  await expect(page.getByTestId('image-editor')).toBeVisible();
  // 1400 px is under the tiling threshold, but a GeoTIFF is always served as host tiles
  const layer = page.getByTestId('tile-layer');
  await expect(layer).toBeVisible();
  await expect(page.getByTestId('image-viewer')).toContainText(`${SCENE.width}×${SCENE.height}`);
  await expect(page.getByTestId('geo-crs')).toHaveText('CRS EPSG:32633');
  await expect(page.getByTestId('geo-resolution')).toHaveText('10 m/px');
  await expect(page.getByTestId('geo-readout')).toContainText('4 bands, 16-bit uint');
  await expect(async () => {
    const n = await layer.locator('img').count();
    expect(n).toBeGreaterThan(0);
    expect(await layer.locator('img[data-loaded="1"]').count()).toBe(n);
  }).toPass();

  // the cursor over image pixel (700, 450): E 507000, N 4645500 (± one 10 m pixel)
  const lb = (await layer.boundingBox())!;
  const k = lb.width / SCENE.width;
  const at = (x: number, y: number) => [lb.x + x * k, lb.y + y * k] as const;
  await page.mouse.move(...at(700, 450));
  const text = await page.getByTestId('geo-cursor').textContent();
  const [e, n] = text!.split(' · ')[0].split(', ').map(Number);
  expect(Math.abs(e - (SCENE.x0 + 700 * SCENE.pixel))).toBeLessThan(SCENE.pixel);
  expect(Math.abs(n - (SCENE.y0 - 450 * SCENE.pixel))).toBeLessThan(SCENE.pixel);
  expect(text).toMatch(/41\.9\d+° N 15\.08\d+° E/);
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'geotiff-readout.png') });

  // a box in pixels, exported in lon/lat
  await page.keyboard.press('b');
  await page.mouse.move(...at(300, 300));
  await page.mouse.down();
  await page.mouse.move(...at(500, 420), { steps: 4 });
  await page.mouse.up();
  await expect(page.getByTestId('object-row')).toHaveCount(1);
  await expect(page.getByTestId('save-state')).toHaveText('Saved');
  await page.getByTestId('geo-export').click();
  await expect(page.getByTestId('geo-export-result')).toContainText('1 features');
  const file = (await page.getByTestId('geo-export-result').textContent())!.split('→ ')[1].trim();
  const fc = JSON.parse(readFileSync(file, 'utf8'));
  expect(fc.features).toHaveLength(1);
  const ring = fc.features[0].geometry.coordinates[0] as [number, number][];
  expect(ring).toHaveLength(5);
  for (const [lon, lat] of ring) {
    expect(lon).toBeGreaterThan(15.03);
    expect(lon).toBeLessThan(15.07);
    expect(lat).toBeGreaterThan(41.95);
    expect(lat).toBeLessThan(42.0);
  }
  expect(errors).toEqual([]);
});

/** RGB of image pixel (x, y) as Chromium drew it: read back from the loaded level-0 tile of that display (bands_stretch key). */
async function drawnPixel(page: import('@playwright/test').Page, x: number, y: number, display: string): Promise<number[]> {
  const tx = Math.floor(x / 512), ty = Math.floor(y / 512);
  const img = page.locator(`[data-testid="tile-layer"] img[data-level="0"][data-loaded="1"][src$="/0/${tx}/${ty}?d=${display}"]`);
  await expect(img).toHaveCount(1);
  return img.evaluate((el: HTMLImageElement, [px, py]) => {
    const c = document.createElement('canvas');
    c.width = el.naturalWidth;
    c.height = el.naturalHeight;
    const g = c.getContext('2d')!;
    g.drawImage(el, 0, 0);
    return [...g.getImageData(px, py, 1, 1).data.slice(0, 3)];
  }, [x % 512, y % 512]);
}

test('band presets: false-colour infrared shows vegetation red, saved for the project', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('item-tile').filter({ hasText: 'multispectral' }).dblclick();
  await expect(page.getByTestId('tile-layer')).toBeVisible();
  await page.keyboard.press('0'); // 1:1 zoom (the image editor's key; digits pick labels): level-0 tiles
  await page.getByTestId('raster-preset').selectOption('falseColourInfrared');
  await expect(page.getByTestId('raster-band-R')).toHaveValue('3');
  await expect(page.getByTestId('raster-band-G')).toHaveValue('2');
  await expect(page.getByTestId('raster-band-B')).toHaveValue('1');
  expect(surfaceAt(820, 420)).toBe('vegetation');
  const veg = await drawnPixel(page, 820, 420, '3-2-1_2-98');
  expect(veg[0]).toBeGreaterThan(190);
  expect(veg[1]).toBeLessThan(80);
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'geotiff-false-colour.png') });
  // The tools fold away to one line (CRS, resolution, cursor) so the image is not covered.
  await page.getByTestId('geo-fold').click();
  await expect(page.getByTestId('raster-preset')).toHaveCount(0);
  await expect(page.getByTestId('geo-cursor')).toBeVisible();
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'geotiff-folded.png') });
  await page.getByTestId('geo-fold').click();
  await page.getByTestId('raster-preset').selectOption('trueColour');
  await expect(page.getByTestId('raster-band-R')).toHaveValue('2');
  const vegTrue = await drawnPixel(page, 820, 420, '2-1-0_2-98');
  expect(vegTrue[0]).toBeLessThan(veg[0] - 100);
  // a single band by hand: R, G, B all band 4 (NIR) is grey
  for (const c of ['R', 'G', 'B']) await page.getByTestId(`raster-band-${c}`).selectOption({ value: '3' }); // 0-based value; the label reads 4
  await expect(page.getByTestId('raster-preset')).toHaveValue('');
  const grey = await drawnPixel(page, 820, 420, '3-3-3_2-98');
  expect(Math.max(...grey) - Math.min(...grey)).toBeLessThan(12);
  // saved per project: a reload keeps it
  await page.reload();
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('item-tile').filter({ hasText: 'multispectral' }).dblclick(); // a reload lands on the dataset
  await expect(page.getByTestId('raster-band-G')).toHaveValue('3', { timeout: 30_000 });
});
