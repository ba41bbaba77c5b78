/**
 * AI pre-labelling end to end: import the real YOLOX-nano model through the app, pre-label the
 * demo images (plus the real COCO image 139), accept predictions above a threshold, reject one,
 * undo, and find the result on disk.
 */
import { expect, test } from '@playwright/test';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli, startHost, type RunningHost } from './host';

const DATA = path.resolve(ROOT, '..', 'shared', 'data');
const MODEL_DIR = path.join(DATA, 'models', 'yolox-nano');
const ULTRAFACE_DIR = path.join(DATA, 'models', 'ultraface');
let host: RunningHost;
let demo: string;

test.beforeAll(async () => {
  if (!existsSync(MODEL_DIR)) return;
  demo = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-models-')), 'demo');
  expect((await runCli(['demo', demo])).code).toBe(0);
  const coco = readdirSync(path.join(DATA, 'images', 'coco139')).find((f) => f.endsWith('.jpg'))!;
  copyFileSync(path.join(DATA, 'images', 'coco139', coco), path.join(demo, 'images', coco));
  host = await startHost([demo, '--allow', MODEL_DIR, '--allow', ULTRAFACE_DIR]);
});
test.afterAll(async () => host?.stop());

test('import YOLOX, pre-label, accept above threshold, reject one, undo', async ({ page }) => {
  test.skip(!existsSync(MODEL_DIR), `needs ../shared/data (${MODEL_DIR})`);
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByRole('tab', { name: 'Models' }).click();
  // A failed check first (no such file): its error shows, and the successful import below clears it.
  await page.getByTestId('model-path').fill(path.join(MODEL_DIR, 'missing.onnx'));
  await page.getByTestId('check-model').click();
  await expect(page.getByTestId('error-toast')).toContainText('missing.onnx');

  await page.getByTestId('model-path').fill(path.join(MODEL_DIR, 'yolox_nano.onnx'));
  await page.getByTestId('classes-path').fill(path.join(MODEL_DIR, 'coco_classes.txt'));
  // The wrong preset: the mismatch is named and the model cannot be added.
  await page.getByTestId('model-preset').selectOption('ultraface');
  await page.getByTestId('check-model').click();
  await expect(page.getByTestId('import-problems')).toContainText('the graph outputs 1 tensor (output float32 [1, 3549, 85]), the ultraface preset expects 2');
  await expect(page.getByTestId('import-model')).toBeDisabled();
  // A partial manifest that is not JSON is refused before anything runs.
  await page.getByTestId('model-manifest').fill('{"thresholds": ');
  await expect(page.getByTestId('manifest-error')).toBeVisible();
  await expect(page.getByTestId('check-model')).toBeDisabled();
  await page.getByTestId('model-manifest').fill('{"thresholds": {"score": 0.35}}');

  // The right preset: the graph, the effective manifest and the sample check on COCO 139.
  await page.getByTestId('model-preset').selectOption('yolox');
  await page.getByTestId('check-model').click();
  await expect(page.getByTestId('graph-io')).toContainText('images');
  await expect(page.getByTestId('graph-io')).toContainText('[1, 3, 416, 416]');
  await expect(page.getByTestId('graph-io')).toContainText('[1, 3549, 85]');
  await expect(page.getByTestId('sample-check')).toContainText('000000000139.jpg');
  await expect(page.getByTestId('sample-ok')).toBeVisible();
  await expect(page.getByTestId('sample-warning')).toHaveCount(0);
  await expect(page.getByTestId('sample-predictions')).toContainText('tvmonitor');
  expect(await page.getByTestId('sample-boxes').locator('rect').count()).toBeGreaterThan(2);
  const effective = JSON.parse(await page.getByTestId('effective-manifest').textContent() ?? '{}');
  expect(effective).toMatchObject({ adapter: 'yolox', input: { width: 416, height: 416, channelOrder: 'bgr', pad: 'topleft' }, thresholds: { score: 0.35, nms: 0.45 } });
  await page.getByTestId('model-import').screenshot({ path: 'test-results/screens/model-import-check.png' });
  await page.getByTestId('import-model').click();
  await expect(page.getByTestId('model-row').filter({ hasText: 'yolox_nano' })).toHaveCount(1);
  await expect(page.getByTestId('error-toast')).toHaveCount(0);
  await page.getByTestId('model-row').filter({ hasText: 'yolox_nano' }).click();
  // The library model's graph, read from its file.
  await page.getByTestId('model-graph').locator('summary').click();
  await expect(page.getByTestId('model-graph')).toContainText('[1, 3549, 85]');
  await page.getByTestId('model-graph').screenshot({ path: 'test-results/screens/model-graph.png' });
  // The intra-op thread count, decided from the cores (issue #19), is said under the library.
  const cores = (await import('node:os')).availableParallelism();
  await expect(page.getByTestId('models-threads')).toHaveText(`CPU inference: ${Math.max(1, Math.min(8, cores - 1))} thread(s) per model, of ${cores} cores (one is left for image decoding and the app)`);
  await page.screenshot({ path: 'test-results/screens/models-threads.png' });

  // Map the model's classes: person -> the project's Pedestrian label, chair -> ignored.
  await page.getByTestId('class-mapping').locator('summary').click();
  await page.getByTestId('map-person').selectOption('pedestrian');
  await page.getByTestId('map-chair').selectOption('__skip');
  await expect(page.getByTestId('class-mapping')).toContainText('2 mapped');

  await page.getByTestId('prelabel').click();
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('review-row').first()).toBeVisible();
  // The provider that actually ran is shown: whichever it was (cpu here; cuda, dml or coreml on a
  // machine with a GPU runtime), never empty or a placeholder.
  await expect(page.getByTestId('model-row').filter({ hasText: 'yolox_nano' }).getByTestId('model-provider')).toHaveText(/^(cpu|cuda|dml|coreml)$/);
  const total = await page.getByTestId('review-row').count();
  expect(total).toBeGreaterThanOrEqual(3);
  await expect(page.getByTestId('review-row').filter({ hasText: 'Pedestrian' }).first()).toBeVisible();
  await expect(page.getByTestId('review-row').filter({ hasText: /^chair/ })).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screens/review-strip.png' });

  // Accept everything >= 0.6, reject the first remaining one, then undo the rejection.
  await page.getByTestId('threshold').fill('0.6');
  const label = await page.getByTestId('accept-above').innerText();
  const accepted = Number(/\((\d+)\)/.exec(label)![1]);
  expect(accepted).toBeGreaterThan(0);
  await page.getByTestId('accept-above').click();
  await expect(page.getByTestId('review-row')).toHaveCount(total - accepted);
  await page.getByTestId('reject-one').first().click();
  await expect(page.getByTestId('review-row')).toHaveCount(total - accepted - 1);
  await page.getByTestId('review-undo').click();
  await expect(page.getByTestId('review-row')).toHaveCount(total - accepted);

  // On disk: the COCO image's document holds accepted model objects with their scores, and
  // the tv/person/clock of the ground truth are among the predictions.
  await expect
    .poll(() => {
      const dir = path.join(demo, 'annotations');
      const docs = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
      return docs.flatMap((d) => d.objects).filter((o: any) => o.source.kind === 'model' && o.accepted).length;
    })
    .toBe(accepted);
  const ontology = JSON.parse(readFileSync(path.join(demo, 'datum.json'), 'utf8')).ontology.labels.map((l: { name: string }) => l.name);
  expect(ontology).toEqual(expect.arrayContaining(['tvmonitor', 'clock']));
  expect(ontology).not.toContain('person'); // mapped to Pedestrian
  expect(ontology).not.toContain('chair'); // ignored
  const settings = JSON.parse(readFileSync(path.join(demo, 'datum.json'), 'utf8')).settings;
  expect(settings.classMappings.yolox_nano).toEqual({ person: 'pedestrian', chair: '' });
});

test('the sample check warns before a model with a wrong normalisation is added', async ({ page }) => {
  test.skip(!existsSync(ULTRAFACE_DIR), `needs ../shared/data (${ULTRAFACE_DIR})`);
  await page.goto(host.url);
  await page.getByRole('tab', { name: 'Models' }).click();
  await page.getByTestId('model-path').fill(path.join(ULTRAFACE_DIR, 'version-RFB-320.onnx'));
  await page.getByTestId('model-preset').selectOption('ultraface');
  // mean 0 / std 1 instead of the preset's (x - 127) / 128: only the sample check can tell
  await page.getByTestId('model-manifest').fill('{"input": {"mean": [0, 0, 0], "std": [1, 1, 1]}}');
  await page.getByTestId('check-model').click();
  await expect(page.getByTestId('import-problems')).toHaveCount(0);
  await expect(page.getByTestId('graph-io')).toContainText('[1, 4420, 4]');
  const warning = page.locator('[data-testid="sample-warning"][data-code="normalisation"]');
  await expect(warning).toContainText("the input normalisation differs from the preset's (RGB, scale 1, mean [0, 0, 0], std [1, 1, 1] instead of RGB, scale 1, mean [127, 127, 127], std [128, 128, 128])");
  const effective = JSON.parse((await page.getByTestId('effective-manifest').textContent()) ?? '{}');
  // the partial manifest merged onto the preset: its size, resize and thresholds stay
  expect(effective).toMatchObject({ adapter: 'ultraface', input: { width: 320, height: 240, resize: 'stretch', mean: [0, 0, 0], std: [1, 1, 1] }, thresholds: { score: 0.7, nms: 0.3 } });
  await page.getByTestId('model-import').screenshot({ path: 'test-results/screens/model-import-warning.png' });
});
