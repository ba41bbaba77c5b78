/**
 * Fits the proposal classifier (core/lidar/classify.ts) on every labelled frame in
 * ../shared/data and writes the weights to core/lidar/proposalWeights.ts. Reproducible: the data,
 * the candidate generation and the fit (L2-regularised logistic regression by Newton's method
 * from zero) are deterministic.
 *
 * Training examples: every candidate cluster of every clustering (proposeCandidates) of the
 * exhaustively labelled frames (KITTI, Argoverse 2, nuScenes; not SUSTech, see proposalScenes.ts), judged by
 * the same rule as the evaluation (proposalScenes.ts). Car target: its car-completed box reaches
 * BEV IoU >= 0.5 with a labelled car, van, truck, bus or trailer. Pedestrian/cyclist target: its
 * pedestrian- or cyclist-completed box reaches BEV IoU >= 0.5 with a labelled object of that class.
 *
 * Then: leave-one-dataset-out (KITTI's three folders are one dataset) — fit on the others, run
 * the whole pipeline on the held-out one — and print recall/precision per band with n, and a
 * reliability table (score bins vs share of proposals that matched, with n) for the held-out
 * scores and the final fit.
 *
 * `npx tsx tests/tools/fit-proposal-classifier.ts [--write]`; `LAMBDA=` sets the L2 strength, `DROP=name,name`
 * leaves features out, `BALANCE=1` weighs each dataset family equally (experiments);
 * `WITH_SYNTHETIC=1` also trains on (and holds
 * out, as one more dataset) the synthetic hard scenes — an experiment, not how the weights are made.
 */
import { writeFileSync } from 'node:fs';
import { bevIoU } from '../../core/lidar/iou';
import type { LogisticModel } from '../../core/lidar/logistic';
import { FEATURE_COUNT, FEATURE_NAMES } from '../../core/lidar/proposalFeatures';
import { DEFAULT_PROPOSAL_THRESHOLD, isCarSized, proposeCandidates, type Candidate } from '../../core/lidar/propose';
import { compatible, evaluateProposals, formatEval, matchFrame, precisionWithin40, recallWithin40 } from '../support/proposalEval';
import { loadHardLabelledScenes, loadLabelledScenes, type LabelledScene } from '../support/proposalScenes';

const LAMBDA = Number(process.env.LAMBDA ?? 2);
/** Experiment switch: DROP=name,name fits with those features left out (weight 0). */
const DROP = new Set((process.env.DROP ?? '').split(',').filter(Boolean).map((n) => FEATURE_NAMES.indexOf(n as never)));
const family = (dataset: string) => (dataset.startsWith('kitti') ? 'kitti' : dataset.startsWith('synth') ? 'synthetic' : dataset);

interface Example { f: Float32Array; y: number; family: string }

function examples(scene: LabelledScene, which: 'car' | 'vru'): Example[] {
  const out: Example[] = [];
  for (const c of proposeCandidates(scene.cloud.positions, scene.cloud.count, { minScore: 1.1 })) {
    if (!c.features) continue;
    if (which === 'car' && !isCarSized(c.features)) continue; // never scored as a car (propose.ts)
    const box = which === 'car' ? c.carBox! : c.vruBox!;
    const label = which === 'car' ? 'car' : c.vruLabel!;
    const y = scene.objects.some((o) => compatible(label, o.cls) && bevIoU(box, o.box) >= 0.5) ? 1 : 0;
    if (!y && !scene.judged(box)) continue;
    out.push({ f: c.features, y, family: family(scene.dataset) });
  }
  return out;
}

/** Solves A x = b (small dense system, Gaussian elimination with partial pivoting). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(M[i][k]) > Math.abs(M[p][k])) p = i;
    [M[k], M[p]] = [M[p], M[k]];
    for (let i = k + 1; i < n; i++) {
      const f = M[i][k] / M[k][k];
      for (let j = k; j <= n; j++) M[i][j] -= f * M[k][j];
    }
  }
  const x = new Array(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = M[i][n];
    for (let j = i + 1; j < n; j++) s -= M[i][j] * x[j];
    x[i] = s / M[i][i];
  }
  return x;
}

/** L2-regularised logistic regression (bias unpenalised) on standardised features, Newton steps. */
function fitLogistic(data: Example[]): LogisticModel {
  const d = FEATURE_COUNT;
  const mean = new Array(d).fill(0), std = new Array(d).fill(0);
  for (const e of data) for (let i = 0; i < d; i++) mean[i] += e.f[i] / data.length;
  for (const e of data) for (let i = 0; i < d; i++) std[i] += (e.f[i] - mean[i]) ** 2 / data.length;
  for (let i = 0; i < d; i++) std[i] = Math.sqrt(std[i]) || 1;
  const X = data.map((e) => [...Array.from({ length: d }, (_, i) => (DROP.has(i) ? 0 : (e.f[i] - mean[i]) / std[i])), 1]);
  // BALANCE=1 (experiment): each dataset family weighs the same in the likelihood.
  const perFamily = new Map<string, number>();
  for (const e of data) perFamily.set(e.family, (perFamily.get(e.family) ?? 0) + 1);
  const wt = data.map((e) => (process.env.BALANCE === '1' ? data.length / (perFamily.size * perFamily.get(e.family)!) : 1));
  let w = new Array(d + 1).fill(0);
  for (let iter = 0; iter < 30; iter++) {
    const g = new Array(d + 1).fill(0);
    const H = Array.from({ length: d + 1 }, () => new Array(d + 1).fill(0));
    X.forEach((x, k) => {
      const p = 1 / (1 + Math.exp(-x.reduce((s, v, i) => s + v * w[i], 0)));
      const r = (p - data[k].y) * wt[k], q = p * (1 - p) * wt[k];
      for (let i = 0; i <= d; i++) {
        g[i] += r * x[i];
        for (let j = 0; j <= d; j++) H[i][j] += q * x[i] * x[j];
      }
    });
    for (let i = 0; i < d; i++) {
      g[i] += LAMBDA * w[i];
      H[i][i] += LAMBDA;
    }
    const step = solve(H, g);
    w = w.map((v, i) => v - step[i]);
    if (Math.max(...step.map(Math.abs)) < 1e-6) break;
  }
  const r = (v: number) => Math.round(v * 1e5) / 1e5;
  return { mean: mean.map(r), std: std.map(r), weights: w.slice(0, d).map(r), bias: r(w[d]) };
}

function reliability(rows: Array<{ score: number; tp: boolean }>): string {
  const bins = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001];
  const lines = ['score bin    n     matched   mean score'];
  for (let b = 0; b + 1 < bins.length; b++) {
    const inBin = rows.filter((r) => r.score >= bins[b] && r.score < bins[b + 1]);
    if (!inBin.length) continue;
    const m = inBin.filter((r) => r.tp).length;
    const ms = inBin.reduce((s, r) => s + r.score, 0) / inBin.length;
    lines.push(`${bins[b].toFixed(1)}-${Math.min(1, bins[b + 1]).toFixed(1)}  ${String(inBin.length).padStart(5)}  ${((100 * m) / inBin.length).toFixed(1).padStart(6)}%   ${ms.toFixed(2)}`);
  }
  return lines.join('\n');
}

/** Final proposals of every scene (no threshold), with greedy-match outcomes, for reliability. */
function outcomes(scenes: LabelledScene[], models: (s: LabelledScene) => { carModel: LogisticModel; vruModel: LogisticModel }) {
  const rows: Array<{ score: number; tp: boolean }> = [];
  const props = new Map<LabelledScene, Candidate[]>();
  for (const s of scenes) {
    const c = proposeCandidates(s.cloud.positions, s.cloud.count, { ...models(s), minScore: 0.05 }).filter((x) => !x.dropped);
    props.set(s, c);
    // Reliability only where every object is labelled (a SUSTech "miss" may be an unlabelled car).
    if (s.exhaustive) for (const o of matchFrame(s, c).outcome) rows.push({ score: o.proposal.score, tp: o.tp });
  }
  return { rows, props };
}

const withSynthetic = process.env.WITH_SYNTHETIC === '1';
const scenes = [...loadLabelledScenes(), ...(withSynthetic ? loadHardLabelledScenes(3) : [])];
// Only exhaustively labelled frames train the classifier (proposalScenes.ts: SUSTech leaves
// visible cars unlabelled, which would teach it that cars are negatives). SUSTech is therefore
// held out entirely, as are the synthetic scenes.
const training = scenes.filter((s) => s.exhaustive);
const families = [...new Set(training.map((s) => family(s.dataset)))];
const car = training.flatMap((s) => examples(s, 'car'));
const vru = training.flatMap((s) => examples(s, 'vru'));
console.log(`training examples: car ${car.length} (${car.filter((e) => e.y).length} positive), pedestrian/cyclist ${vru.length} (${vru.filter((e) => e.y).length} positive)`);

// Leave one dataset out.
/**
 * Platt scaling of a fitted pair on the proposals that survive NMS in the given (training)
 * scenes: a 1-D logistic regression of "matched" on the uncalibrated logit, per class.
 */
function calibrate(models: { carModel: LogisticModel; vruModel: LogisticModel }, on: LabelledScene[]) {
  const rows = { car: [] as Array<[number, number]>, vru: [] as Array<[number, number]> };
  for (const s of on) {
    const props = proposeCandidates(s.cloud.positions, s.cloud.count, { ...models, minScore: 0.02 }).filter((x) => !x.dropped);
    for (const o of matchFrame(s, props).outcome) {
      const p = Math.min(1 - 1e-9, Math.max(1e-9, o.proposal.score));
      rows[o.proposal.label === 'car' ? 'car' : 'vru'].push([Math.log(p / (1 - p)), o.tp ? 1 : 0]);
    }
  }
  const platt = (data: Array<[number, number]>): [number, number] => {
    let a = 1, b = 0;
    for (let iter = 0; iter < 50; iter++) {
      // Newton step with a small ridge towards the identity (a = 1, b = 0) for sparse classes.
      let ga = 0.5 * (a - 1), gb = 0.5 * b, haa = 0.5, hab = 0, hbb = 0.5;
      for (const [z, y] of data) {
        const p = 1 / (1 + Math.exp(-(a * z + b)));
        ga += (p - y) * z;
        gb += p - y;
        const q = p * (1 - p);
        haa += q * z * z;
        hab += q * z;
        hbb += q;
      }
      const det = haa * hbb - hab * hab;
      const da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
      a -= da;
      b -= db;
      if (Math.abs(da) + Math.abs(db) < 1e-8) break;
    }
    return [Math.round(a * 1e5) / 1e5, Math.round(b * 1e5) / 1e5];
  };
  return {
    carModel: { ...models.carModel, calibration: platt(rows.car) },
    vruModel: { ...models.vruModel, calibration: platt(rows.vru) },
  };
}

const fitPair = (keep: (e: Example) => boolean, on: LabelledScene[]) =>
  calibrate({ carModel: fitLogistic(car.filter(keep)), vruModel: fitLogistic(vru.filter(keep)) }, on);
const folds = new Map(families.map((f) => [f, fitPair((e) => e.family !== f, training.filter((s) => family(s.dataset) !== f))]));
const final = fitPair(() => true, training);
const held = outcomes(scenes, (s) => folds.get(family(s.dataset)) ?? final);
const heldEval = evaluateProposals(scenes, (s) => held.props.get(s)!, DEFAULT_PROPOSAL_THRESHOLD);
console.log(`\n== held out (each of ${families.join(', ')} scored by a model fitted without it; the rest by the final fit, which never saw them), threshold ${DEFAULT_PROPOSAL_THRESHOLD} ==`);
console.log(formatEval(heldEval));
const hr = recallWithin40(heldEval), hp = precisionWithin40(heldEval);
console.log(`within 40 m: recall ${hr.found}/${hr.n}, precision ${hp.tp}/${hp.n}`);
for (const t of [0.2, 0.3, 0.4, 0.5, 0.6]) {
  const e = evaluateProposals(scenes, (s) => held.props.get(s)!, t);
  const r = recallWithin40(e), p = precisionWithin40(e);
  console.log(`held out, threshold ${t}: recall <= 40 m ${r.found}/${r.n} = ${((100 * r.found) / r.n).toFixed(1)}%, precision <= 40 m ${p.tp}/${p.n} = ${((100 * p.tp) / p.n).toFixed(1)}%, cars >= 1000 pts ${e.denseFound}/${e.denseCars}`);
}
console.log('reliability, held out, exhaustively labelled frames (KITTI, AV2, nuScenes), proposals after NMS:');
console.log(reliability(held.rows));

const fin = outcomes(scenes, () => final);
const finEval = evaluateProposals(scenes, (s) => fin.props.get(s)!, DEFAULT_PROPOSAL_THRESHOLD);
console.log(`\n== final fit on all datasets (in-sample), threshold ${DEFAULT_PROPOSAL_THRESHOLD} ==`);
console.log(formatEval(finEval));
console.log('reliability, final fit (in-sample), exhaustively labelled frames, proposals after NMS:');
console.log(reliability(fin.rows));
console.log('\ncar weights:', FEATURE_NAMES.map((n, i) => `${n}=${final.carModel.weights[i]}`).join(' '), `bias=${final.carModel.bias}`);
console.log('vru weights:', FEATURE_NAMES.map((n, i) => `${n}=${final.vruModel.weights[i]}`).join(' '), `bias=${final.vruModel.bias}`);

if (process.argv.includes('--write')) {
  const fmt = (m: LogisticModel) => JSON.stringify(m, null, 2).replace(/"(\w+)":/g, '$1:');
  writeFileSync(
    new URL('../../core/lidar/proposalWeights.ts', import.meta.url),
    `/**
 * Proposal classifier weights, fitted by tests/tools/fit-proposal-classifier.ts --write on every
 * labelled frame in the shared data (${car.length} car and ${vru.length} pedestrian/cyclist candidate clusters).
 * Do not edit by hand; rerun the script. Feature order: proposalFeatures.ts FEATURE_NAMES
 * (${FEATURE_NAMES.join(', ')}).
 */
import type { LogisticModel } from './logistic';

export const CAR_MODEL: LogisticModel = ${fmt(final.carModel)};

export const VRU_MODEL: LogisticModel = ${fmt(final.vruModel)};
`,
  );
  console.log('wrote core/lidar/proposalWeights.ts');
}
