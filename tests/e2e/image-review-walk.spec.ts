/**
 * The image editor's keyboard review walk (issue #16) end to end: a real COCO image pre-labelled
 * by the shipped YOLOX-nano through the CLI (`datum models import --preset yolox`, `datum
 * prelabel`), opened in Chromium against `datum serve`; the predictions are walked with Tab /
 * Shift+Tab, accepted with Enter, rejected with Delete, the rest taken with Shift+Enter (accept
 * all >= threshold), one undo step each; then the saved document is read from disk.
 */
import { expect, test, type Page } from '@playwright/test';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AnnotationObject, ItemDocument } from '../../core/document/schema';
import { itemId } from '../../main/services/indexer';
import { DATA } from '../support/lidarData';
import { runCli, startHost, type RunningHost } from './host';

const IMAGE = path.join(DATA, 'images', 'coco139', '000000000139.jpg');
const YOLOX = path.join(DATA, 'models', 'yolox-nano');
test.skip(!existsSync(IMAGE) || !existsSync(path.join(YOLOX, 'yolox_nano.onnx')), '../shared/data COCO image or YOLOX-nano is absent');

let dir: string;
let host: RunningHost | undefined;
test.afterAll(async () => host?.stop());

interface ImageState {
  selection: string[];
  tool: string;
  objects: AnnotationObject[];
}
const state = (page: Page) => page.evaluate(() => (window as unknown as { __datumImageState: ImageState }).__datumImageState);
const pending = (s: ImageState) =>
  s.objects
    .filter((o) => o.source.kind === 'model' && !o.accepted)
    .sort((a, b) => (b.source as { score: number }).score - (a.source as { score: number }).score);
const score = (o: AnnotationObject) => (o.source as { score: number }).score;

test('walk YOLOX pre-labels on a COCO image by keyboard: Tab, Enter, Delete, Shift+Enter, undo; saved document', async ({ page }) => {
  test.setTimeout(150_000);
  dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-walk2d-')), 'p');
  mkdirSync(path.join(dir, 'images'), { recursive: true });
  copyFileSync(IMAGE, path.join(dir, 'images', '000000000139.jpg'));
  const created = await startHost([dir, '--create']);
  await created.stop();
  const imp = await runCli(['models', 'import', path.join(YOLOX, 'yolox_nano.onnx'), '--preset', 'yolox', '--classes', path.join(YOLOX, 'coco_classes.txt'), '--project', dir, '--json']);
  expect(imp.code, imp.stderr).toBe(0);
  const parsed = JSON.parse(imp.stdout) as { id?: string; model?: { id: string } };
  const modelId = parsed.id ?? parsed.model!.id;
  const pre = await runCli(['prelabel', dir, '--model', modelId, '--json'], { DATUM_INFERENCE_PROVIDERS: 'cpu' });
  expect(pre.code, pre.stderr).toBe(0);
  expect(JSON.parse(pre.stdout).predictions).toBeGreaterThanOrEqual(4);

  host = await startHost([dir]);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 60_000 });
  await page.getByTestId('item-tile').first().dblclick();
  await expect(page.getByTestId('image-viewer').locator('img')).toHaveJSProperty('complete', true);
  await expect.poll(async () => (await state(page))?.objects.length ?? 0).toBeGreaterThanOrEqual(4);
  const before = pending(await state(page));
  expect(before.length).toBeGreaterThanOrEqual(4);
  await expect(page.getByTestId('image-review-pending')).toContainText(`${before.length}`);

  // Tab: the most confident prediction, with the select tool.
  await page.keyboard.press('Tab');
  await expect.poll(async () => (await state(page)).selection).toEqual([before[0].id]);
  expect((await state(page)).tool).toBe('select');
  await page.screenshot({ path: path.join('test-results', 'image-review-walk.png') });
  // Tab, Shift+Tab: next and back.
  await page.keyboard.press('Tab');
  await expect.poll(async () => (await state(page)).selection).toEqual([before[1].id]);
  await page.keyboard.press('Shift+Tab');
  await expect.poll(async () => (await state(page)).selection).toEqual([before[0].id]);

  // Enter accepts and goes on to the next; Delete rejects and goes on.
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await state(page)).objects.find((o) => o.id === before[0].id)?.accepted).toBe(true);
  await expect.poll(async () => (await state(page)).selection).toEqual([before[1].id]);
  await page.keyboard.press('Delete');
  await expect.poll(async () => (await state(page)).objects.some((o) => o.id === before[1].id)).toBe(false);
  await expect.poll(async () => (await state(page)).selection).toEqual([before[2].id]);
  // One undo step each: Ctrl+Z brings the rejected one back, Ctrl+Shift+Z rejects it again.
  await page.keyboard.press('Control+z');
  await expect.poll(async () => (await state(page)).objects.some((o) => o.id === before[1].id)).toBe(true);
  await page.keyboard.press('Control+Shift+z');
  await expect.poll(async () => (await state(page)).objects.some((o) => o.id === before[1].id)).toBe(false);

  // Shift+Enter: every pending prediction at or above the threshold (0.50), in one step.
  const rest = before.slice(2);
  const above = rest.filter((o) => score(o) >= 0.5);
  await page.keyboard.press('Shift+Enter');
  if (above.length) {
    await expect.poll(async () => pending(await state(page)).length).toBe(rest.length - above.length);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => pending(await state(page)).length).toBe(rest.length);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => pending(await state(page)).length).toBe(rest.length - above.length);
  }
  await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 15_000 });
  expect(errors).toEqual([]);

  // The saved document: accepted ones kept with their score, the rejected one gone and remembered.
  const source = (JSON.parse(readFileSync(path.join(dir, 'datum.json'), 'utf8')) as { sources: { id: string }[] }).sources[0].id;
  const file = path.join(dir, 'annotations', `${itemId(source, 'images/000000000139.jpg')}.json`);
  const doc = JSON.parse(readFileSync(file, 'utf8')) as ItemDocument;
  const byId = new Map(doc.objects.map((o) => [o.id, o]));
  expect(byId.get(before[0].id)).toMatchObject({ accepted: true, source: { kind: 'model', score: score(before[0]) } });
  expect(byId.has(before[1].id)).toBe(false);
  expect(doc.rejected).toEqual([expect.objectContaining({ id: before[1].id, reason: 'rejected', model: (before[1].source as { model: string }).model })]);
  for (const o of rest) expect(!!byId.get(o.id)?.accepted, `${o.id} score ${score(o)}`).toBe(score(o) >= 0.5);
  expect(doc.objects).toHaveLength(before.length - 1);

  // The keys are listed in the shortcuts dialog.
  await page.getByRole('button', { name: 'Shortcuts' }).click();
  await expect(page.getByText('Next prediction to review (selects it and brings it into view)')).toBeVisible();
  await expect(page.getByText('Accept every prediction of this image at or above the review threshold')).toBeVisible();
  await page.getByText('Next prediction to review (selects it and brings it into view)').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join('test-results', 'image-review-walk-shortcuts.png') });
});
