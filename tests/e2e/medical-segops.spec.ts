/**
 * The segment operations of the medical editor in Chromium on the real MR series: region growing
 * from the crosshair (G), smoothing (Shift+M) and keep-largest from the panel, each one undo step;
 * an adaptive MR window preset changes the window.
 */
import { expect, test } from '@playwright/test';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startHost, type RunningHost } from './host';

const DATA = path.resolve(ROOT, '..', 'shared', 'data');
const HAS_DATA = existsSync(path.join(DATA, 'dicom/mr3slice'));
let host: RunningHost;

test.skip(!HAS_DATA, `${DATA} is absent: this E2E needs the shared MR series`);

test.beforeAll(async () => {
  if (!HAS_DATA) return;
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-segops-')), 'study');
  cpSync(path.join(DATA, 'dicom/mr3slice'), path.join(dir, 'mr3slice'), { recursive: true });
  host = await startHost([dir, '--create']);
});
test.afterAll(async () => host?.stop());

test('grow from the crosshair, smooth, keep largest, undo; MR window preset', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('item-tile').filter({ hasText: 'mr3slice' }).dblclick();
  await expect(page.getByTestId('medical-editor')).toBeVisible({ timeout: 30_000 });
  // A DICOM volume streams in: the editor shows at once, editing waits for the whole volume.
  await expect(page.getByTestId('medical-editor')).toHaveAttribute('data-volume-state', 'complete', { timeout: 60_000 });
  const voxels = async () => Number(await page.locator('[data-testid=segment-row][data-number="1"]').getAttribute('data-voxels'));

  const wl0 = await page.getByTestId('wl-axial').innerText();
  await page.getByTestId('preset-mrBrainT1').click();
  await expect(page.getByTestId('wl-axial')).not.toHaveText(wl0);

  // Range: everything above 1 (the tissue, not the air around it).
  await page.getByTestId('thr-min').fill('1');
  await page.getByTestId('thr-max').fill('100000');
  await page.getByTestId('medical-editor').click({ position: { x: 5, y: 5 } }).catch(() => undefined);
  await page.keyboard.press('g');
  await expect.poll(voxels).toBeGreaterThan(1000);
  const grown = await voxels();
  await expect(page.getByTestId('medical-message')).toContainText('voxels changed');

  await page.keyboard.press('Shift+M');
  await expect.poll(voxels).not.toBe(grown);
  const smoothed = await voxels();
  await page.getByTestId('segop-keepLargest').click();
  await expect(page.getByTestId('medical-message')).toContainText('Keep largest');
  const kept = await voxels();
  expect(kept).toBeLessThanOrEqual(smoothed);
  await page.screenshot({ path: 'test-results/screens/medical-segops.png' });

  // Each operation that changed voxels is one undo step (a no-op adds none): undo back to the grown
  // segment, redo to the smoothed one.
  await page.getByTestId('medical-undo').click();
  if (kept !== smoothed) {
    await expect.poll(voxels).toBe(smoothed);
    await page.getByTestId('medical-undo').click();
  }
  await expect.poll(voxels).toBe(grown);
  await page.getByTestId('medical-redo').click();
  await expect.poll(voxels).toBe(smoothed);
  expect(errors).toEqual([]);
});
