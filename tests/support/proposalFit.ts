/**
 * Fitting the proposal classifier (core/lidar/classify.ts): training examples from labelled
 * scenes, an L2-regularised logistic regression (Newton's method from zero, deterministic), Platt
 * scaling on the proposals that survive NMS, and leave-one-dataset-out folds. Shared by
 * tests/tools/fit-proposal-classifier.ts (which writes the weights) and tests/tools/prop-diag.ts
 * (`--held-out`: explain the misses of the held-out models, the figures that matter for an unseen
 * sensor). Test/tool code only.
 */
import { bevIoU } from '../../core/lidar/iou';
import type { LogisticModel } from '../../core/lidar/logistic';
import { FEATURE_COUNT, FEATURE_NAMES, LEFT_OUT_FEATURES } from '../../core/lidar/proposalFeatures';
import { isCarSized, proposeCandidates, type Candidate } from '../../core/lidar/propose';
import { compatible, matchFrame } from './proposalEval';
import type { LabelledScene } from './proposalScenes';

export interface FitOptions {
  /** L2 strength on the standardised weights (bias unpenalised). */
  lambda: number;
  /** Feature indices left out (weight 0): LEFT_OUT_FEATURES by default (proposalFeatures.ts). */
  drop: Set<number>;
  /** Each dataset family weighs the same in the likelihood: experiments. */
  balance: boolean;
  /**
   * Sensor randomisation: each training scene is also used thinned to these shares of its points
   * (every k-th return kept), as a sparser scanner would sample the same street.
   */
  thin: number[];
  /**
   * BEV IoU with a labelled object from which a candidate's box is a positive example: 0.4, not
   * the evaluation's 0.5, so the regression learns "this cluster is a car" rather than also
   * "and its completed box happens to clear 0.5" (a far car boxed at 0.45 is a car, and as a
   * negative it taught that sparse cars are not); Platt scaling (calibrate) then maps the score to
   * the probability of a match at 0.5 on the proposals after NMS. Cars only: a pedestrian's or
   * cyclist's box is not completed behind what is seen, and their model keeps 0.5.
   */
  targetIoU: number;
  /** The pedestrian/cyclist model's own L2 strength and left-out features (few positives: simpler). */
  vruLambda: number;
  vruDrop: Set<number>;
}

/** The scene with every point kept whose index falls on the share (deterministic, even spread). */
export function thinned(scene: LabelledScene, share: number): LabelledScene {
  const { positions, count } = scene.cloud;
  const out = new Float32Array(Math.ceil(count * share) * 3 + 3);
  let n = 0, acc = 0;
  for (let i = 0; i < count; i++) {
    acc += share;
    if (acc < 1) continue;
    acc -= 1;
    out[n * 3] = positions[i * 3];
    out[n * 3 + 1] = positions[i * 3 + 1];
    out[n * 3 + 2] = positions[i * 3 + 2];
    n++;
  }
  return { ...scene, frame: `${scene.frame}@${share}`, cloud: { ...scene.cloud, positions: out.subarray(0, n * 3), count: n } };
}

const featureSet = (list: string) => new Set(list.split(',').filter((n) => n && n !== 'none').map((n) => {
  const i = FEATURE_NAMES.indexOf(n as never);
  if (i < 0) throw new Error(`DROP: no feature ${n}`);
  return i;
}));

export const fitOptionsFromEnv = (): FitOptions => ({
  lambda: Number(process.env.LAMBDA ?? 2),
  // DROP=name,name replaces the default list (LEFT_OUT_FEATURES); DROP=none keeps every feature.
  drop: featureSet(process.env.DROP ?? LEFT_OUT_FEATURES.join(',')),
  vruLambda: Number(process.env.VRU_LAMBDA ?? process.env.LAMBDA ?? 2),
  vruDrop: featureSet(process.env.VRU_DROP ?? process.env.DROP ?? LEFT_OUT_FEATURES.join(',')),
  balance: process.env.BALANCE === '1',
  thin: (process.env.THIN ?? '').split(',').filter(Boolean).map(Number),
  targetIoU: Number(process.env.TARGET_IOU ?? 0.4),
});

/** KITTI's three folders (object, tracking, cropped) are one sensor, so one dataset family. */
export const family = (dataset: string) => (dataset.startsWith('kitti') ? 'kitti' : dataset.startsWith('synth') ? 'synthetic' : dataset);

export interface Example { f: Float32Array; y: number; family: string }
export interface ModelPair { carModel: LogisticModel; vruModel: LogisticModel }

/**
 * Every candidate cluster of every clustering of a scene, as car and pedestrian/cyclist examples:
 * positive when its car- (resp. pedestrian/cyclist-) completed box reaches BEV IoU >= 0.5 with a
 * compatible labelled object; negatives only where they can be judged.
 */
export function examples(scene: LabelledScene, targetIoU = 0.5): { car: Example[]; vru: Example[] } {
  const car: Example[] = [], vru: Example[] = [];
  const fam = family(scene.dataset);
  for (const c of proposeCandidates(scene.cloud.positions, scene.cloud.count, { minScore: 1.1 })) {
    if (!c.features) continue;
    for (const which of ['car', 'vru'] as const) {
      if (which === 'car' && !isCarSized(c.features)) continue; // never scored as a car (propose.ts)
      const box = which === 'car' ? c.carBox! : c.vruBox!;
      const label = which === 'car' ? 'car' : c.vruLabel!;
      const y = scene.objects.some((o) => compatible(label, o.cls) && bevIoU(box, o.box) >= (which === 'car' ? targetIoU : 0.5)) ? 1 : 0;
      if (!y && !scene.judged(box)) continue;
      (which === 'car' ? car : vru).push({ f: c.features, y, family: fam });
    }
  }
  return { car, vru };
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
export function fitLogistic(data: Example[], opts: FitOptions): LogisticModel {
  const d = FEATURE_COUNT;
  const mean = new Array(d).fill(0), std = new Array(d).fill(0);
  for (const e of data) for (let i = 0; i < d; i++) mean[i] += e.f[i] / data.length;
  for (const e of data) for (let i = 0; i < d; i++) std[i] += (e.f[i] - mean[i]) ** 2 / data.length;
  for (let i = 0; i < d; i++) std[i] = Math.sqrt(std[i]) || 1;
  const X = data.map((e) => [...Array.from({ length: d }, (_, i) => (opts.drop.has(i) ? 0 : (e.f[i] - mean[i]) / std[i])), 1]);
  const perFamily = new Map<string, number>();
  for (const e of data) perFamily.set(e.family, (perFamily.get(e.family) ?? 0) + 1);
  const wt = data.map((e) => (opts.balance ? data.length / (perFamily.size * perFamily.get(e.family)!) : 1));
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
      g[i] += opts.lambda * w[i];
      H[i][i] += opts.lambda;
    }
    const step = solve(H, g);
    w = w.map((v, i) => v - step[i]);
    if (Math.max(...step.map(Math.abs)) < 1e-6) break;
  }
  const r = (v: number) => Math.round(v * 1e5) / 1e5;
  return { mean: mean.map(r), std: std.map(r), weights: w.slice(0, d).map(r), bias: r(w[d]) };
}

/**
 * Platt scaling of a fitted pair on the proposals that survive NMS in the given (training)
 * scenes: a 1-D logistic regression of "matched" on the uncalibrated logit, per class.
 */
export function calibrate(models: ModelPair, on: LabelledScene[]): ModelPair {
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

export interface Folds {
  /** Training examples (exhaustively labelled scenes). */
  car: Example[];
  vru: Example[];
  /** Dataset families that train. */
  families: string[];
  /** Per family, the pair fitted and calibrated without it. */
  folds: Map<string, ModelPair>;
  /** The pair fitted and calibrated on every training scene. */
  final: ModelPair;
  /** The model pair that never saw a scene: its family's fold, or the final one. */
  heldOutFor: (s: LabelledScene) => ModelPair;
}

/**
 * Leave-one-dataset-out fits. Only exhaustively labelled scenes train (proposalScenes.ts: SUSTech
 * leaves visible cars unlabelled, which would teach the classifier that cars are negatives).
 */
export function fitFolds(scenes: LabelledScene[], opts: FitOptions = fitOptionsFromEnv()): Folds {
  const training = scenes.filter((s) => s.exhaustive);
  const families = [...new Set(training.map((s) => family(s.dataset)))];
  const ex = [...training, ...opts.thin.flatMap((t) => training.map((s) => thinned(s, t)))].map((s) => examples(s, opts.targetIoU));
  const car = ex.flatMap((e) => e.car), vru = ex.flatMap((e) => e.vru);
  const fitPair = (keep: (e: Example) => boolean, on: LabelledScene[]) =>
    calibrate({ carModel: fitLogistic(car.filter(keep), opts), vruModel: fitLogistic(vru.filter(keep), { ...opts, lambda: opts.vruLambda, drop: opts.vruDrop }) }, on);
  const folds = new Map(families.map((f) => [f, fitPair((e) => e.family !== f, training.filter((s) => family(s.dataset) !== f))]));
  const final = fitPair(() => true, training);
  return { car, vru, families, folds, final, heldOutFor: (s) => folds.get(family(s.dataset)) ?? final };
}

export type { Candidate };
