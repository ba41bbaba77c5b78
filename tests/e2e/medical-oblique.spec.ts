/**
 * Oblique reslicing and multi-volume DICOM end to end in Chromium against `datum serve`: the real
 * 19° oblique FLAIR resliced on true planes, the crosshair rotated (the other views reslice) and
 * reset, a brush stroke on the resliced axial view exported as NIfTI (the label map stays on the
 * source grid, and the painted voxels lie on the true axial plane, across several source slices);
 * a generated 3-volume DICOM series opens as 4D with the volume slider.
 */
import { expect, test, type Page } from '@playwright/test';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startHost, type RunningHost } from './host';
import { readNifti } from '../../core/medical/nifti';
import { transformPoint } from '../../core/medical/affine';
import { syntheticCtSeries } from '../../core/medical/synthetic';

const DATA = path.resolve(ROOT, '..', 'shared', 'data');
const FLAIR = path.join(DATA, 'nifti/FLAIR.nii.gz');

let dir: string;
let host: RunningHost;

test.beforeAll(async () => {
  dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-medobl-')), 'study');
  mkdirSync(path.join(dir, 'dynamic'), { recursive: true });
  for (const f of syntheticCtSeries({ size: 64, slices: 8, spacing: 3, sliceThickness: 4, timepoints: 4, timeTag: 'triggerTime' })) writeFileSync(path.join(dir, 'dynamic', f.name), f.bytes);
  if (existsSync(FLAIR)) cpSync(FLAIR, path.join(dir, 'nifti/FLAIR.nii.gz'));
  host = await startHost([dir, '--create']);
});
test.afterAll(async () => host?.stop());

async function open(page: Page, name: string) {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('item-tile').filter({ hasText: name }).first().dblclick();
  await expect(page.getByTestId('medical-editor')).toBeVisible({ timeout: 30_000 });
  // A DICOM volume streams in: the editor shows at once, editing waits for the whole volume.
  await expect(page.getByTestId('medical-editor')).toHaveAttribute('data-volume-state', 'complete', { timeout: 60_000 });
  return errors;
}

const canvasSum = (page: Page, view: string) =>
  page.getByTestId(`view-${view}`).locator('canvas').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let s = 0;
    for (let i = 0; i < d.length; i += 4) s += d[i] + d[i + 1] + d[i + 2];
    return s;
  });

test('FLAIR (19° oblique) resliced on true planes; rotate the crosshair; paint; saved voxels lie on the true axial plane', async ({ page }) => {
  test.skip(!existsSync(FLAIR), `${FLAIR} is absent`);
  const errors = await open(page, 'FLAIR');
  await expect(page.getByTestId('geometry-warning')).toContainText('19.0°');
  await page.screenshot({ path: 'test-results/screens/medical-oblique-voxel-planes.png' });
  await page.getByTestId('reslice-toggle').check();
  for (const v of ['axial', 'coronal', 'sagittal']) await expect(page.getByTestId(`view-title-${v}`)).toHaveAttribute('data-resliced', 'true');
  // True planes carry the true letters (radiological: patient right on the screen's left).
  const edges = (v: string) => Promise.all(['left', 'right', 'top', 'bottom'].map((e) => page.getByTestId(`edge-${e}-${v}`).innerText()));
  expect(await edges('axial')).toEqual(['R', 'L', 'A', 'P']);
  expect(await edges('coronal')).toEqual(['R', 'L', 'S', 'I']);
  expect(await edges('sagittal')).toEqual(['A', 'P', 'S', 'I']);
  await page.screenshot({ path: 'test-results/screens/medical-oblique-true-planes.png' });

  // Rotate the crosshair in the axial view (Ctrl+drag around the centre): the coronal view reslices.
  const coronal0 = await canvasSum(page, 'coronal');
  const axialBefore = await canvasSum(page, 'axial');
  const ax = (await page.getByTestId('view-axial').locator('canvas').boundingBox())!;
  const [cx, cy] = [ax.x + ax.width / 2, ax.y + ax.height / 2];
  await page.keyboard.down('Control');
  await page.mouse.move(cx + 80, cy);
  await page.mouse.down();
  for (let s = 1; s <= 6; s++) await page.mouse.move(cx + 80 * Math.cos((s * Math.PI) / 36), cy + 80 * Math.sin((s * Math.PI) / 36));
  await page.mouse.up();
  await page.keyboard.up('Control');
  await expect.poll(() => canvasSum(page, 'coronal')).not.toBe(coronal0);
  await page.screenshot({ path: 'test-results/screens/medical-oblique-rotated.png' });
  // Reset orientation gives the true planes back, pixel for pixel.
  await page.getByTestId('reset-orientation').click();
  await expect.poll(() => canvasSum(page, 'coronal')).toBe(coronal0);
  expect(await canvasSum(page, 'axial')).toBe(axialBefore);
  // Dragging a line's round handle (no modifier) rotates too: here in the coronal view, so the axial view reslices.
  const cor = (await page.getByTestId('view-coronal').locator('canvas').boundingBox())!;
  const handle = (await page.getByTestId('view-coronal').getAttribute('data-handles'))!.split(';')[0].split(',').map(Number);
  const centre = (await page.getByTestId('view-coronal').getAttribute('data-centre'))!.split(',').map(Number);
  await page.mouse.move(cor.x + handle[0], cor.y + handle[1]);
  await page.mouse.down();
  const r = Math.hypot(handle[0] - centre[0], handle[1] - centre[1]);
  const a0 = Math.atan2(handle[1] - centre[1], handle[0] - centre[0]);
  for (let s = 1; s <= 5; s++) await page.mouse.move(cor.x + centre[0] + r * Math.cos(a0 + s * 0.05), cor.y + centre[1] + r * Math.sin(a0 + s * 0.05));
  await page.mouse.up();
  await expect.poll(() => canvasSum(page, 'axial')).not.toBe(axialBefore);
  await page.keyboard.press('Shift+O');
  await expect.poll(() => canvasSum(page, 'axial')).toBe(axialBefore);

  // Paint a stroke on the resliced (true) axial plane, then export the label map as NIfTI.
  await page.getByTestId('tool-brush').click();
  await page.getByTestId('brush-size').fill('4');
  await page.mouse.move(cx - 40, cy);
  await page.mouse.down();
  for (let s = 1; s <= 8; s++) await page.mouse.move(cx - 40 + s * 10, cy);
  await page.mouse.up();
  await expect(page.getByTestId('medical-save-state')).toHaveText('Saved', { timeout: 15_000 });
  // The stroke lay on the axial view's coronal crosshair line, so the coronal view (same centre) shows it too.
  const reddish = (view: string) =>
    page.getByTestId(`view-${view}`).locator('canvas').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] > d[i + 1] + 50 && d[i] > d[i + 2] + 50) n++;
      return n;
    });
  expect(await reddish('axial')).toBeGreaterThan(100);
  expect(await reddish('coronal')).toBeGreaterThan(10);
  await page.getByTestId('export-nifti').click();
  await expect(page.getByTestId('medical-message')).toContainText(/Wrote exports\/.*labels\.nii\.gz/);
  const rel = (await page.getByTestId('medical-message').innerText()).match(/exports\/\S*labels\.nii\.gz/)![0];
  const labels = readNifti(new Uint8Array(readFileSync(path.join(dir, rel))), 'labels');
  const flair = readNifti(new Uint8Array(readFileSync(FLAIR)), 'FLAIR');
  // The label map kept FLAIR's own (source) grid and geometry.
  expect(labels.dims).toEqual(flair.dims);
  for (let i = 0; i < 16; i++) expect(labels.affine[i]).toBeCloseTo(flair.affine[i], 3);
  const [nx, ny] = labels.dims;
  const zs: number[] = [];
  const perAxis: Set<number>[] = [new Set(), new Set(), new Set()];
  labels.data.forEach((v, idx) => {
    if (!v) return;
    const ijk: [number, number, number] = [idx % nx, Math.floor(idx / nx) % ny, Math.floor(idx / (nx * ny))];
    zs.push(transformPoint(flair.affine, ijk)[2]);
    ijk.forEach((c, d) => perAxis[d].add(c));
  });
  expect(zs.length).toBeGreaterThan(50);
  // On one true axial plane: every painted voxel centre within half a voxel diagonal of it.
  const diag = Math.hypot(...flair.spacing);
  expect(Math.max(...zs) - Math.min(...zs)).toBeLessThanOrEqual(diag);
  // ... which on a 19° oblique grid crosses several voxel slices along every source axis.
  for (const s of perAxis) expect(s.size).toBeGreaterThan(1);
  await page.screenshot({ path: 'test-results/screens/medical-oblique-painted.png' });
  expect(errors).toEqual([]);
});

test('a DICOM series of 4 volumes at the same positions opens as 4D with the volume slider', async ({ page }) => {
  const errors = await open(page, 'dynamic');
  await expect(page.getByTestId('fourd-label')).toHaveText('4D data: 4 volumes');
  await expect(page.getByTestId('time-label')).toHaveText('Volume 1 / 4');
  await expect(page.getByTestId('slice-label-axial')).toHaveText(/\/ 8$/);
  const before = await canvasSum(page, 'axial');
  await page.getByTestId('time-slider').fill('3');
  await expect(page.getByTestId('time-label')).toHaveText('Volume 4 / 4');
  // Volume 4 is 300 HU brighter inside the cylinder: the picture changes.
  await expect.poll(() => canvasSum(page, 'axial')).not.toBe(before);
  await page.screenshot({ path: 'test-results/screens/medical-4d-dicom.png' });
  expect(errors).toEqual([]);
});
