/**
 * `npm run bench efficiency` (issue #16): the annotation-cost benchmark. A scripted annotator drives
 * the real app (Chromium against `datum serve`, the test renderer build) on real labelled data,
 * with and without AI pre-labels, following one policy (efficiency/policy.ts); every input event is
 * logged by the page (efficiency/inputLog.ts) and priced with the Keystroke-Level Model
 * (efficiency/klm.ts). Writes `.bench/efficiency/efficiency.{json,md,svg,png}` and prints the tables.
 *
 * Modalities measured: 3D cuboids on single frames (KITTI tracking 0001, 11 frames). Not yet: 3D
 * sequences, 2D boxes, 2D masks, video tracks (see README "Annotation cost").
 *
 * Knobs: EFF_ITEMS=n (first n frames only, for a quick look), EFF_NO_BUILD=1 (reuse dist/renderer-test).
 */
import { chromium } from '@playwright/test';
import { spawnSync, execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { ROOT } from '../e2e/host';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium';
import type { BenchRow } from './types';
import { hasKittiTracking } from './efficiency/kittiItems';
import { runLidarBench } from './efficiency/runLidar';
import { breakEvenPrecision, renderMarkdown, renderSvg, summarise, thresholdSweep, type ModalityReport } from './efficiency/report';
import { KLM } from './efficiency/klm';
import { MATCH_IOU, MAX_CORRECTION_KEYS, MIN_POINTS } from './efficiency/policy';

export const OUT_DIR = path.join(ROOT, '.bench', 'efficiency');
const TARGET_3D = 0.5;

function buildTestRenderer(): void {
  const dir = path.join(ROOT, 'dist', 'renderer-test');
  process.env.DATUM_RENDERER_DIR = dir;
  if (process.env.EFF_NO_BUILD) return;
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    env: { ...process.env, VITE_DATUM_TEST_HOOKS: '1' },
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('building the test renderer failed');
}

export default async function efficiency(): Promise<BenchRow[]> {
  if (!hasKittiTracking()) {
    process.stdout.write('SKIP  efficiency: ../shared/data/kitti-tracking-0001 is absent\n');
    return [];
  }
  buildTestRenderer();
  const say = (l: string) => process.stdout.write(`  ${l}\n`);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  let run;
  try {
    run = await runLidarBench(browser, { limitItems: process.env.EFF_ITEMS ? Number(process.env.EFF_ITEMS) : undefined, say });
  } finally {
    await browser.close();
  }
  const n = run.items.reduce((s, i) => s + i.targets.length, 0);
  const manual = summarise('manual', run.logs.manual!, n);
  const ai = summarise('ai-review', run.logs['ai-review']!, n);
  ai.ratioToManual = ai.secondsPerObject / manual.secondsPerObject;
  const report: ModalityReport = {
    modality: '3D cuboids, single frame',
    dataset: `KITTI tracking 0001, camera-cropped; targets: cars and vans with ≥ ${MIN_POINTS} points`,
    items: run.items.length,
    arms: [manual, ai],
    sweep: thresholdSweep(run.logs.manual!, run.logs['ai-review']!, [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]),
    breakEvenPrecision: breakEvenPrecision(manual, ai, run.logs['ai-review']!),
    target: TARGET_3D,
    endQuality: run.endQuality as ModalityReport['endQuality'],
  };
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
  } catch {
    /* not a git checkout */
  }
  mkdirSync(OUT_DIR, { recursive: true });
  const md = [
    `## Annotation cost per object (commit ${commit}, ${new Date().toISOString().slice(0, 10)})`,
    '',
    `KLM: keystroke ${KLM.keystroke} s, pointing ${KLM.pointing} s, button ${KLM.button} s, homing ${KLM.homing} s, mental ${KLM.mental} s; quality bar IoU ≥ ${MATCH_IOU} (3D: bird's-eye and height); correction cap ${MAX_CORRECTION_KEYS} keys.`,
    '',
    renderMarkdown(report),
    '',
    `Untrusted input events seen by the pages: ${run.untrusted}.`,
  ].join('\n');
  const svg = renderSvg([report]);
  writeFileSync(path.join(OUT_DIR, 'efficiency.json'), JSON.stringify({ commit, date: new Date().toISOString(), klm: KLM, reports: [report], logs: run.logs, items: run.items.map((i) => ({ stem: i.stem, targets: i.targets.length, skipped: i.skipped, points: i.points })) }, null, 1));
  writeFileSync(path.join(OUT_DIR, 'efficiency.md'), md + '\n');
  writeFileSync(path.join(OUT_DIR, 'efficiency.svg'), svg);
  await sharp(Buffer.from(svg)).png().toFile(path.join(OUT_DIR, 'efficiency.png'));
  process.stdout.write(`\n${md}\n\n  written to ${path.relative(ROOT, OUT_DIR)}/efficiency.{json,md,svg,png}\n`);

  const complete = (a: typeof manual) => a.failures === 0 && run.endQuality[a.arm as 'manual']?.falseLeft === 0;
  return [
    { name: `3D single frame: manual, est. s / object (n = ${n})`, value: manual.secondsPerObject, unit: 's' },
    { name: `3D single frame: AI pre-labels + review, est. s / object (n = ${n})`, value: ai.secondsPerObject, unit: 's' },
    { name: `3D single frame: AI / manual, est. time per object (n = ${n})`, value: ai.ratioToManual, unit: '×', target: `<= ${TARGET_3D}`, pass: ai.ratioToManual <= TARGET_3D },
    { name: '3D single frame: failures (manual / AI)', value: manual.failures + ai.failures, unit: 'objects', target: '= 0', pass: complete(manual) && complete(ai) },
    { name: 'untrusted input events', value: run.untrusted, unit: '', target: '= 0', pass: run.untrusted === 0 },
  ];
}
