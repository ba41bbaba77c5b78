/**
 * The dataset browser lists DICOM the way a PACS does: grouped by Study / Series Instance UID read
 * from the headers by the background indexer, not by file names. A generated CT series of
 * extension-less files (`IM000001` ...) with a stray scout of another series in its folder, an
 * RTSTRUCT beside it, and pydicom's real MR series (folder names are numbers, files have no
 * extension) are indexed by a real `datum serve --create` and checked in Chromium.
 */
import { expect, test } from '@playwright/test';
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startHost, type RunningHost } from './host';
import { syntheticCtSeries } from '../../core/medical/synthetic';
import { el, newUid, writePart10 } from '../../core/medical/dicom-writer';

const DATA = path.resolve(ROOT, '..', 'shared', 'data');
const MR = path.join(DATA, 'dicom/series/98892003');
let host: RunningHost;

test.beforeAll(async () => {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-dicom-series-')), 'pacs');
  mkdirSync(path.join(dir, 'ct'), { recursive: true });
  syntheticCtSeries({ size: 64, slices: 5 }).forEach((f, i) => writeFileSync(path.join(dir, 'ct', `IM${String(i + 1).padStart(6, '0')}`), f.bytes));
  writeFileSync(path.join(dir, 'ct', 'IM000900'), syntheticCtSeries({ size: 32, slices: 1 })[0].bytes); // the scout
  const rs = newUid();
  const rtstruct = '1.2.840.10008.5.1.4.1.1.481.3';
  writeFileSync(path.join(dir, 'ct', 'RS000001'), writePart10([el(0x00080016, 'UI', rtstruct), el(0x00080018, 'UI', rs), el(0x00080060, 'CS', 'RTSTRUCT'), el(0x0020000d, 'UI', newUid()), el(0x0020000e, 'UI', newUid())], rtstruct, rs));
  if (existsSync(MR)) cpSync(MR, path.join(dir, 'mr'), { recursive: true });
  host = await startHost([dir, '--create']);
});
test.afterAll(async () => host?.stop());

test('series browser groups DICOM by UID, lists an RTSTRUCT as an object and opens the series', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });

  const ct = page.getByTestId('item-tile').filter({ hasText: 'CT · 5 slices · 64×64' });
  await expect(ct).toHaveCount(1);
  await expect(page.getByTestId('item-tile').filter({ hasText: 'IM000900' })).toContainText('CT · 32×32');
  await expect(page.getByTestId('item-tile').filter({ hasText: 'RS000001' })).toContainText('RTSTRUCT object');
  if (existsSync(MR)) {
    // pydicom's MR700 folder: seven extension-less files of one series.
    await expect(page.getByTestId('item-tile').filter({ hasText: 'MR700' })).toContainText(/MR · .+ · 7 slices · 16×16/);
  }
  await page.screenshot({ path: 'test-results/screens/dicom-series-browser.png' });

  await ct.dblclick();
  await expect(page.getByTestId('medical-editor')).toBeVisible({ timeout: 30_000 });
  // A DICOM volume streams in: the editor shows at once, editing waits for the whole volume.
  await expect(page.getByTestId('medical-editor')).toHaveAttribute('data-volume-state', 'complete', { timeout: 60_000 });
  await expect(page.getByTestId('volume-info')).toContainText('64×64×5');

  // The header viewer: only this series' five files (not the scout or the RTSTRUCT beside them).
  await page.getByTestId('open-tags').click();
  await expect(page.getByTestId('tags-file-of')).toHaveText('File 1 of 5');
  await expect(page.getByTestId('tags-table').locator('tr[data-tag="(0008,0060)"]')).toContainText('CT');
  await page.getByTestId('tags-filter').fill('ImagePosition');
  await expect(page.getByTestId('tags-table').locator('tbody tr')).toHaveCount(1);
  await page.getByTestId('tags-next').click();
  await expect(page.getByTestId('tags-file-of')).toHaveText('File 2 of 5');
  await page.getByTestId('tags-filter').fill('');
  await page.screenshot({ path: 'test-results/screens/dicom-tags.png' });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('tag-viewer')).toHaveCount(0);

  // A non-image object: its editor says what it is and still shows its header.
  await page.keyboard.press('Escape');
  await page.getByTestId('item-tile').filter({ hasText: 'RS000001' }).dblclick();
  await expect(page.getByTestId('medical-error')).toContainText('RTSTRUCT');
  await page.getByTestId('open-tags').click();
  await expect(page.getByTestId('tags-table').locator('tr[data-tag="(0008,0060)"]')).toContainText('RTSTRUCT');
  expect(errors).toEqual([]);
});
