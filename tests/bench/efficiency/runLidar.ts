/**
 * One modality end to end: 3D cuboids on single frames. Each arm gets its own copy of the same
 * items (identical clouds), its own `datum serve` (the test renderer build, with the state hooks)
 * and a fresh Chromium page with the input logger; the AI arm's project is pre-labelled first with
 * `datum prelabel --model proposals3d` (the model's own default threshold). Shared by the benchmark
 * (tests/bench/efficiency.bench.ts) and the E2E smoke (tests/e2e/efficiency-smoke.spec.ts).
 */
import type { Browser } from '@playwright/test';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../e2e/host';
import { driveArm, makeProject, settledQuality } from './session';
import { prepareKittiItems, type PreparedItem } from './kittiItems';
import { runLidarArm } from './lidarArm';
import type { ArmLog } from './armLog';
import { verifyLidarProject, type EndQuality } from './verify';
import { qaTriage, type QaTriage } from './qaTriage';
import { runLidarQaArm, type QaArmTally } from './qaArm';
import { itemId } from '../../../main/services/indexer';

export type LidarArmName = 'manual' | 'ai-review' | 'ai-qa';

export interface LidarRun {
  items: PreparedItem[];
  logs: Partial<Record<LidarArmName, ArmLog>>;
  endQuality: Partial<Record<LidarArmName, EndQuality>>;
  /** Untrusted (script-made) input events the pages saw: must be 0. */
  untrusted: number;
  /** What the automatic checks flag among the pre-labels taken as they are (qaTriage.ts): the AI + QA question. */
  qa?: QaTriage;
  /** The AI + QA arm (qaArm.ts): what `datum qa` flagged and what was accepted unseen. */
  qaArm?: QaArmTally & { findings: Record<string, number> };
}

/** Checks whose findings name a pre-label as likely wrong (the others compare labels with predictions, or need labels). */
const BOX_CHECKS = new Set(['box-fit', 'too-few-points', 'size-prior', 'size-stats', 'bad-size', 'duplicate']);

/** `datum qa --json` over the pre-labelled project: pre-label ids per item stem that a box check flagged (warning or error). */
async function qaFlags(dir: string, items: readonly { stem: string }[]): Promise<{ flagged: Map<string, Set<string>>; findings: Record<string, number> }> {
  const r = await runCli(['qa', dir, '--json']);
  if (r.code !== 0) throw new Error(`datum qa failed: ${r.stderr || r.stdout}`);
  const source = (JSON.parse(readFileSync(path.join(dir, 'datum.json'), 'utf8')) as { sources: { id: string }[] }).sources[0].id;
  const stemOf = new Map(items.map((i) => [itemId(source, `velodyne/${i.stem}.bin`), i.stem]));
  const flagged = new Map<string, Set<string>>();
  const findings: Record<string, number> = {};
  for (const f of (JSON.parse(r.stdout) as { findings: { check: string; severity: string; item: string; object: string | null }[] }).findings) {
    if (f.severity === 'info' || !f.object || !BOX_CHECKS.has(f.check) || !stemOf.has(f.item)) continue;
    findings[f.check] = (findings[f.check] ?? 0) + 1;
    const stem = stemOf.get(f.item)!;
    if (!flagged.has(stem)) flagged.set(stem, new Set());
    flagged.get(stem)!.add(f.object);
  }
  return { flagged, findings };
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
  for (const arm of opts.arms ?? ['manual', 'ai-review', 'ai-qa']) {
    const dir = path.join(base, arm);
    cpSync(seed, dir, { recursive: true });
    if (arm !== 'manual') {
      // Make it a project (serve --create writes datum.json), then pre-label every cloud.
      await makeProject(dir);
      const r = await runCli(['prelabel', dir, '--model', 'proposals3d', '--json']);
      if (r.code !== 0) throw new Error(`datum prelabel failed: ${r.stderr || r.stdout}`);
      say(`3D ${arm}: ${JSON.parse(r.stdout).predictions} pre-labels`);
      if (!run.qa) {
        run.qa = qaTriage(dir, items);
        say(`3D QA over the pre-labels as they are: flags ${run.qa.wrongFlagged} of ${run.qa.wrong} wrong ones, ${run.qa.rightFlagged} of ${run.qa.right} right ones`);
      }
    }
    if (arm === 'manual') await makeProject(dir);
    const qa = arm === 'ai-qa' ? await qaFlags(dir, items) : null;
    if (qa) say(`3D ai-qa: datum qa flags ${[...qa.flagged.values()].reduce((n, s) => n + s.size, 0)} pre-labels (${JSON.stringify(qa.findings)})`);
    const d = await driveArm(browser, dir, `3D ${arm}`, async (page) => {
      let log: ArmLog;
      if (qa) {
        const r = await runLidarQaArm(page, items, qa.flagged);
        log = r.log;
        run.qaArm = { ...r.tally, findings: qa.findings };
      } else log = await runLidarArm(page, items, arm !== 'manual');
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
