/**
 * The `command` back end from the Models tab: a 2D detector trained by an external trainer. The
 * trainer is the test's stand-in for Ultralytics (main/services/training/testing/fakeUltralytics.ts,
 * a real child process that prints Ultralytics' console layout and exports a real ONNX); no
 * Ultralytics is installed here. Project: the 11 KITTI tracking 0001 camera images with their real
 * car / van boxes (imported as YOLO), in two folders so the split has two groups.
 */
import { expect, test } from '@playwright/test';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, runCli, startHost, type RunningHost } from './host';

const KITTI = path.resolve(ROOT, '..', 'shared', 'data', 'kitti-tracking-0001', 'training');
const present = existsSync(KITTI);
const TSX = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const FAKE = path.join(ROOT, 'main', 'services', 'training', 'testing', 'fakeUltralytics.ts');
let project: string;
let host: RunningHost;

test.beforeAll(async () => {
  if (!present) return;
  const root = mkdtempSync(path.join(os.tmpdir(), 'e2e-train-cmd-'));
  project = path.join(root, 'project');
  const yolo = path.join(root, 'yolo');
  const names = ['Car', 'Van'];
  for (const f of readdirSync(path.join(KITTI, 'image_2')).filter((x) => x.endsWith('.png'))) {
    const stem = f.slice(0, -4);
    const folder = Number(stem) <= 21 ? 'drive-a' : 'drive-b';
    mkdirSync(path.join(project, folder), { recursive: true });
    mkdirSync(path.join(yolo, 'labels', folder), { recursive: true });
    cpSync(path.join(KITTI, 'image_2', f), path.join(project, folder, f));
    const lines = readFileSync(path.join(KITTI, 'label_2', `${stem}.txt`), 'utf8')
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((w) => names.includes(w[0]))
      .map((w) => {
        const [x1, y1, x2, y2] = w.slice(4, 8).map(Number);
        return `${names.indexOf(w[0])} ${((x1 + x2) / 2 / 1242).toFixed(6)} ${((y1 + y2) / 2 / 375).toFixed(6)} ${((x2 - x1) / 1242).toFixed(6)} ${((y2 - y1) / 375).toFixed(6)}`;
      });
    writeFileSync(path.join(yolo, 'labels', folder, `${stem}.txt`), lines.join('\n') + '\n');
  }
  writeFileSync(path.join(yolo, 'data.yaml'), 'names:\n  0: Car\n  1: Van\n');
  const r = await runCli(['import', 'yolo', yolo, project, '--create', '--json']);
  expect(r.code, r.stderr).toBe(0);
  host = await startHost([project]);
});
test.afterAll(async () => host?.stop());

test('train a 2D detector with an external trainer from the Models tab, then pre-label with it', async ({ page }) => {
  test.skip(!present, `needs ../shared/data (${KITTI})`);
  test.setTimeout(120_000);
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByRole('tab', { name: 'Models' }).click();

  // An ssh job without a host fails with the back end's message, shown in the card.
  await page.getByTestId('train-backend').selectOption('ssh');
  await page.getByTestId('train-model-id').fill('kitti-yolo');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-error')).toContainText(/ssh back end options: host/, { timeout: 60_000 });
  await page.getByTestId('training-card').first().screenshot({ path: 'test-results/screens/training-error.png' });

  // The command back end with the stand-in trainer (node + tsx), typed as command lines.
  await page.getByTestId('train-backend').selectOption('command');
  await expect(page.getByTestId('train-task')).toHaveValue('detect2d');
  await page.getByTestId('train-command').fill(`${process.execPath} --import ${TSX} ${FAKE} detect train data={data} epochs={epochs} imgsz={imgsz} project={workdir} name=train fake_epoch_ms=1500`);
  await page.getByTestId('train-export-command').fill(`${process.execPath} --import ${TSX} ${FAKE} export model={workdir}/train/weights/best.pt format=onnx imgsz={imgsz}`);
  await page.getByTestId('train-epochs').fill('4');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-error')).toHaveCount(0);
  // Epochs and validation figures parsed from the trainer's output, live.
  await expect(page.getByTestId('train-progress')).toContainText(/epoch [1-4] \/ 4/, { timeout: 60_000 });
  await expect(page.getByTestId('train-metrics')).toContainText('precision', { timeout: 30_000 });
  await expect(page.getByTestId('train-metrics')).toContainText('box_loss');
  await page.screenshot({ path: 'test-results/screens/training-command-progress.png' });
  await expect(page.getByTestId('train-result')).toContainText(/Trained kitti-yolo version 1: promoted/, { timeout: 60_000 });

  const row = page.getByTestId('versions-kitti-yolo').getByTestId('version-row');
  await expect(row).toHaveAttribute('data-state', 'inUse');
  await expect(row).toContainText('mAP50-95 0.500');
  await expect(row).toContainText('0.800');
  await expect(row).toContainText('command');

  // A second, slow job cancelled from the card: the library keeps version 1 only.
  await page.getByTestId('train-command').fill(`${process.execPath} --import ${TSX} ${FAKE} detect train data={data} epochs={epochs} imgsz={imgsz} project={workdir} name=train fake_epoch_ms=60000`);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-progress')).toContainText('epoch 1 / 4', { timeout: 60_000 });
  await page.getByTestId('train-cancel').click();
  await expect(page.getByTestId('train-result')).toHaveText('Training cancelled; the model library is unchanged.', { timeout: 30_000 });
  await expect(page.getByTestId('versions-kitti-yolo').getByTestId('version-row')).toHaveCount(1);
  expect(readdirSync(path.join(project, 'models', 'kitti-yolo', 'versions')).filter((f) => !f.startsWith('.'))).toEqual(['1']);
  expect(existsSync(path.join(project, '.datum', 'training')) ? readdirSync(path.join(project, '.datum', 'training')) : []).toEqual([]);

  // The new detector is in the library; pre-labelling with it fills the review strip.
  const libraryRow = page.getByTestId('model-row').filter({ hasText: 'kitti-yolo' });
  await expect(libraryRow).toHaveCount(1);
  await libraryRow.click();
  await page.getByTestId('prelabel').click();
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('review-row').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/training-command-prelabel.png' });
});
