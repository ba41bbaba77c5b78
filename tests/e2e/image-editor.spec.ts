/**
 * The image editor end to end, in real Chromium against a real `datum serve` on a demo project:
 * draw every kind of shape, undo/redo, reload and find the objects in the app and on disk, then
 * export COCO with the CLI.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, startHost, type RunningHost } from './host';

let demo: string;
let host: RunningHost;

test.beforeAll(async () => {
  demo = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-image-')), 'demo');
  const r = await runCli(['demo', demo, '--json']);
  expect(r.code, r.stderr).toBe(0);
  host = await startHost([demo]);
});
test.afterAll(async () => host?.stop());

async function openImage(page: Page) {
  await expect(page.getByTestId('project-name')).toHaveText('Datum demo');
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('item-tile').filter({ hasText: 'shapes_01' }).dblclick();
  await expect(page.getByTestId('image-editor')).toBeVisible();
  await expect(page.getByTestId('image-viewer').locator('img')).toHaveJSProperty('naturalWidth', 640);
  await expect(page.getByTestId('editor-overlay')).toBeVisible();
}

/** Image pixel -> page coordinates, from the displayed image's box. */
async function mapper(page: Page) {
  const img = page.getByTestId('image-viewer').locator('img');
  const box = (await img.boundingBox())!;
  const w = await img.evaluate((i: HTMLImageElement) => i.naturalWidth);
  const k = box.width / w;
  return (x: number, y: number) => [box.x + x * k, box.y + y * k] as const;
}

test('draw every shape kind, undo/redo, reload, find it on disk, export COCO', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(host.url);
  await openImage(page);
  const at = await mapper(page);
  const rows = page.getByTestId('object-row');

  // Box with the Square label (hotkey 4 in the demo ontology).
  await page.keyboard.press('4');
  await page.keyboard.press('b');
  await page.mouse.move(...at(40, 40));
  await page.mouse.down();
  await page.mouse.move(...at(100, 80), { steps: 4 });
  await page.mouse.up();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Square');

  // Polygon: three clicks and Enter (Circle label).
  await page.keyboard.press('5');
  await page.keyboard.press('p');
  for (const [x, y] of [[200, 40], [300, 60], [250, 150]] as const) await page.mouse.click(...at(x, y));
  await page.keyboard.press('Enter');
  await expect(rows).toHaveCount(2);

  // Polyline and points.
  await page.keyboard.press('l');
  for (const [x, y] of [[40, 200], [120, 260], [200, 210]] as const) await page.mouse.click(...at(x, y));
  await page.keyboard.press('Enter');
  await page.keyboard.press('k');
  for (const [x, y] of [[400, 60], [430, 90]] as const) await page.mouse.click(...at(x, y));
  await page.keyboard.press('Enter');
  await expect(rows).toHaveCount(4);

  // Brush stroke -> mask.
  await page.keyboard.press('m');
  await page.mouse.move(...at(350, 250));
  await page.mouse.down();
  await page.mouse.move(...at(450, 300), { steps: 6 });
  await page.mouse.up();
  await expect(rows).toHaveCount(5);

  // Image-level tag.
  await page.getByTestId('tag-label').selectOption({ label: 'Triangle' });
  await page.getByTestId('add-tag').click();
  await expect(page.getByTestId('tag')).toHaveCount(1);

  // Move the box with the select tool: one gesture, one undo step.
  await page.keyboard.press('v');
  await page.mouse.move(...at(70, 60));
  await page.mouse.down();
  await page.mouse.move(...at(90, 70), { steps: 5 });
  await page.mouse.up();
  const boxRect = page.locator('[data-testid=shape][data-kind=box2d] rect');
  await expect(boxRect).toHaveAttribute('x', /^6[0-9](\.\d+)?$/);
  await expect(page.getByTestId('attributes')).toBeVisible();
  await page.keyboard.press('Control+z');
  await expect(boxRect).toHaveAttribute('x', '40');
  await page.keyboard.press('Control+Shift+Z');
  await expect(boxRect).toHaveAttribute('x', /^6[0-9](\.\d+)?$/);
  // Undo and redo the tag too, with the buttons.
  await page.keyboard.press('Escape'); // clears the selection, stays in the editor
  await expect(page.getByTestId('image-editor')).toBeVisible();

  await expect(page.getByTestId('save-state')).toHaveText('Saved');
  await page.screenshot({ path: 'test-results/screens/image-editor.png' });

  // Reload: everything is still there.
  await page.reload();
  await openImage(page);
  await expect(rows).toHaveCount(5);
  await expect(page.getByTestId('tag')).toHaveCount(1);
  const kinds = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')).sort());
  expect(kinds).toEqual(['box2d', 'mask', 'points', 'polygon', 'polyline']);

  // On disk.
  const files = readdirSync(path.join(demo, 'annotations')).filter((f) => f.endsWith('.json'));
  expect(files).toHaveLength(1);
  const doc = JSON.parse(readFileSync(path.join(demo, 'annotations', files[0]), 'utf8'));
  expect(doc.objects.map((o: { geometry: { kind: string } }) => o.geometry.kind).sort()).toEqual(['box2d', 'mask', 'points', 'polygon', 'polyline', 'tag']);
  const box = doc.objects.find((o: { geometry: { kind: string } }) => o.geometry.kind === 'box2d');
  expect(box.label).toBe('square');
  expect(box.geometry.x1).toBeGreaterThan(50);

  // COCO export through the CLI: box, polygon and mask (polylines, points and tags are warned about).
  const out = path.join(path.dirname(demo), 'coco-out');
  const r = await runCli(['export', 'coco', demo, out, '--json']);
  expect(r.code, r.stderr).toBe(0);
  const result = JSON.parse(r.stdout);
  expect(result.warnings.length).toBeGreaterThanOrEqual(3);
  const coco = JSON.parse(readFileSync(path.join(out, 'annotations', 'instances_default.json'), 'utf8'));
  expect(coco.images).toHaveLength(6);
  expect(coco.annotations).toHaveLength(3);
  const names = new Map(coco.categories.map((c: { id: number; name: string }) => [c.id, c.name]));
  expect(coco.annotations.map((a: { category_id: number }) => names.get(a.category_id)).sort()).toEqual(['Circle', 'Circle', 'Square']) // the polygon and the brush mask were drawn with Circle;
  expect(errors).toEqual([]);
});

test('a folder of frames behaves like a video: a box becomes a track with interpolated frames', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('item-tile').filter({ hasText: 'gliding_square' }).dblclick();
  await expect(page.getByTestId('frame-label')).toHaveText('Frame 1 / 12');
  await expect(page.getByTestId('image-viewer').locator('img')).toHaveJSProperty('naturalWidth', 480);
  const at = await mapper(page);
  await page.keyboard.press('b');
  await page.mouse.move(...at(20, 90));
  await page.mouse.down();
  await page.mouse.move(...at(80, 150), { steps: 4 });
  await page.mouse.up();
  await expect(page.getByTestId('object-row')).toHaveCount(1);
  // Frame 9: move the box to follow the square (a second keyframe).
  for (let i = 0; i < 8; i++) await page.keyboard.press('d');
  await expect(page.getByTestId('frame-label')).toHaveText('Frame 9 / 12');
  // The frame's image must be loaded before its on-screen box can map coordinates.
  await expect(page.getByTestId('image-viewer').locator('img')).toHaveJSProperty('naturalWidth', 480);
  await expect(page.getByTestId('image-viewer').locator('img')).toHaveJSProperty('complete', true);
  await page.keyboard.press('v');
  const at9 = await mapper(page);
  await page.mouse.move(...at9(50, 120));
  await page.mouse.down();
  await page.mouse.move(...at9(290, 120), { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('keyframe-ticks').locator('i')).toHaveCount(2);
  // Frame 5 lies halfway between the keyframes: x1 about (20 + 260) / 2.
  for (let i = 0; i < 4; i++) await page.keyboard.press('a');
  await expect(page.getByTestId('frame-label')).toHaveText('Frame 5 / 12');
  const x = Number(await page.locator('[data-testid=shape][data-kind=box2d] rect').getAttribute('x'));
  expect(x).toBeGreaterThan(120);
  expect(x).toBeLessThan(160);
  await expect(page.getByTestId('save-state')).toHaveText('Saved');
  const docs = readdirSync(path.join(demo, 'annotations'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(demo, 'annotations', f), 'utf8')));
  const seq = docs.find((d) => d.tracks?.length);
  expect(seq.tracks[0].keyframes.map((k: { frame: number }) => k.frame)).toEqual([0, 8]);
});
