/**
 * LiDAR bench: one-click fit speed and accuracy, proposal speed and recall, on the real KITTI
 * frames (targets) plus SUSTechPOINTS and nuScenes (supplementary: KITTI's three frames hold only
 * one car with 50+ points, too few to judge accuracy by). Absolute milliseconds are informational
 * on a shared machine; each is the median of several warm runs.
 *
 * Run: npx tsx -e "import('./tests/bench/lidar.bench.ts').then(m=>m.default()).then(r=>console.table(r))"
 */
import { readdirSync } from 'node:fs';
import type { Cuboid3D } from '../../core/document/schema';
import { parseKittiCalib } from '../../core/calib/kitti';
import { kittiLabelToCuboid, parseKittiLabels } from '../../core/formats/kitti/labels';
import { importNuScenesInfo } from '../../core/formats/nuscenes/boxes';
import { parseSustechFrame } from '../../core/formats/sustech/labels';
import { pointsInBox } from '../../core/lidar/box';
import { fitBoxAtClick, fitBoxInRegion } from '../../core/lidar/fit';
import { buildFrameIndex, type FrameIndex } from '../../core/lidar/frameIndex';
import { bevIoU } from '../../core/lidar/iou';
import { DEFAULT_PROPOSAL_THRESHOLD, proposeBoxes } from '../../core/lidar/propose';
import { CLASS_PRIORS } from '../../core/lidar/sizePrior';
import {
  HAS_DATA, KITTI_FRAMES, NUSCENES_INFO, SKIP_MESSAGE, dataPath, readKittiCloud, readNuScenesCloud, readSustechCloud, readText,
  type Cloud,
} from '../support/lidarData';
import { medianMs, type BenchRow } from './types';
import { evaluateFit, totalOf } from '../support/fitEval';
import { BANDS, evaluateProposals, precisionWithin40, recallWithin40 } from '../support/proposalEval';
import { fitFolds } from '../support/proposalFit';
import { loadHardLabelledScenes, loadLabelledScenes } from '../support/proposalScenes';
import { HARD_SCENE_FAMILIES, loadHardScenes } from '../support/hardScenes';
import { propagationRows } from './lidarTrack';

interface Scene {
  name: string;
  cloud: Cloud;
  /** Ground-truth cars with their in-box point counts. */
  cars: Array<{ box: Cuboid3D; points: number }>;
  /** Every labelled object (for timing clicks on varied objects). */
  all: Cuboid3D[];
}

const CAR_PRIOR = CLASS_PRIORS.find((p) => p.label === 'car')!;
const CAR_MIN_SIZE: [number, number] = [CAR_PRIOR.size[0], CAR_PRIOR.size[1]];

function scene(name: string, cloud: Cloud, objects: Array<{ label: string; box: Cuboid3D }>, isCar: (l: string) => boolean): Scene {
  return {
    name,
    cloud,
    cars: objects.filter((o) => isCar(o.label)).map((o) => ({ box: o.box, points: pointsInBox(cloud.positions, cloud.count, o.box) })),
    all: objects.map((o) => o.box),
  };
}

function kittiScenes(): Scene[] {
  return KITTI_FRAMES.map((f) => {
    const calib = parseKittiCalib(readText('kitti', 'calib', `${f}.txt`), `${f}.txt`);
    const labels = parseKittiLabels(readText('kitti', 'label_2', `${f}.txt`), `${f}.txt`).filter((l) => l.type !== 'DontCare');
    return scene(`kitti/${f}`, readKittiCloud(f), labels.map((l) => ({ label: l.type, box: kittiLabelToCuboid(l, calib) })), (l) => l === 'Car');
  });
}

function sustechScenes(): Scene[] {
  return readdirSync(dataPath('sustech', 'label')).filter((n) => n.endsWith('.json')).sort().map((n) => {
    const stem = n.replace('.json', '');
    const objs = parseSustechFrame(readText('sustech', 'label', n), n).map((o) => ({ label: o.label, box: o.box }));
    return scene(`sustech/${stem}`, readSustechCloud(stem), objs, (l) => l === 'Car');
  });
}

function nuScenesScene(): Scene {
  const item = importNuScenesInfo(readText('nuscenes', NUSCENES_INFO), NUSCENES_INFO);
  const objs = item.frames[0].objects.flatMap((o) => (o.geometry.kind === 'cuboid3d' ? [{ label: o.label, box: o.geometry }] : []));
  return scene('nuscenes', readNuScenesCloud(), objs, (l) => l === 'car');
}

/** Share of cars (>= minPoints points) whose fit seeded at the true centre reaches BEV IoU >= 0.7. */
function fitPassRate(scenes: Scene[], indexes: FrameIndex[], minPoints: number, minSize?: [number, number]) {
  let n = 0, pass = 0;
  scenes.forEach((s, i) => {
    for (const car of s.cars) {
      if (car.points < minPoints) continue;
      n++;
      const r = fitBoxAtClick(s.cloud.positions, s.cloud.count, [car.box.center[0], car.box.center[1]], { index: indexes[i], minSize });
      if (r && bevIoU(r.box, car.box) >= 0.7) pass++;
    }
  });
  return { n, rate: n ? pass / n : 0 };
}

export default async function lidarBench(): Promise<BenchRow[]> {
  if (!HAS_DATA) return [{ name: `LiDAR bench skipped: ${SKIP_MESSAGE}`, value: 0, unit: '-' }];
  const kitti = kittiScenes();
  const sustech = sustechScenes();
  const nu = nuScenesScene();
  const rows: BenchRow[] = [];

  // One-time per-frame preprocessing (ground map + obstacle grid).
  const indexMs: number[] = [];
  for (const s of kitti) indexMs.push(await medianMs(() => buildFrameIndex(s.cloud.positions, s.cloud.count), 7, 2));
  const kittiIdx = kitti.map((s) => buildFrameIndex(s.cloud.positions, s.cloud.count));
  const sustechIdx = sustech.map((s) => buildFrameIndex(s.cloud.positions, s.cloud.count));
  const nuIdx = [buildFrameIndex(nu.cloud.positions, nu.cloud.count)];
  rows.push({ name: `KITTI per-frame preprocessing (ground + grid), ${kitti[0].cloud.count} pts`, value: round(median(indexMs)), unit: 'ms' });

  // Points-in-box over a whole frame (mask output), per box.
  const k0 = kitti[0];
  const mask = new Uint8Array(k0.cloud.count);
  const pibMs = await medianMs(() => {
    for (const b of k0.all) pointsInBox(k0.cloud.positions, k0.cloud.count, b, mask);
  }, 9, 3) / k0.all.length;
  rows.push({ name: `pointsInBox, ${k0.cloud.count} pts, Uint8Array mask (per box)`, value: round(pibMs, 3), unit: 'ms' });

  // Fit speed: clicks at the centre of every labelled object of the KITTI frames.
  const clicks = kitti.flatMap((s, i) => s.all.map((b) => ({ s, i, b })));
  const fitMs = await medianMs(() => {
    for (const { s, i, b } of clicks)
      fitBoxAtClick(s.cloud.positions, s.cloud.count, [b.center[0], b.center[1]], { index: kittiIdx[i], minSize: CAR_MIN_SIZE });
  }, 9, 3) / clicks.length;
  rows.push({ name: `one-click fit, KITTI (${clicks.length} clicks, per fit)`, value: round(fitMs, 3), unit: 'ms', target: '<= 5', pass: fitMs <= 5 });

  // Draw box: a rectangle dragged around each labelled object (its axis-aligned footprint + 0.5 m).
  const regionMs = await medianMs(() => {
    for (const { s, i, b } of clicks) {
      const hx = (b.size[0] / 2) * Math.abs(Math.cos(b.yaw)) + (b.size[1] / 2) * Math.abs(Math.sin(b.yaw)) + 0.5;
      const hy = (b.size[0] / 2) * Math.abs(Math.sin(b.yaw)) + (b.size[1] / 2) * Math.abs(Math.cos(b.yaw)) + 0.5;
      fitBoxInRegion(s.cloud.positions, s.cloud.count, { x0: b.center[0] - hx, y0: b.center[1] - hy, x1: b.center[0] + hx, y1: b.center[1] + hy }, { index: kittiIdx[i], minSize: CAR_MIN_SIZE });
    }
  }, 9, 3) / clicks.length;
  rows.push({ name: `draw-box fit (rectangle around each object), KITTI (${clicks.length} boxes, per fit)`, value: round(regionMs, 3), unit: 'ms', target: '<= 5', pass: regionMs <= 5 });

  const kFit = fitPassRate(kitti, kittiIdx, 50, CAR_MIN_SIZE);
  rows.push({ name: `fit BEV IoU>=0.7, KITTI cars >=50 pts (n=${kFit.n}), car size prior`, value: pct(kFit.rate), unit: '%', target: '>= 80', pass: kFit.rate >= 0.8 });
  const kFitNoPrior = fitPassRate(kitti, kittiIdx, 50);
  rows.push({ name: `fit BEV IoU>=0.7, KITTI cars >=50 pts (n=${kFitNoPrior.n}), no size prior`, value: pct(kFitNoPrior.rate), unit: '%' });
  const sFit = fitPassRate(sustech, sustechIdx, 50, CAR_MIN_SIZE);
  rows.push({ name: `fit BEV IoU>=0.7, SUSTech cars >=50 pts (n=${sFit.n}), car size prior [supplementary]`, value: pct(sFit.rate), unit: '%', target: '>= 80', pass: sFit.rate >= 0.8 });
  // The nuScenes sample (32 beams) has no car with 50+ points; use 20.
  const nFit = fitPassRate([nu], nuIdx, 20, CAR_MIN_SIZE);
  rows.push({ name: `fit BEV IoU>=0.7, nuScenes cars >=20 pts (n=${nFit.n}), car size prior [supplementary]`, value: pct(nFit.rate), unit: '%' });

  // Every labelled vehicle in ../shared/data (KITTI, KITTI tracking 0001, cropped KITTI, Argoverse 2,
  // SUSTech) and the synthetic hard scenes: the figures issue #14 judges by. With the prior of the
  // vehicle's class (what the UI passes with that class active) and with the car prior for all.
  const hardScenes = loadHardScenes(3);
  for (const mode of ['class', 'car'] as const) {
    const tag = mode === 'class' ? 'class prior' : 'car prior for all';
    const all = evaluateFit(undefined, 50, mode);
    for (const r of [...all, totalOf(all)]) {
      rows.push({ name: `fit from a click on the vehicle's points, BEV IoU>=0.7, ${r.dataset} (n=${r.n} vehicles, ${r.clicks} clicks), ${tag}`, value: pct(r.onPoints / Math.max(1, r.clicks)), unit: '%', ...(r.dataset === 'all' && mode === 'class' ? { target: '>= 90 (#14)', pass: r.onPoints / Math.max(1, r.clicks) >= 0.9 } : {}) });
    }
    const t = totalOf(all);
    rows.push({ name: `fit from the true centre, BEV IoU>=0.7, all vehicles (n=${t.n}), ${tag}`, value: pct(t.centre / Math.max(1, t.n)), unit: '%' });
    rows.push({ name: `draw box (footprint + 0.3 m), BEV IoU>=0.7, all vehicles (n=${t.n}), ${tag}`, value: pct(t.region / Math.max(1, t.n)), unit: '%' });
    if (mode === 'class') rows.push({ name: `proposal recall, all vehicles <=40 m, >=50 pts, BEV IoU>=0.5 (n=${t.proposalN})`, value: pct(t.proposed / Math.max(1, t.proposalN)), unit: '%' });
    // Synthetic hard scenes (tests/support/hardScenes.ts): each family its own row, 3 seeds each.
    const hard = evaluateFit(hardScenes, 50, mode);
    for (const r of [...hard, { ...totalOf(hard), dataset: 'synthetic, all families' }]) {
      rows.push({ name: `fit from a click on the vehicle's points, BEV IoU>=0.7, ${r.dataset} (n=${r.n} vehicles, ${r.clicks} clicks; draw box ${pct(r.region / Math.max(1, r.n))} %), ${tag}`, value: pct(r.onPoints / Math.max(1, r.clicks)), unit: '%' });
    }
  }

  // Fit speed on 120k-point HDL-64-like streets: a click at the centre of every vehicle of one scene
  // per family, the car prior, warm (the index built once per frame, as the editor does).
  const speedScenes = Object.values(HARD_SCENE_FAMILIES).map((make) => make(1));
  const speedIdx = speedScenes.map((h) => buildFrameIndex(h.cloud.positions, h.cloud.count));
  const speedClicks = speedScenes.flatMap((h, i) => h.vehicles.map((v) => ({ h, i, v })));
  const carPrior = CAR_PRIOR.size;
  const synthFitMs = await medianMs(() => {
    for (const { h, i, v } of speedClicks) fitBoxAtClick(h.cloud.positions, h.cloud.count, [v.box.center[0], v.box.center[1]], { index: speedIdx[i], prior: carPrior });
  }, 7, 2) / speedClicks.length;
  rows.push({ name: `one-click fit, synthetic streets ~120k pts (${speedClicks.length} clicks, per fit, car prior)`, value: round(synthFitMs, 3), unit: 'ms', target: '<= 5', pass: synthFitMs <= 5 });

  // Proposals: whole pipeline per frame, preprocessing included.
  const propMs: number[] = [];
  for (const s of kitti) propMs.push(await medianMs(() => proposeBoxes(s.cloud.positions, s.cloud.count), 7, 2));
  rows.push({ name: 'proposals per KITTI frame (incl. preprocessing)', value: round(median(propMs)), unit: 'ms', target: '<= 50', pass: median(propMs) <= 50 });
  rows.push({ name: 'proposals per KITTI frame (count, default threshold)', value: round(kitti.reduce((n, s) => n + proposeBoxes(s.cloud.positions, s.cloud.count).length, 0) / kitti.length, 1), unit: 'boxes' });

  // Issue #15: recall and precision per dataset and distance band at the default threshold (a
  // calibrated probability), defined in tests/support/proposalEval.ts. SUSTech and the synthetic
  // scenes were never used to fit the classifier; SUSTech's precision is a lower bound (visible
  // cars are unlabelled there). Held-out figures for KITTI / AV2: tests/tools/fit-proposal-classifier.ts.
  const labelled = loadLabelledScenes();
  const synthetic = loadHardLabelledScenes(3);
  for (const [set, scenes] of [['real', labelled], ['synthetic', synthetic]] as const) {
    const ev = evaluateProposals(scenes, (s) => proposeBoxes(s.cloud.positions, s.cloud.count), DEFAULT_PROPOSAL_THRESHOLD);
    const datasets = [...new Set(scenes.map((s) => s.dataset)), 'all'];
    for (const d of datasets)
      for (const band of [...BANDS, 'all']) {
        const c = ev.cells.get(`${d}|${band}`);
        if (!c) continue;
        const tag = d === 'all' ? `${set}, all datasets` : d;
        if (c.cars) rows.push({ name: `proposal recall, cars >=50 pts, ${band} m, BEV IoU>=0.5, ${tag} (n=${c.cars})`, value: pct(c.found / c.cars), unit: '%' });
        if (c.proposals) rows.push({ name: `proposal precision, ${band} m, ${tag} (n=${c.proposals} proposals)`, value: pct(c.tp / c.proposals), unit: '%' });
      }
    const rec = recallWithin40(ev), prec = precisionWithin40(ev);
    const r = rec.found / Math.max(1, rec.n), p = prec.tp / Math.max(1, prec.n);
    rows.push({ name: `proposal recall, ${set}, cars <=40 m, >=50 pts, BEV IoU>=0.5 (n=${rec.n})`, value: pct(r), unit: '%', target: '>= 85', pass: set === 'real' ? r >= 0.85 : undefined });
    rows.push({ name: `proposal precision, ${set}, <=40 m (n=${prec.n} proposals)`, value: pct(p), unit: '%', target: '>= 60', pass: set === 'real' ? p >= 0.6 : undefined });
    rows.push({ name: `cars with >= 1000 points found, ${set} (n=${ev.denseCars})`, value: ev.denseFound, unit: `of ${ev.denseCars}`, target: 'all', pass: set === 'real' ? ev.denseFound === ev.denseCars : undefined });
  }
  // The same, held out: each exhaustively labelled dataset (KITTI, AV2, nuScenes) scored by a
  // classifier fitted and calibrated without it (tests/support/proposalFit.ts), SUSTech by the
  // committed one (never trained on). The figures that say what an unseen sensor gets; the
  // targets above are judged on these too (informative, not pass/fail: n per dataset is small).
  const { heldOutFor } = fitFolds(labelled);
  const held = evaluateProposals(labelled, (s) => proposeBoxes(s.cloud.positions, s.cloud.count, heldOutFor(s)), DEFAULT_PROPOSAL_THRESHOLD);
  for (const d of [...new Set(labelled.map((s) => s.dataset)), 'all']) {
    const rec = recallWithin40(held, d), prec = precisionWithin40(held, d);
    const tag = d === 'all' ? 'all datasets' : d;
    if (rec.n) rows.push({ name: `held out: proposal recall, cars <=40 m, >=50 pts, ${tag} (n=${rec.n})`, value: pct(rec.found / rec.n), unit: '%', target: d === 'all' ? '>= 85' : undefined });
    if (prec.n) rows.push({ name: `held out: proposal precision, <=40 m, ${tag} (n=${prec.n} proposals)`, value: pct(prec.tp / prec.n), unit: '%', target: d === 'all' ? '>= 60' : undefined });
  }
  rows.push({ name: `held out: cars with >= 1000 points found (n=${held.denseCars})`, value: held.denseFound, unit: `of ${held.denseCars}` });
  // Box propagation along sequences (issue #14).
  rows.push(...(await propagationRows()));
  return rows;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
const pct = (f: number) => round(f * 100, 1);
