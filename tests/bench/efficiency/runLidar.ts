/**
 * One modality end to end: 3D cuboids on single frames. Each arm gets its own copy of the same
 * items (identical clouds), its own `datum serve` (the test renderer build, with the state hooks)
 * and a fresh Chromium page with the input logger; the AI arm's project is pre-labelled first with
 * `datum prelabel --model proposals3d` (the model's own default threshold). Shared by the benchmark
 * (tests/bench/efficiency.bench.ts) and the E2E smoke (tests/e2e/efficiency-smoke.spec.ts).
 */
import type { Browser } from '@playwright/test';
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../e2e/host';
import { driveArm, makeProject, settledQuality } from './session';
import { prepareKittiItems, type PreparedItem } from './kittiItems';
import { runLidarArm } from './lidarArm';
import type { ArmLog } from './armLog';
import { verifyLidarProject, type EndQuality } from './verify';
import { qaTriage, type QaTriage } from './qaTriage';

export type LidarArmName = 'manual' | 'ai-review';

export interface LidarRun {
  items: PreparedItem[];
  logs: Partial<Record<LidarArmName, ArmLog>>;
  endQuality: Partial<Record<LidarArmName, EndQuality>>;
  /** Untrusted (script-made) input events the pages saw: must be 0. */
  untrusted: number;
  /** What the automatic checks flag among the pre-labels taken as they are (qaTriage.ts): the AI + QA question. */
  qa?: QaTriage;
}

export interface LidarRunOptions {
  limitItems?: number;
  arms?: LidarArmName[];
  /** Progress lines. */
  say?: (line: string) => void;
}

/** Needs DATUM_RENDERER_DIR pointing at the test renderer build (the E2E global setup sets it; the benchmark builds it). */
export async function runLidarBench(browser: Browser, opts: LidarRunOptions = {}): Promise<LidarRun> {
  const say = opts.say ?? (() => {});
  const base = mkdtempSync(path.join(os.tmpdir(), 'effbench-3d-'));
  const seed = path.join(base, 'seed');
  const items = prepareKittiItems(seed, opts.limitItems);
  say(`3D: ${items.length} KITTI tracking frames (camera-cropped), ${items.reduce((s, i) => s + i.targets.length, 0)} target vehicles`);
  const run: LidarRun = { items, logs: {}, endQuality: {}, untrusted: 0 };
  for (const arm of opts.arms ?? ['manual', 'ai-review']) {
    const dir = path.join(base, arm);
    cpSync(seed, dir, { recursive: true });
    if (arm !== 'manual') {
      // Make it a project (serve --create writes datum.json), then pre-label every cloud.
      await makeProject(dir);
      const r = await runCli(['prelabel', dir, '--model', 'proposals3d', '--json']);
      if (r.code !== 0) throw new Error(`datum prelabel failed: ${r.stderr || r.stdout}`);
      say(`3D ${arm}: ${JSON.parse(r.stdout).predictions} pre-labels`);
      run.qa = qaTriage(dir, items);
      say(`3D QA over the pre-labels as they are: flags ${run.qa.wrongFlagged} of ${run.qa.wrong} wrong ones, ${run.qa.rightFlagged} of ${run.qa.right} right ones`);
    }
    if (arm === 'manual') await makeProject(dir);
    const d = await driveArm(browser, dir, `3D ${arm}`, async (page) => {
      const log = await runLidarArm(page, items, arm !== 'manual');
      // The review strip saves through its own DocumentStore (debounced): give the last accepts time to land.
      return { log, quality: await settledQuality(() => verifyLidarProject(dir, items), (q) => q.pendingLeft === 0) };
    });
    run.logs[arm] = d.result.log;
    run.endQuality[arm] = d.result.quality;
    run.untrusted += d.untrusted;
    say(`3D ${arm}: done in ${d.seconds.toFixed(0)} s`);
  }
  return run;
}
