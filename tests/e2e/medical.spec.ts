/**
 * The medical editor end to end: a real `datum serve --create` over a copy of the MR series and
 * the FLAIR/lesion NIfTI pair, driven in Chromium. Paints, interpolates, exports SEG and NIfTI,
 * reads the exported files with the core readers and imports them back. Every request must go to
 * the local host.
 */
import { expect, test, type Page } from '@playwright/test';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startHost, type RunningHost } from './host';
import { readNifti } from '../../core/medical/nifti';
import { loadDicomVolume } from '../../core/medical/series';
import { readDicomSeg } from '../../core/medical/seg';

const DATA = path.resolve(ROOT, '..', 'shared', 'data');
const HAS_DATA = existsSync(path.join(DATA, 'dicom/mr3slice')) && existsSync(path.join(DATA, 'nifti/FLAIR.nii.gz'));
const MR_FILES = ['1-001.dcm', '1-002.dcm', '1-003.dcm'];

let dir: string;
let host: RunningHost;

test.skip(!HAS_DATA, `${DATA} is absent: the medical E2E needs the shared sample data`);

test.beforeAll(async () => {
  if (!HAS_DATA) return;
  dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-medical-')), 'study');
  cpSync(path.join(DATA, 'dicom/mr3slice'), path.join(dir, 'mr3slice'), { recursive: true });
  cpSync(path.join(DATA, 'nifti/FLAIR.nii.gz'), path.join(dir, 'nifti/FLAIR.nii.gz'));
  cpSync(path.join(DATA, 'nifti/lesion.nii.gz'), path.join(dir, 'nifti/lesion.nii.gz'));
  host = await startHost([dir, '--create']);
});
test.afterAll(async () => host?.stop());

async function openApp(page: Page) {
  const errors: string[] = [];
  const foreign: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('request', (r) => {
    const u = r.url();
    if (u.startsWith('data:') || u.startsWith('blob:')) return;
    if (new URL(u).origin !== host.origin) foreign.push(u);
  });
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  return { errors, foreign };
}

const voxels = async (page: Page, n: number) => Number(await page.locator(`[data-testid=segment-row][data-number="${n}"]`).getAttribute('data-voxels'));

async function stroke(page: Page, view: string, from: [number, number], to: [number, number]) {
  const box = (await page.getByTestId(view).locator('canvas').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx + from[0], cy + from[1]);
  await page.mouse.down();
  for (let s = 1; s <= 6; s++) await page.mouse.move(cx + from[0] + ((to[0] - from[0]) * s) / 6, cy + from[1] + ((to[1] - from[1]) * s) / 6);
  await page.mouse.up();
}

test('MR series: window, paint, interpolate, export SEG + NIfTI, read them back, import, undo', async ({ page }) => {
  const { errors, foreign } = await openApp(page);
  await page.getByTestId('item-tile').filter({ hasText: 'mr3slice' }).dblclick();
  await expect(page.getByTestId('medical-editor')).toBeVisible({ timeout: 30_000 });
  // A DICOM volume streams in: the editor shows at once, editing waits for the whole volume.
  await expect(page.getByTestId('medical-editor')).toHaveAttribute('data-volume-state', 'complete', { timeout: 60_000 });
  await expect(page.getByTestId('volume-info')).toContainText('512×512×3');
  await expect(page.getByTestId('slice-label-axial')).toHaveText('Slice 2 / 3');

  // Window level/width by right-drag on the axial view.
  const wl0 = await page.getByTestId('wl-axial').innerText();
  const axial = (await page.getByTestId('view-axial').locator('canvas').boundingBox())!;
  await page.mouse.move(axial.x + 100, axial.y + 100);
  await page.mouse.down({ button: 'right' });
  await page.mouse.move(axial.x + 180, axial.y + 140, { steps: 5 });
  await page.mouse.up({ button: 'right' });
  const wl1 = await page.getByTestId('wl-axial').innerText();
  expect(wl1).not.toBe(wl0);
  await expect(page.getByTestId('wl-coronal')).toHaveText(wl1); // one window for all views

  // Paint slice 1 and slice 3 with the brush, then interpolate slice 2.
  await page.keyboard.press('b');
  await page.mouse.move(axial.x + axial.width / 2, axial.y + axial.height / 2);
  await page.keyboard.press('PageUp');
  await expect(page.getByTestId('slice-label-axial')).toHaveText('Slice 1 / 3');
  await stroke(page, 'view-axial', [-60, -20], [40, 10]);
  await page.keyboard.press('PageDown');
  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('slice-label-axial')).toHaveText('Slice 3 / 3');
  await stroke(page, 'view-axial', [-50, -10], [50, 20]);
  const painted = await voxels(page, 1);
  expect(painted).toBeGreaterThan(500);
  await page.getByTestId('interpolate').click();
  await expect(page.getByTestId('medical-message')).toContainText('voxels interpolated');
  const total = await voxels(page, 1);
  expect(total).toBeGreaterThan(painted);
  await expect(page.getByTestId('segment-ml').first()).not.toHaveText('0.00 ml');

  // Undo / redo the interpolation.
  await page.keyboard.press('Control+z');
  await expect.poll(() => voxels(page, 1)).toBe(painted);
  await page.keyboard.press('Control+Shift+z');
  await expect.poll(() => voxels(page, 1)).toBe(total);
  await expect(page.getByTestId('medical-save-state')).toHaveText('Saved');

  // Export both formats.
  await page.getByTestId('export-seg').click();
  await expect(page.getByTestId('medical-message')).toContainText(/Wrote exports\/.*seg-deid\.dcm/);
  const segRel = (await page.getByTestId('medical-message').innerText()).replace('Wrote ', '').trim();
  await page.getByTestId('export-nifti').click();
  await expect(page.getByTestId('medical-message')).toContainText(/Wrote exports\/.*labels\.nii\.gz/);
  const niiRel = (await page.getByTestId('medical-message').innerText()).replace('Wrote ', '').trim();
  await page.getByTestId('export-rtstruct').click();
  await expect(page.getByTestId('medical-message')).toContainText(/Wrote exports\/.*rtstruct-deid\.dcm/);
  const rsRel = (await page.getByTestId('medical-message').innerText()).replace('Wrote ', '').trim();

  // The exported files hold exactly what was painted, on all three slices.
  const nii = readNifti(new Uint8Array(readFileSync(path.join(dir, niiRel))), 'labels.nii.gz');
  expect(nii.dims).toEqual([512, 512, 3]);
  const plane = 512 * 512;
  let count = 0;
  const perSlice = [0, 0, 0];
  for (let i = 0; i < nii.data.length; i++) {
    if (nii.data[i] === 1) {
      count++;
      perSlice[Math.floor(i / plane)]++;
    }
  }
  expect(count).toBe(total);
  expect(perSlice.every((n) => n > 0)).toBe(true);
  const ref = await loadDicomVolume(MR_FILES.map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(path.join(dir, 'mr3slice', n))) })));
  const seg = await readDicomSeg(new Uint8Array(readFileSync(path.join(dir, segRel))), 'seg', ref.volume);
  const mask = seg.masks.get(1)!;
  let same = 0;
  for (let i = 0; i < mask.length; i++) if ((mask[i] === 1) === (nii.data[i] === 1)) same++;
  expect(same).toBe(mask.length);
  expect(readFileSync(path.join(dir, segRel)).includes(Buffer.from('ANONYMOUS'))).toBe(true);

  // Import both back as overlays: new segments with the same voxels.
  await page.getByTestId('import-path').fill(niiRel);
  await page.getByTestId('import-nifti').click();
  await expect(page.getByTestId('segment-row')).toHaveCount(2);
  await expect.poll(() => voxels(page, 2)).toBe(total);
  await page.getByTestId('import-path').fill(segRel);
  await page.getByTestId('import-seg').click();
  await expect(page.getByTestId('segment-row')).toHaveCount(3);
  await expect.poll(() => voxels(page, 3)).toBe(total);
  await page.getByTestId('medical-undo').click();
  await expect.poll(() => voxels(page, 3)).toBe(0);
  await expect.poll(() => voxels(page, 2)).toBe(total);
  await page.getByTestId('medical-redo').click();
  await expect.poll(() => voxels(page, 3)).toBe(total);
  // The RTSTRUCT's contours come back as a fourth segment with exactly the painted voxels.
  await page.getByTestId('import-path').fill(rsRel);
  await page.getByTestId('import-rtstruct').click();
  await expect(page.getByTestId('segment-row')).toHaveCount(4);
  await expect.poll(() => voxels(page, 4)).toBe(total);

  // A distance measurement on the coronal view.
  await page.keyboard.press('m');
  await stroke(page, 'view-coronal', [-60, 0], [60, 0]);
  await expect(page.getByTestId('measure-coronal')).toHaveText(/^\d+(\.\d)? mm$/);
  await page.keyboard.press('c');
  await expect(page.getByTestId('medical-save-state')).toHaveText('Saved');
  await page.screenshot({ path: 'test-results/screens/medical.png' });

  // Reopening restores the saved label map from the host.
  await page.getByTestId('back').click();
  await page.getByTestId('item-tile').filter({ hasText: 'mr3slice' }).dblclick();
  await expect(page.getByTestId('segment-row')).toHaveCount(4);
  await expect.poll(() => voxels(page, 1)).toBe(0); // the RTSTRUCT import (label 4) won every voxel
  await expect.poll(() => voxels(page, 4)).toBe(total);

  expect(errors).toEqual([]);
  expect(foreign).toEqual([]);
});

test('FLAIR with the lesion NIfTI as an overlay; threshold fill on one slice', async ({ page }) => {
  const { errors, foreign } = await openApp(page);
  await page.getByTestId('item-tile').filter({ hasText: 'FLAIR' }).dblclick();
  await expect(page.getByTestId('volume-info')).toContainText('124×160×140');
  // FLAIR's sform is 19° off the patient axes: shown on the nearest voxel planes, and said so.
  await expect(page.getByTestId('geometry-warning')).toContainText('oblique acquisition: the voxel axes are up to 19.0° off');
  await expect(page.getByTestId('export-seg')).toBeDisabled();
  await page.getByTestId('import-path').fill('nifti/lesion.nii.gz');
  await page.getByTestId('import-nifti').click();
  // lesion.nii.gz holds labels 1, 2 and 3: three new segments (2, 3, 4) with the same voxel counts.
  await expect(page.getByTestId('segment-row')).toHaveCount(4);
  const lesion = readNifti(new Uint8Array(readFileSync(path.join(dir, 'nifti/lesion.nii.gz'))), 'lesion');
  for (const label of [1, 2, 3]) {
    const expected = Array.from(lesion.data).filter((v) => v === label).length;
    await expect.poll(() => voxels(page, label + 1)).toBe(expected);
  }

  // Threshold fill on the current axial slice into segment 1.
  await page.getByTestId('segment-row').first().click();
  await page.getByTestId('thr-min').fill('150');
  await page.getByTestId('thr-max').fill('255');
  await page.getByTestId('view-axial').hover();
  await page.getByTestId('threshold-fill').click();
  await expect.poll(() => voxels(page, 1)).toBeGreaterThan(0);
  // Crosshair: a click high on the coronal view moves the axial slice up (synchronized views).
  const axialBefore = await page.getByTestId('slice-label-axial').innerText();
  const cor = (await page.getByTestId('view-coronal').locator('canvas').boundingBox())!;
  await page.mouse.click(cor.x + cor.width / 2, cor.y + cor.height * 0.25);
  await expect(page.getByTestId('slice-label-axial')).not.toHaveText(axialBefore);
  const axialAfter = Number((await page.getByTestId('slice-label-axial').innerText()).match(/\d+/)![0]);
  expect(axialAfter).toBeGreaterThan(Number(axialBefore.match(/\d+/)![0]));
  // Wheel scrolls the slice under the mouse; Ctrl+wheel zooms without changing it.
  await page.mouse.move(cor.x + cor.width / 2, cor.y + cor.height / 2);
  const corBefore = await page.getByTestId('slice-label-coronal').innerText();
  await page.mouse.wheel(0, 100);
  await expect(page.getByTestId('slice-label-coronal')).not.toHaveText(corBefore);
  const corScrolled = await page.getByTestId('slice-label-coronal').innerText();
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -300);
  await page.keyboard.up('Control');
  await expect(page.getByTestId('slice-label-coronal')).toHaveText(corScrolled);
  // Polygon (double-click closes) then eraser, on the axial view, in segment 1.
  const before = await voxels(page, 1);
  await page.keyboard.press('p');
  const ax = (await page.getByTestId('view-axial').locator('canvas').boundingBox())!;
  const [mx, my] = [ax.x + ax.width / 2, ax.y + ax.height / 2];
  await page.mouse.click(mx - 60, my - 40);
  await page.mouse.click(mx + 60, my - 40);
  await page.mouse.click(mx + 60, my + 40);
  await page.mouse.dblclick(mx - 60, my + 40);
  await expect.poll(() => voxels(page, 1)).toBeGreaterThan(before + 200);
  const withPolygon = await voxels(page, 1);
  await page.keyboard.press('e');
  await stroke(page, 'view-axial', [-30, 0], [30, 0]);
  await expect.poll(() => voxels(page, 1)).toBeLessThan(withPolygon);
  await page.keyboard.press('c');
  await page.keyboard.press('PageDown');
  await page.getByTestId('preset-ctBrain').click();
  await expect(page.getByTestId('wl-axial')).toHaveText('W 80 · L 40');
  await page.getByTestId('preset-default').click();
  await page.getByTestId('invert').check();
  await page.getByTestId('invert').uncheck();
  await expect(page.getByTestId('medical-save-state')).toHaveText('Saved');
  await page.screenshot({ path: 'test-results/screens/medical-flair.png' });
  expect(errors).toEqual([]);
  expect(foreign).toEqual([]);
});
