/**
 * Geometry that is right or says it is not, end to end in Chromium against `datum serve`: a
 * sagittal acquisition under "Axial" shows the true axial plane (marker on the right side, right
 * letters), a projection image is one 2D viewport, impossible pixel spacing shows a warning with
 * its fallback, RT Dose says Gy, and 4D NIfTI has a volume slider. Inputs are generated
 * (core/medical/synthetic-geometry.ts) plus the real CR image of the shared sample data.
 */
import { expect, test, type Page } from '@playwright/test';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startHost, type RunningHost } from './host';
import { geometryFixtureFiles } from '../../core/medical/synthetic-geometry';

const DATA = path.resolve(ROOT, '..', 'shared', 'data');
const REAL_CR = path.join(DATA, 'dicom/series/77654033/CR1/6154');

let dir: string;
let host: RunningHost;

test.beforeAll(async () => {
  dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-medgeo-')), 'study');
  for (const f of geometryFixtureFiles()) {
    mkdirSync(path.dirname(path.join(dir, f.rel)), { recursive: true });
    writeFileSync(path.join(dir, f.rel), f.bytes);
  }
  if (existsSync(REAL_CR)) {
    mkdirSync(path.join(dir, 'real'), { recursive: true });
    copyFileSync(REAL_CR, path.join(dir, 'real', 'cr1.dcm'));
  }
  host = await startHost([dir, '--create']);
});
test.afterAll(async () => host?.stop());

async function open(page: Page, name: string) {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('item-tile').filter({ hasText: name }).first().dblclick();
  await expect(page.getByTestId('medical-editor')).toBeVisible({ timeout: 30_000 });
  // A DICOM volume streams in: the editor shows at once, editing waits for the whole volume.
  await expect(page.getByTestId('medical-editor')).toHaveAttribute('data-volume-state', 'complete', { timeout: 60_000 });
  return errors;
}

const letters = async (page: Page, view: string) =>
  Promise.all(['left', 'right', 'top', 'bottom'].map((e) => page.getByTestId(`edge-${e}-${view}`).innerText()));

/** Screen position of the brightest (marker) pixel as fractions of the drawn image's box. */
async function markerFraction(page: Page, view: string) {
  return page.getByTestId(`view-${view}`).locator('canvas').evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext('2d')!;
    const { data, width, height } = ctx.getImageData(0, 0, c.width, c.height);
    let sx = 0;
    let sy = 0;
    let n = 0;
    let x0 = width;
    let x1 = 0;
    let y0 = height;
    let y1 = 0;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
        if (r > 6 || g > 6 || b > 6) {
          // Image extent: anything brighter than the background.
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
        }
        if (r > 245 && g > 245 && b > 245) {
          sx += x;
          sy += y;
          n++;
        }
      }
    return n ? { fx: (sx / n - x0) / (x1 - x0), fy: (sy / n - y0) / (y1 - y0), n } : null;
  });
}

test('a sagittal acquisition is shown on the true axial plane under "Axial", with the right letters', async ({ page }) => {
  const errors = await open(page, 'sagittal');
  // Stored 16x12x10 (columns run posterior, rows inferior, slices right): "PIR".
  await expect(page.getByTestId('reoriented-note')).toContainText('PIR');
  await expect(page.getByTestId('volume-info')).toContainText('10×16×12');
  await expect(page.getByTestId('slice-label-axial')).toHaveText('Slice 7 / 12');
  expect(await letters(page, 'axial')).toEqual(['R', 'L', 'A', 'P']);
  expect(await letters(page, 'coronal')).toEqual(['R', 'L', 'S', 'I']);
  expect(await letters(page, 'sagittal')).toEqual(['A', 'P', 'S', 'I']);
  await expect(page.getByTestId('geometry-warning')).toHaveCount(0);
  // The marker (right, posterior, superior) is on axial slice 10: scroll there.
  const axial = page.getByTestId('view-axial').locator('canvas');
  const box = (await axial.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 3; i++) await page.mouse.wheel(0, 100);
  await expect(page.getByTestId('slice-label-axial')).toHaveText('Slice 10 / 12');
  await page.getByTestId('view-axial').hover({ position: { x: 5, y: 5 } });
  const m = await markerFraction(page, 'axial');
  expect(m).not.toBeNull();
  expect(m!.fx).toBeLessThan(0.5); // patient right: screen left (R)
  expect(m!.fy).toBeGreaterThan(0.5); // posterior: bottom (P)
  await page.screenshot({ path: 'test-results/screens/medical-sagittal-as-axial.png' });
  expect(errors).toEqual([]);
});

test('a projection image (CR) is one 2D viewport without made-up letters', async ({ page }) => {
  const errors = await open(page, 'chest.dcm');
  await expect(page.getByTestId('view-axial')).toBeVisible();
  await expect(page.getByTestId('view-coronal')).toHaveCount(0);
  await expect(page.getByTestId('view-sagittal')).toHaveCount(0);
  await expect(page.getByTestId('view-title-axial')).toHaveText('Image');
  await expect(page.getByTestId('projection-note')).toBeVisible();
  // PatientOrientation L\F: the file states these letters.
  expect(await letters(page, 'axial')).toEqual(['R', 'L', 'H', 'F']);
  const w = (await page.getByTestId('view-axial').boundingBox())!;
  const grid = (await page.locator('.mv-grid').boundingBox())!;
  expect(w.width).toBeGreaterThan(grid.width * 0.95);
  await page.screenshot({ path: 'test-results/screens/medical-projection.png' });
  if (existsSync(REAL_CR)) {
    await open(page, 'cr1.dcm');
    await expect(page.getByTestId('view-coronal')).toHaveCount(0);
    await expect(page.getByTestId('view-title-axial')).toHaveText('Image');
    expect(await letters(page, 'axial')).toEqual(['R', 'L', 'H', 'F']);
    await page.screenshot({ path: 'test-results/screens/medical-projection-real-cr.png' });
  }
  expect(errors).toEqual([]);
});

test('impossible pixel spacing shows a warning with its fallback; RT Dose is in Gy', async ({ page }) => {
  const errors = await open(page, 'badspacing');
  const warn = page.getByTestId('geometry-warning');
  await expect(warn).toBeVisible();
  await expect(warn).toContainText('impossible pixel spacing 0.2\\0 mm');
  await expect(warn).toContainText('shown with 0.2 mm');
  await expect(page.getByTestId('volume-info')).toContainText('0.2×0.2×1');
  // The view is drawn (not blank): the image has non-background pixels.
  const lit = await page.getByTestId('view-axial').locator('canvas').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 60) n++;
    return n / (d.length / 4);
  });
  expect(lit).toBeGreaterThan(0.1);
  await page.screenshot({ path: 'test-results/screens/medical-bad-spacing.png' });
  await open(page, 'rtdose.dcm');
  await expect(page.getByTestId('units-note')).toHaveText('Values in Gy');
  await expect(page.getByTestId('volume-info')).toContainText('2.5×2.5×5');
  expect(errors).toEqual([]);
});

test('4D NIfTI: the UI says it is 4D and a slider changes the volume shown', async ({ page }) => {
  const errors = await open(page, 'fmri4d');
  await expect(page.getByTestId('fourd-label')).toHaveText('4D data: 5 volumes');
  await expect(page.getByTestId('time-label')).toHaveText('Volume 1 / 5');
  const sum = () =>
    page.getByTestId('view-axial').locator('canvas').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let s = 0;
      for (let i = 0; i < d.length; i += 4) s += d[i];
      return s;
    });
  const before = await sum();
  await page.getByTestId('time-slider').fill('3');
  await expect(page.getByTestId('time-label')).toHaveText('Volume 4 / 5');
  await expect.poll(sum).not.toBe(before);
  await page.screenshot({ path: 'test-results/screens/medical-4d.png' });
  expect(errors).toEqual([]);
});
