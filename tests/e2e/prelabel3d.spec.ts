/**
 * 3D pre-labelling: `datum prelabel <demo> --model proposals3d` writes cuboids with source model
 * for every frame of the demo LiDAR sequence, and the review strip lists them grouped by frame,
 * each with the bird's-eye crop of its points made by the host and its size.
 */
import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, startHost, type RunningHost } from './host';

let demo: string;
let host: RunningHost;

test.beforeAll(async () => {
  demo = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-prelabel3d-')), 'demo');
  expect((await runCli(['demo', demo, '--json'])).code).toBe(0);
  const r = await runCli(['prelabel', demo, '--model', 'proposals3d', '--json']);
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ items: 1, failed: [] });
  host = await startHost([demo]);
});
test.afterAll(async () => host?.stop());

test('3D predictions on disk and in the review strip', async ({ page }) => {
  const dir = path.join(demo, 'annotations');
  const objects = readdirSync(dir).flatMap((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')).objects ?? []);
  const cuboids = objects.filter((o: { geometry: { kind: string } }) => o.geometry.kind === 'cuboid3d');
  expect(cuboids.length).toBeGreaterThan(5);
  expect(cuboids.every((o: { source: { kind: string; model: string } }) => o.source.kind === 'model' && o.source.model === 'proposals3d')).toBe(true);

  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByRole('tab', { name: 'Models' }).click();
  await expect(page.getByTestId('review-row')).toHaveCount(cuboids.length);
  await expect(page.getByTestId('review-3d').first()).toContainText(/^[\d.]+×[\d.]+×[\d.]+ m$/);
  // one heading per frame that has predictions
  const frames = new Set(cuboids.map((o: { frame: number }) => o.frame));
  await expect(page.getByTestId('review-group')).toHaveCount(frames.size);
  // the bird's-eye crop is a real 96 px picture from the host
  const bev = page.getByTestId('review-3d-bev').first();
  await expect.poll(() => bev.evaluate((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth)).toBe(96);
  await page.screenshot({ path: 'test-results/screens/review-3d.png' });
});
