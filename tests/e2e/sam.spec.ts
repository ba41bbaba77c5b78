/**
 * Click-to-segment end to end: a tiny SAM-signature model (its decoder returns a fixed mask over
 * one of the demo shapes) in the demo project's models/ folder, the Segment (AI) tool, a click,
 * Enter, and the polygon on disk with source model.
 */
import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, startHost, type RunningHost } from './host';
import { writeTinySam } from '../../main/services/inference/testing/samModel';

let demo: string;
let host: RunningHost;
let rect: [number, number, number, number];

test.beforeAll(async () => {
  demo = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-sam-')), 'demo');
  const r = await runCli(['demo', demo, '--json']);
  expect(r.code, r.stderr).toBe(0);
  const truth = JSON.parse(readFileSync(path.join(demo, 'images', 'ground_truth.json'), 'utf8'))['shapes_01.png'] as { label: string; box: number[] }[];
  const shape = truth.find((s) => s.label === 'square') ?? truth[0];
  rect = shape.box.map((v, i) => (i < 2 ? Math.ceil(v) : Math.floor(v))) as [number, number, number, number];
  writeTinySam(path.join(demo, 'models'), { width: 640, height: 480, rect });
  host = await startHost([demo]);
});
test.afterAll(async () => host?.stop());

test('Segment (AI): click, Enter, polygon with source model on disk', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  await expect(page.getByTestId('project-name')).toHaveText('Datum demo');
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('item-tile').filter({ hasText: 'shapes_01' }).dblclick();
  await expect(page.getByTestId('image-viewer').locator('img')).toHaveJSProperty('naturalWidth', 640);
  await expect(page.getByTestId('editor-overlay')).toBeVisible();
  const img = page.getByTestId('image-viewer').locator('img');
  const box = (await img.boundingBox())!;
  const k = box.width / 640;
  const at = (x: number, y: number) => [box.x + x * k, box.y + y * k] as const;

  await page.keyboard.press('4'); // the Square label
  const segment = page.getByTestId('tool-segment');
  await expect(segment).toBeEnabled({ timeout: 15_000 });
  await segment.click();
  await expect(segment).toHaveAttribute('aria-pressed', 'true');
  const cx = (rect[0] + rect[2]) / 2, cy = (rect[1] + rect[3]) / 2;
  await page.mouse.click(...at(cx, cy));
  await page.keyboard.down('Shift'); // a background point
  await page.mouse.click(...at(5, 5));
  await page.keyboard.up('Shift');
  // the preview polygon appears once the host answered
  await expect(page.getByTestId('preview').locator('polygon')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/screens/sam-preview.png' });
  await page.keyboard.press('Enter');
  const rows = page.getByTestId('object-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-kind', 'polygon');
  await expect(rows.first()).toContainText('93%');
  await expect(rows.first()).toContainText('Square');
  await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 20_000 });
  await page.screenshot({ path: 'test-results/screens/sam-result.png' });

  const dir = path.join(demo, 'annotations');
  const objects = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')).objects ?? []);
  const poly = objects.find((o: { geometry: { kind: string } }) => o.geometry.kind === 'polygon');
  expect(poly.source).toEqual({ kind: 'model', model: 'tiny-sam', score: 0.93 });
  const xs = poly.geometry.points.filter((_: number, i: number) => i % 2 === 0);
  const ys = poly.geometry.points.filter((_: number, i: number) => i % 2 === 1);
  expect(Math.min(...xs)).toBe(rect[0]);
  expect(Math.min(...ys)).toBe(rect[1]);
  expect(Math.max(...xs)).toBe(rect[2] - 1);
  expect(Math.max(...ys)).toBe(rect[3] - 1);
  expect(errors).toEqual([]);
});

test('Segment (AI) with a box prompt: drag around the object, Enter, polygon on disk', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // What the renderer sends over the wire: the sam.segment request must carry the dragged box.
  const sent: string[] = [];
  page.on('websocket', (ws) => ws.on('framesent', (f) => typeof f.payload === 'string' && f.payload.includes('sam.segment') && sent.push(f.payload)));
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('item-tile').filter({ hasText: 'shapes_02' }).dblclick();
  const img = page.getByTestId('image-viewer').locator('img');
  await expect(img).toHaveJSProperty('naturalWidth', 640);
  await expect(page.getByTestId('editor-overlay')).toBeVisible();
  await page.keyboard.press('4');
  const segment = page.getByTestId('tool-segment');
  await expect(segment).toBeEnabled({ timeout: 15_000 });
  await segment.click();
  await expect(page.getByTestId('tool-hint')).toContainText('drag a box');
  // Measured after the tool is chosen: its hint line changes the layout above the image.
  const box = (await img.boundingBox())!;
  const k = box.width / 640;
  const at = (x: number, y: number) => [box.x + x * k, box.y + y * k] as const;
  await page.mouse.move(...at(rect[0] - 6, rect[1] - 6));
  await page.mouse.down();
  await page.mouse.move(...at((rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2), { steps: 4 });
  // while dragging, the prompt box is drawn
  await expect(page.getByTestId('preview').locator('rect')).toHaveCount(1);
  await page.mouse.move(...at(rect[2] + 6, rect[3] + 6), { steps: 4 });
  await page.mouse.up();
  await expect(page.getByTestId('preview').locator('polygon')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/screens/sam-box.png' });
  const request = JSON.parse(sent.at(-1)!);
  const params = request.params ?? request.input ?? request;
  expect(params.points).toEqual([]);
  const [x1, y1, x2, y2] = params.box as number[];
  // the box went out in image pixels, a few pixels around the object
  expect(Math.abs(x1 - (rect[0] - 6))).toBeLessThan(2);
  expect(Math.abs(y1 - (rect[1] - 6))).toBeLessThan(2);
  expect(Math.abs(x2 - (rect[2] + 6))).toBeLessThan(2);
  expect(Math.abs(y2 - (rect[3] + 6))).toBeLessThan(2);
  await page.keyboard.press('Enter');
  const rows = page.getByTestId('object-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-kind', 'polygon');
  await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 20_000 });
  expect(errors).toEqual([]);
});

test('without a promptable-segment model the tool is disabled with a hint', async ({ page }) => {
  const bare = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-sam-bare-')), 'demo');
  expect((await runCli(['demo', bare, '--json'])).code).toBe(0);
  const other = await startHost([bare]);
  try {
    await page.goto(other.url);
    await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
    await page.getByTestId('item-tile').filter({ hasText: 'shapes_01' }).dblclick();
    await expect(page.getByTestId('editor-overlay')).toBeVisible();
    await expect(page.getByTestId('tool-segment')).toBeDisabled();
    await expect(page.getByTestId('tool-segment')).toHaveAttribute('title', /needs a promptable-segment/);
  } finally {
    await other.stop();
  }
});
