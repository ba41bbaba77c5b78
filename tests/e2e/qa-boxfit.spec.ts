/**
 * The box-fit QA check in the app (docs/review-qa.md): a real KITTI scan (the efficiency bench's
 * first two, camera-cropped) pre-labelled with `datum prelabel --model proposals3d`; the Review
 * tab's AI QA lists the pre-labels the check finds likely wrong, with its reasons, like every other
 * check, and a finding opens its item with the box selected in the LiDAR editor.
 */
import { expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, startHost, type RunningHost } from './host';
import { hasKittiTracking, prepareKittiItems } from '../bench/efficiency/kittiItems';
import { makeProject } from '../bench/efficiency/session';

test.skip(!hasKittiTracking(), '../shared/data/kitti-tracking-0001 is absent');

let dir: string;
let host: RunningHost;

test.beforeAll(async () => {
  dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-qa-boxfit-')), 'kitti');
  prepareKittiItems(dir, 2);
  await makeProject(dir);
  const r = await runCli(['prelabel', dir, '--model', 'proposals3d', '--json']);
  expect(r.code, r.stderr).toBe(0);
  host = await startHost([dir]);
});
test.afterAll(async () => host?.stop());

test('AI QA lists likely-wrong 3D pre-labels (box-fit) and opens one in the LiDAR editor', async ({ page }) => {
  test.setTimeout(90_000);
  // The CLI finds them too (the same code).
  const cli = JSON.parse((await runCli(['qa', dir, '--json'])).stdout) as { findings: { check: string; object: string }[] };
  const fromCli = cli.findings.filter((f) => f.check === 'box-fit');
  expect(fromCli.length).toBeGreaterThan(0);

  await page.setViewportSize({ width: 1400, height: 860 });
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('tab-review').click();
  await page.getByTestId('review-section-qa').click();
  await page.getByTestId('qa-run').click();
  await expect(page.getByTestId('qa-summary')).toContainText('annotated items checked', { timeout: 60_000 });
  const findings = page.getByTestId('qa-finding').filter({ hasText: 'box-fit' });
  await expect(findings).toHaveCount(fromCli.length);
  await expect(findings.first()).toContainText(/pre-label \w+ box is likely wrong \(\d+ %\)/);
  await findings.first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screens/qa-box-fit.png' });
  const object = (await findings.first().locator('.where-chip').textContent())!;
  expect(fromCli.map((f) => f.object)).toContain(object);
  await findings.first().getByTestId('finding-open').click();
  await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 30_000 });
  // The box the finding is about is selected (listed as selected, its size shown) and the view flown to it.
  await expect.poll(() => page.evaluate(() => (window as unknown as { __datumLidarState?: { selected: string | null } }).__datumLidarState?.selected), { timeout: 15_000 }).toBe(object);
  await expect(page.getByTestId('lidar-objects').locator('li.sel')).toHaveCount(1);
  await expect(page.getByTestId('box-size')).toBeVisible();
  await page.waitForTimeout(500);
  await page.screenshot({ path: 'test-results/screens/qa-box-fit-open.png' });
});
