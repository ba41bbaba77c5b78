/**
 * `npm run bench efficiency` (issue #16): the annotation-cost benchmark. A scripted annotator drives
 * the real app (Chromium against `datum serve`, the test renderer build) on real labelled data,
 * with and without AI pre-labels, following one policy (efficiency/policy.ts); every input event is
 * logged by the page (efficiency/inputLog.ts) and priced with the Keystroke-Level Model
 * (efficiency/klm.ts). Writes `.bench/efficiency/efficiency.{json,md,svg,png}` and prints the tables.
 *
 * Modalities measured: 3D cuboids on single frames (KITTI tracking 0001, 11 scans), 2D boxes (the
 * same drive's 11 camera images) and a 3D sequence (SUSTech, 4 frames: per frame vs Copy to next
 * frame vs key frame + propagation, Shift+D), 2D masks (COCO image 139: the polygon tool, and Segment
 * (AI) when EFF_SAM_DIR names a SAM / MobileSAM export — skipped offline, no weights) and a video track (the demo sequence: a keyframe on every frame vs keyframes +
 * interpolation).
 *
 * The KITTI drive's 11 scans are also measured as one sequence (`seq-kitti`): per frame vs key frame
 * + propagation vs key frames + interpolation (each object boxed on its first and last target frame,
 * linked by a typed track id, Shift+T, every interpolated box judged).
 *
 * Knobs: EFF_ITEMS=n (first n items only, for a quick look), EFF_MODALITIES=3d,2d,seq,seq-kitti,mask,track, EFF_NO_BUILD=1
 * (reuse dist/renderer-test), EFF_SAM_DIR=<SAM model folder, or a models/ folder holding one> (the mask Segment (AI) arm).
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
import { hasImageData, runImageBench } from './efficiency/runImage';
import { hasSustech, runSequenceBench } from './efficiency/runSequence';
import { hasKittiSequence } from './efficiency/kittiSequence';
import { stepCosts } from './efficiency/armLog';
import { hasMaskData, MIN_MASK_AREA, runMaskBench } from './efficiency/runMask';
import { DP_TOLERANCE, MAX_EXTRA_CLICKS } from './efficiency/maskArm';
import { runTrackBench } from './efficiency/runTrack';
import { MAX_CORNER_DRAGS } from './efficiency/imageArm';
import type { ArmLog } from './efficiency/armLog';
import { breakEvenPrecision, renderMarkdown, renderSvg, summarise, thresholdSweep, type ModalityReport } from './efficiency/report';
import { KLM } from './efficiency/klm';
import { MATCH_IOU, MAX_CORRECTION_KEYS, MIN_POINTS } from './efficiency/policy';

export const OUT_DIR = path.join(ROOT, '.bench', 'efficiency');
const TARGET_3D = 0.5;
const TARGET_2D = 0.5;
const TARGET_SEQ = 0.3;
const TARGET_MASK = 0.5;
const TARGET_TRACK = 0.5;

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

/** One modality's report from its arms' logs (the first, `manual`, is the baseline; `names` renames the arms in the tables). */
function modalityReport(modality: string, dataset: string, items: number, logs: Record<string, ArmLog | undefined>, endQuality: ModalityReport['endQuality'], target: number, names?: Record<string, string>): ModalityReport {
  const n = logs.manual!.targets.length;
  const keys = Object.keys(logs).filter((k) => logs[k]);
  const arms = keys.map((k) => summarise(names?.[k] ?? k, logs[k]!, n));
  for (const a of arms.slice(1)) a.ratioToManual = a.secondsPerObject / arms[0].secondsPerObject;
  const quality = Object.fromEntries(keys.map((k) => [names?.[k] ?? k, endQuality[k]]));
  return {
    modality,
    dataset,
    items,
    arms,
    // Sequences: the copies carry no score, so there is no threshold to sweep.
    ...(names ? {} : { sweep: thresholdSweep(logs.manual!, logs['ai-review']!, [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]), breakEvenPrecision: breakEvenPrecision(arms[0], arms[1], logs['ai-review']!) }),
    target,
    endQuality: quality as ModalityReport['endQuality'],
  };
}

function rows(short: string, r: ModalityReport, untrustedOk: boolean): BenchRow[] {
  const [manual, ...assisted] = r.arms;
  const n = manual.n;
  const complete = (a: typeof manual) => a.failures === 0 && a.harnessErrors === 0 && r.endQuality[a.arm]?.falseLeft === 0 && r.endQuality[a.arm]?.pendingLeft === 0;
  // The AI + QA arm leaves the wrong pre-labels the checks miss, by design (efficiency/qaArm.ts): its
  // wrong boxes left are a figure of their own, not a harness failure.
  const qaArm = r.arms.find((a) => a.arm === 'ai-qa');
  const strict = r.arms.filter((a) => a !== qaArm);
  return [
    { name: `${short}: ${manual.arm}, est. s / object (n = ${n})`, value: manual.secondsPerObject, unit: 's' },
    ...assisted.flatMap((ai): BenchRow[] => [
      { name: `${short}: ${ai.arm}, est. s / object (n = ${n})`, value: ai.secondsPerObject, unit: 's' },
      { name: `${short}: ${ai.arm} / ${manual.arm}, est. time per object (n = ${n})`, value: ai.ratioToManual!, unit: '×', target: `<= ${r.target}`, pass: ai.ratioToManual! <= r.target },
    ]),
    { name: `${short}: failures + harness errors, ${qaArm ? 'all arms but ai-qa' : 'all arms'} (and nothing false or pending left)`, value: strict.reduce((s, a) => s + a.failures + a.harnessErrors, 0), unit: 'objects', target: '= 0', pass: strict.every(complete) && untrustedOk },
    ...(qaArm
      ? [
          { name: `${short}: ai-qa, wrong boxes left (targets under the bar + false labels left; n = ${n})`, value: qaArm.failures + (r.endQuality[qaArm.arm]?.falseLeft ?? 0), unit: 'boxes' },
          { name: `${short}: ai-qa, harness errors (and nothing pending left)`, value: qaArm.harnessErrors, unit: 'errors', target: '= 0', pass: qaArm.harnessErrors === 0 && r.endQuality[qaArm.arm]?.pendingLeft === 0 },
        ]
      : []),
  ];
}

export default async function efficiency(): Promise<BenchRow[]> {
  const wanted = (process.env.EFF_MODALITIES ?? '3d,2d,seq,seq-kitti,mask,track').split(',');
  const do3d = wanted.includes('3d') && hasKittiTracking();
  const do2d = wanted.includes('2d') && hasImageData();
  const doSeq = wanted.includes('seq') && hasSustech();
  const doSeqKitti = wanted.includes('seq-kitti') && hasKittiSequence();
  const doMask = wanted.includes('mask') && hasMaskData();
  const doTrack = wanted.includes('track');
  if (!do3d && !do2d && !doSeq && !doSeqKitti && !doMask && !doTrack) {
    process.stdout.write('SKIP  efficiency: ../shared/data (kitti-tracking-0001, models/yolox-nano) is absent\n');
    return [];
  }
  buildTestRenderer();
  const say = (l: string) => process.stdout.write(`  ${l}\n`);
  const limitItems = process.env.EFF_ITEMS ? Number(process.env.EFF_ITEMS) : undefined;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const reports: ModalityReport[] = [];
  const logs: Record<string, unknown> = {};
  let untrusted = 0;
  const out: BenchRow[] = [];
  try {
    if (do3d) {
      const run = await runLidarBench(browser, { limitItems, say });
      untrusted += run.untrusted;
      logs['3d'] = run.logs;
      const r = modalityReport('3D cuboids, single frame', `KITTI tracking 0001, camera-cropped; targets: cars and vans with ≥ ${MIN_POINTS} points`, run.items.length, run.logs, run.endQuality as ModalityReport['endQuality'], TARGET_3D);
      if (run.qa) r.qa = run.qa;
      if (run.qaArm) r.qaArm = run.qaArm;
      reports.push(r);
      out.push(...rows('3D single frame', r, run.untrusted === 0));
    }
    if (do2d) {
      const run = await runImageBench(browser, { limitItems, say });
      untrusted += run.untrusted;
      logs['2d'] = run.logs;
      const r = modalityReport('2D boxes', 'KITTI tracking 0001 camera images; targets: cars and vans, box height ≥ 25 px, occlusion ≤ 2, truncation ≤ 0.5; pre-labels: YOLOX-nano', run.items.length, run.logs, run.endQuality as ModalityReport['endQuality'], TARGET_2D);
      reports.push(r);
      out.push(...rows('2D boxes', r, run.untrusted === 0));
    }
    if (doSeq) {
      const run = await runSequenceBench(browser, { say });
      untrusted += run.untrusted;
      logs.seq = run.logs;
      const r = modalityReport('3D sequence', `SUSTech example, one sequence of ${run.seq.frames.length} frames (000950–000975, sensor frame); targets per frame: vehicles with ≥ ${MIN_POINTS} points; arms: every frame from scratch vs Copy to next frame + fix the copies vs key frame + propagation (Shift+D, nothing selected) + fix the propagated boxes`, run.seq.frames.length, run.logs, run.endQuality as ModalityReport['endQuality'], TARGET_SEQ, { manual: 'per-frame', 'ai-review': 'copy-forward', propagate: 'propagate' });
      reports.push(r);
      out.push(...rows('3D sequence (vs per frame)', r, run.untrusted === 0));
    }
    if (doSeqKitti) {
      const run = await runSequenceBench(browser, { say, data: 'kitti', frames: limitItems });
      untrusted += run.untrusted;
      logs['seq-kitti'] = run.logs;
      const r = modalityReport('3D sequence (KITTI)', `KITTI tracking 0001, one sequence of its ${run.seq.frames.length} scans (every 3rd of frames 0–30, camera-cropped, sensor frame); targets per frame: cars and vans with ≥ ${MIN_POINTS} points; n = (object, frame) boxes; arms: every frame from scratch vs key frame + propagation (Shift+D) + fix the propagated boxes vs key frames (each object's first and last target frame, linked by a typed track id) + Shift+T (interpolate every track) + judge every interpolated box`, run.seq.frames.length, run.logs, run.endQuality as ModalityReport['endQuality'], TARGET_SEQ, { manual: 'per-frame', propagate: 'propagate', interpolate: 'interpolate' });
      const st = run.interpolation;
      const il = run.logs.interpolate;
      if (st && il) {
        // What linking cost: the "create" steps that carry the typed ids ('#' ... Enter).
        const link = stepCosts(il).filter(({ rec }) => rec.events.some((e) => e.type === 'key' && e.key === '#')).reduce((s, { cost }) => s + cost.seconds, 0);
        const judged = il.targets.filter((t) => t.via === 'prelabel');
        r.notes = [
          `interpolate: ${st.keyframes} key-frame boxes made (of n = ${il.targets.length}), ${st.links} linked by a track id (# and Enter on the proposed id, the id typed over it on ${st.typed}: ${(link / Math.max(1, st.links)).toFixed(1)} s each, ${(link / il.targets.length).toFixed(2)} s / object), one Shift+T; ${st.between} targets between key frames: ${judged.length} reached by an interpolated box (${judged.filter((t) => t.outcome === 'accepted').length} kept as they were, ${judged.filter((t) => t.outcome === 'corrected').length} corrected), ${il.targets.filter((t) => t.via !== 'prelabel').length - st.keyframes} created; ${il.deleted.length} interpolated boxes deleted, ${il.ignored?.length ?? 0} left on labelled non-targets (ignored).`,
        ];
      }
      reports.push(r);
      out.push(...rows('3D sequence, KITTI (vs per frame)', r, run.untrusted === 0));
    }
    if (doMask) {
      const run = await runMaskBench(browser, { limitTargets: limitItems, say });
      untrusted += run.untrusted;
      logs.mask = run.logs;
      const seg = 'skipped' in run.segment ? null : run.segment;
      const r = modalityReport('2D masks', `COCO val2017 image 139; targets: non-crowd single-part COCO outlines with area ≥ ${MIN_MASK_AREA} px; polygon arm: polygon tool, vertices = the outline simplified by Douglas–Peucker at ${DP_TOLERANCE} px; ${seg ? `Segment (AI) arm: model ${seg.modelId}, a click at the outline's interior point, up to ${MAX_EXTRA_CLICKS} corrective clicks, else the polygon tool` : `Segment (AI) arm skipped: ${(run.segment as { skipped: string }).skipped}`}`, run.items.length, run.logs, run.endQuality as ModalityReport['endQuality'], TARGET_MASK, { manual: 'polygon', segment: 'segment-ai' });
      if (seg) {
        const k = seg.stats.kept;
        r.notes = [`segment-ai: ${k.length} of n = ${run.logs.segment!.targets.length} kept from the model (clicks each: ${k.length ? (k.reduce((a, b) => a + b, 0) / k.length).toFixed(1) : '—'} on average), ${seg.stats.fallbacks} drawn with the polygon tool after ${1 + MAX_EXTRA_CLICKS} clicks under IoU ${MATCH_IOU}.`];
      } else r.notes = [`segment-ai: not run — ${(run.segment as { skipped: string }).skipped}.`];
      reports.push(r);
      out.push(...rows('2D masks', r, run.untrusted === 0));
    }
    if (doTrack) {
      const run = await runTrackBench(browser, { say });
      untrusted += run.untrusted;
      logs.track = run.logs;
      const r = modalityReport('Video track', `demo image sequence gliding_square (synthetic, ${run.frames} frames, one 60 × 60 square; truth from the frame pixels); a box (keyframe) on every frame vs keyframes + interpolation (${run.keyframes.manual} vs ${run.keyframes.interpolate} keyframes); n = frames`, 1, run.logs, run.endQuality as ModalityReport['endQuality'], TARGET_TRACK, { manual: 'every-frame', interpolate: 'interpolate' });
      reports.push(r);
      out.push(...rows('Video track (vs every frame)', r, run.untrusted === 0));
    }
  } finally {
    await browser.close();
  }
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
    `KLM: keystroke ${KLM.keystroke} s, pointing ${KLM.pointing} s, button ${KLM.button} s, homing ${KLM.homing} s, mental ${KLM.mental} s; quality bar IoU ≥ ${MATCH_IOU} (3D: bird's-eye and height); correction cap ${MAX_CORRECTION_KEYS} keys (3D), ${MAX_CORNER_DRAGS} corner drags (2D).`,
    '',
    ...reports.flatMap((r) => [renderMarkdown(r), '']),
    `Untrusted input events seen by the pages: ${untrusted}.`,
  ].join('\n');
  const svg = renderSvg(reports);
  writeFileSync(path.join(OUT_DIR, 'efficiency.json'), JSON.stringify({ commit, date: new Date().toISOString(), klm: KLM, reports, logs }, null, 1));
  writeFileSync(path.join(OUT_DIR, 'efficiency.md'), md + '\n');
  writeFileSync(path.join(OUT_DIR, 'efficiency.svg'), svg);
  await sharp(Buffer.from(svg)).png().toFile(path.join(OUT_DIR, 'efficiency.png'));
  process.stdout.write(`\n${md}\n\n  written to ${path.relative(ROOT, OUT_DIR)}/efficiency.{json,md,svg,png}\n`);
  out.push({ name: 'untrusted input events', value: untrusted, unit: '', target: '= 0', pass: untrusted === 0 });
  return out;
}
