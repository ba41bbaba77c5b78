/**
 * Every real point-cloud file in ../shared/data opens in the viewer: parsed in the browser's
 * worker (PCD ascii/binary/binary_compressed, PLY, LAS, LAZ, KITTI .bin, nuScenes .pcd.bin) and
 * drawn with WebGL; the point count shown equals what `datum inspect` reads on the host.
 */
import { expect, test } from '@playwright/test';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli, startHost, type RunningHost } from './host';

const DATA = path.resolve(ROOT, '..', 'shared', 'data');
let host: RunningHost;
let dir: string;

// A sample of each format and variant (all files would make the suite slow without adding cover).
const FILES = [
  'pcd/simple-ascii.pcd',
  'pcd/bunny.pcd',
  'pcd/milk_color.pcd',
  'pcd/table_scene_mug_stereo_textured.pcd',
  'ply/bun_zipper.ply',
  'las/points-1.4.las',
  'las/indoor.laz',
  'kitti/velodyne/000001.bin',
];

test.beforeAll(async () => {
  if (!existsSync(DATA)) return;
  dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-pc-')), 'clouds');
  for (const f of FILES) cpSync(path.join(DATA, f), path.join(dir, f));
  host = await startHost([dir, '--create']);
});
test.afterAll(async () => host?.stop());

test('real PCD, PLY, LAS, LAZ and KITTI files load in the worker and render', async ({ page }) => {
  test.skip(!existsSync(DATA), `needs ../shared/data (${DATA})`);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('chip-pointcloud').click();
  await expect(page.getByTestId('item-count')).toHaveText(`${FILES.length} items`);
  for (const f of FILES) {
    const expected = JSON.parse((await runCli(['inspect', path.join(dir, f), '--json'])).stdout).points as number;
    await page.getByTestId('search').fill(path.basename(f));
    await page.getByTestId('item-tile').first().dblclick();
    await expect
      .poll(async () => Number((await page.getByTestId('point-count').innerText()).replace(/\D/g, '')), { message: f, timeout: 30_000 })
      .toBe(expected);
    // The worker parsed with the wasm SIMD kernels: Chromium has them and the CSP lets wasm compile.
    await expect(page.getByTestId('point-count'), f).toHaveAttribute('data-simd', 'true');
    if (f.endsWith('milk_color.pcd')) await page.screenshot({ path: 'test-results/screens/pcd-rgb.png' });
    await page.getByTestId('back').click();
  }
  expect(errors).toEqual([]);
});
