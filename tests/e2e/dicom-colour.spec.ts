/**
 * Colour DICOM with the image tools, in Chromium against a real `datum serve`: the real COCO
 * photo (image 139, YCbCr JPEG) wrapped as an encapsulated YBR_FULL_422 JPEG Baseline DICOM and a
 * generated three-frame RGB clip are added to the demo project. The single frame is annotated with
 * a box and exported as COCO with the CLI; the clip opens as a frame sequence with a timeline.
 */
import { expect, test } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli, startHost, type RunningHost } from './host';
import { colourSecondaryCapture } from '../../core/medical/synthetic';
import { TRANSFER_SYNTAX } from '../../core/medical/dicom';

const JPEG = path.resolve(ROOT, '..', 'shared', 'data', 'images', 'coco139', '000000000139.jpg');
let demo: string;
let host: RunningHost;

test.skip(!existsSync(JPEG), `${JPEG} is absent: the colour DICOM E2E wraps the shared COCO photo`);


test.beforeAll(async () => {
  if (!existsSync(JPEG)) return;
  demo = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-dicom-colour-')), 'demo');
  const r = await runCli(['demo', demo, '--json']);
  expect(r.code, r.stderr).toBe(0);
  writeFileSync(path.join(demo, 'endoscopy.dcm'), colourSecondaryCapture('YBR_FULL_422', 426, 640, 8, 1, { encapsulated: [new Uint8Array(readFileSync(JPEG))] }, TRANSFER_SYNTAX.jpegBaseline));
  // Three 64x48 RGB frames: red, green, blue.
  const clip = new Uint8Array(3 * 64 * 48 * 3);
  for (let f = 0; f < 3; f++) for (let p = 0; p < 64 * 48; p++) clip[(f * 64 * 48 + p) * 3 + f] = 255;
  writeFileSync(path.join(demo, 'ultrasound.dcm'), colourSecondaryCapture('RGB', 48, 64, 8, 3, clip));
  host = await startHost([demo]);
});
test.afterAll(async () => host?.stop());

test('a colour DICOM opens in the image editor, takes a box and exports as COCO; a colour clip is a frame sequence', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId('item-tile').filter({ hasText: 'endoscopy.dcm' })).toContainText('XC · 640×426');
  await page.getByTestId('item-tile').filter({ hasText: 'endoscopy.dcm' }).dblclick();
  await expect(page.getByTestId('image-editor')).toBeVisible();
  const img = page.getByTestId('image-viewer').locator('img');
  await expect(img).toHaveJSProperty('naturalWidth', 640);
  await expect(page.getByTestId('editor-overlay')).toBeVisible();
  // The decoded photo is colour (not grey): sample the PNG the host served.
  const chroma = await img.evaluate((i: HTMLImageElement) => {
    const c = document.createElement('canvas');
    c.width = i.naturalWidth;
    c.height = i.naturalHeight;
    const g = c.getContext('2d')!;
    g.drawImage(i, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let s = 0;
    for (let k = 0; k < d.length; k += 4) s += Math.abs(d[k] - d[k + 2]);
    return s / (c.width * c.height);
  });
  expect(chroma).toBeGreaterThan(5);

  const box = (await img.boundingBox())!;
  const k = box.width / 640;
  const at = (x: number, y: number) => [box.x + x * k, box.y + y * k] as const;
  await page.keyboard.press('4'); // Square in the demo ontology
  await page.keyboard.press('b');
  await page.mouse.move(...at(100, 100));
  await page.mouse.down();
  await page.mouse.move(...at(300, 250), { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('object-row')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/screens/dicom-colour-box.png' });
  await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 15_000 });

  // The clip: three frames with a timeline.
  await page.goto(host.url);
  await page.getByTestId('item-tile').filter({ hasText: 'ultrasound.dcm' }).dblclick();
  await expect(page.getByTestId('image-viewer').locator('img')).toHaveJSProperty('naturalWidth', 64);
  await expect(page.getByTestId('frame-label')).toContainText('3');
  await page.screenshot({ path: 'test-results/screens/dicom-colour-clip.png' });

  const out = path.join(path.dirname(demo), 'coco-out');
  const r = await runCli(['export', 'coco', demo, out, '--json']);
  expect(r.code, r.stderr).toBe(0);
  const coco = JSON.parse(readFileSync(path.join(out, 'annotations', 'instances_default.json'), 'utf8'));
  const image = coco.images.find((i: { file_name: string }) => i.file_name.endsWith('endoscopy.dcm'));
  expect(image).toMatchObject({ width: 640, height: 426 });
  const ann = coco.annotations.filter((a: { image_id: number }) => a.image_id === image.id);
  expect(ann).toHaveLength(1);
  const [x, y, w, h] = ann[0].bbox;
  expect(Math.abs(x - 100)).toBeLessThan(6);
  expect(Math.abs(y - 100)).toBeLessThan(6);
  expect(Math.abs(w - 200)).toBeLessThan(8);
  expect(Math.abs(h - 150)).toBeLessThan(8);
  expect(errors).toEqual([]);
});
