/**
 * Labels of a GeoTIFF leave and come back through the export / import menu under the image: a box
 * drawn in Chromium is exported as a Shapefile (checked on disk and, with gdal-bin, by ogrinfo)
 * and as DOTA; the box is deleted and the DOTA file imported back puts it where it was; importing
 * it again adds nothing.
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startHost, type RunningHost } from './host';
import { SCENE, writeGeoScene } from '../../main/services/testing/geoScene';

let host: RunningHost;
let dir: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-geolabels-'));
  mkdirSync(path.join(dir, 'scenes'));
  writeGeoScene(path.join(dir, 'scenes', 'multispectral.tif'));
  host = await startHost([dir, '--create']);
});
test.afterAll(async () => host?.stop());

function ogrinfo(args: string[]): string | null {
  try {
    return execFileSync('ogrinfo', args, { encoding: 'utf8' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

test('a drawn box exports as Shapefile and DOTA from the image editor, and the DOTA file imports back once', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('item-tile').filter({ hasText: 'multispectral' }).dblclick();
  await expect(page.getByTestId('image-editor')).toBeVisible();
  const layer = page.getByTestId('tile-layer');
  await expect(layer).toBeVisible();
  await expect(page.getByTestId('geo-crs')).toHaveText('CRS EPSG:32633');
  const lb = (await layer.boundingBox())!;
  const k = lb.width / SCENE.width;
  const at = (x: number, y: number) => [lb.x + x * k, lb.y + y * k] as const;

  await page.keyboard.press('b');
  await page.mouse.move(...at(300, 300));
  await page.mouse.down();
  await page.mouse.move(...at(500, 420), { steps: 4 });
  await page.mouse.up();
  await expect(page.getByTestId('object-row')).toHaveCount(1);
  await expect(page.getByTestId('save-state')).toHaveText('Saved');

  // Shapefile in the image CRS
  await page.getByTestId('geo-labels').locator('summary').click();
  await page.getByTestId('geo-format').selectOption('shapefile');
  await page.getByTestId('geo-export-as').click();
  await expect(page.getByTestId('geo-exchange-result')).toContainText('1 objects → exports/');
  const shpDir = path.join(dir, (await page.getByTestId('geo-import-path').inputValue()).trim());
  const files = readdirSync(shpDir);
  const stem = files.find((f) => f.endsWith('_polygons.shp'))!.replace(/\.shp$/, '');
  for (const ext of ['shp', 'shx', 'dbf', 'prj', 'cpg']) expect(files).toContain(`${stem}.${ext}`);
  expect(readFileSync(path.join(shpDir, `${stem}.prj`), 'utf8')).toContain('AUTHORITY["EPSG","32633"]');
  const report = ogrinfo(['-ro', '-al', path.join(shpDir, `${stem}.shp`)]);
  if (report) {
    expect(report).toMatch(/Feature Count: 1/);
    expect(report).toMatch(/kind \(String\) = box2d/);
    // the box's corners in UTM: x 500000 + 10·col, y 4650000 − 10·row (± one pixel: drawn by mouse)
    const ring = /POLYGON \(\((.*?)\)\)/.exec(report)![1].split(',').map((s) => s.trim().split(/\s+/).map(Number));
    const xs = ring.map((p) => p[0]);
    const ys = ring.map((p) => p[1]);
    expect(Math.abs(Math.min(...xs) - (SCENE.x0 + 300 * SCENE.pixel))).toBeLessThan(2 * SCENE.pixel);
    expect(Math.abs(Math.max(...ys) - (SCENE.y0 - 300 * SCENE.pixel))).toBeLessThan(2 * SCENE.pixel);
  } else console.info('ogrinfo (gdal-bin) is not installed: the Shapefile was checked by its files only');

  // DOTA, then the box deleted and the DOTA file imported back
  await page.getByTestId('geo-format').selectOption('dota');
  await page.getByTestId('geo-export-as').click();
  await expect(page.getByTestId('geo-exchange-result')).toContainText('.dota.txt');
  const dotaRel = (await page.getByTestId('geo-import-path').inputValue()).trim();
  const line = readFileSync(path.join(dir, dotaRel), 'utf8').trim().split('\n').pop()!;
  expect(line).toMatch(/^(\S+ ){8}\S+ 0$/);
  const before = line.split(' ').slice(0, 8).map(Number);
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'geo-labels-menu.png') });

  await page.getByTestId('object-row').click();
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('object-row')).toHaveCount(0);
  await expect(page.getByTestId('save-state')).toHaveText('Saved');
  await page.getByTestId('geo-import').click();
  await expect(page.getByTestId('geo-exchange-result')).toContainText('DOTA (oriented boxes): 1 added, 0 updated, 0 already there');
  await expect(page.getByTestId('object-row')).toHaveCount(1); // the editor reloaded the host's document
  await page.getByTestId('geo-import').click();
  await expect(page.getByTestId('geo-exchange-result')).toContainText('0 added, 0 updated, 1 already there');
  await expect(page.getByTestId('object-row')).toHaveCount(1);
  // the Shapefile of the same box: matched by shape (its id is the deleted object's), nothing added
  await page.getByTestId('geo-import-path').fill(path.relative(dir, shpDir));
  await page.getByTestId('geo-import').click();
  await expect(page.getByTestId('geo-exchange-result')).toContainText('Shapefile (.shp + .prj): 0 added, 0 updated, 1 already there');
  await page.getByTestId('geo-import-path').fill(dotaRel);
  // and it is where it was: export again and compare the corners
  await page.getByTestId('geo-export-as').click();
  await expect(page.getByTestId('geo-exchange-result')).toContainText('1 objects');
  const again = readFileSync(path.join(dir, dotaRel), 'utf8').trim().split('\n').pop()!.split(' ').slice(0, 8).map(Number);
  again.forEach((v, i) => expect(Math.abs(v - before[i])).toBeLessThan(1e-6));
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'geo-labels-imported.png') });
  expect(existsSync(path.join(dir, 'exports'))).toBe(true);
  expect(errors).toEqual([]);
});
