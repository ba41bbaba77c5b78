/**
 * A CT series large enough for the host's worker threads (512x512x64 = 16.8 M voxels, at
 * MIN_PARALLEL_VOXELS) opened in a real `datum serve` (the built CLI, so the threads run
 * dist/main/medical-worker.js as the packaged app does): the viewer shows it, and the voxels the
 * host serves are the ones the calling-thread build of the same files gives (order-free sums: the
 * served grid is the canonical one). The host must not have fallen back for want of its worker file.
 */
import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHost, type RunningHost } from './host';
import { syntheticCtSeries } from '../../core/medical/synthetic';
import { buildVolume, groupDicomFiles } from '../../core/medical/series';
import { connectRpc } from '../support/rpcClient';

const SLICES = 64;
let host: RunningHost;
let hostErr = '';
let reference: { range: [number, number]; sum: number; sumSq: number; n: number };

test.beforeAll(async () => {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-medvol-')), 'study');
  mkdirSync(path.join(dir, 'ct'), { recursive: true });
  const files = syntheticCtSeries({ size: 512, slices: SLICES });
  files.forEach((f, i) => writeFileSync(path.join(dir, 'ct', `IM${String(i + 1).padStart(6, '0')}`), f.bytes));
  const built = await buildVolume(groupDicomFiles(files).studies[0].series[0].stacks[0]);
  let sum = 0;
  let sumSq = 0;
  for (const v of built.volume.data) {
    sum += v;
    sumSq += v * v;
  }
  reference = { range: built.range!, sum, sumSq, n: built.volume.data.length };
  host = await startHost([dir, '--create']);
  host.proc.stderr!.on('data', (d) => (hostErr += d));
});
test.afterAll(async () => host?.stop());

test('a 512x512x64 CT series opens through the host worker threads with the calling thread’s voxels', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 60_000 });
  const tile = page.getByTestId('item-tile').filter({ hasText: `CT · ${SLICES} slices · 512×512` });
  await expect(tile).toHaveCount(1);
  await tile.dblclick();
  await expect(page.getByTestId('medical-editor')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('volume-info')).toContainText(`512×512×${SLICES}`);
  await page.screenshot({ path: 'test-results/screens/medical-volume-workers.png' });

  const rpc = await connectRpc(host.url);
  try {
    const { items } = await rpc.call<{ items: { id: string; dicom?: { instances: number } }[] }>('items.list', {});
    const series = items.filter((i) => i.dicom?.instances === SLICES);
    expect(series).toHaveLength(1);
    const header = await rpc.call<{ range: [number, number]; dtype: string; dims: number[] }>('medical.open', { itemId: series[0].id });
    expect(header.dtype).toBe('int16');
    expect(header.range).toEqual(reference.range);
    const served = await page.evaluate(async (id) => {
      const data = new Int16Array(await (await fetch(`/blob/volume/${id}`)).arrayBuffer());
      let sum = 0;
      let sumSq = 0;
      for (const v of data) {
        sum += v;
        sumSq += v * v;
      }
      return { sum, sumSq, n: data.length };
    }, series[0].id);
    expect(served).toEqual({ sum: reference.sum, sumSq: reference.sumSq, n: reference.n });
  } finally {
    rpc.close();
  }
  expect(hostErr).not.toMatch(/worker threads cannot start/);
  expect(errors).toEqual([]);
});
