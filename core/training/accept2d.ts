/**
 * accept2d, the local trainer of a 2D detector's acceptance model (issue #17). Pure.
 *
 * From a project's reviewed predictions of one detector (accepted or corrected = kept, rejected or
 * deleted = not kept; pending ones are not used) it learns the probability that a user keeps a
 * prediction, from the class (one-hot over the classes seen in training), the detector's score
 * (as a logit) and the box's size, aspect and position in the image. A logistic regression is
 * calibrated by construction on the population it was fitted on (the reviewed predictions), so its
 * output is read as "probability this box is kept"; pre-labelling then drops predictions below a
 * threshold chosen on the training split to keep 95 % of what users keep, and stores the
 * probability as the score. The fit starts from the detector's own score (weight 1 on its logit)
 * and is pulled back towards it with an L2 strength chosen by group-wise cross-validation (logistic.ts fitLogisticCV),
 * so with few or unhelpful reviews it stays the detector's ranking.
 */
import { columnStats, fitLogisticCV, type LogisticData } from './logistic';
import { forward, type LinearHeads } from './linearHeads';
import { rocAuc, round4, type Scored } from './metrics';
import type { Split, ValidationMetrics } from './job';

/** A reviewed (or new) prediction: class, detector score, box in pixels, image size. */
export interface PredictionRow {
  label: string;
  score: number;
  box: [number, number, number, number];
  width: number;
  height: number;
}

export interface ReviewedRow extends PredictionRow {
  kept: boolean;
  split: Split;
  itemId: string;
  /** The item's group (recording); cross-validation folds of the L2 strength. Default: the item. */
  group?: string;
}

/** Classes with fewer training examples than this share one "other" column. */
const MIN_CLASS_EXAMPLES = 3;
const GEOMETRY = ['scoreLogit', 'logWidth', 'logHeight', 'logAspect', 'centreX', 'centreY', 'edgeGap'] as const;

export interface Accept2dModel {
  model: LinearHeads;
  /** Classes with their own one-hot column, in order; others use the last ("other") column. */
  classes: string[];
  threshold: number;
}

export function acceptFeatures(rows: readonly PredictionRow[], classes: readonly string[]): Float32Array {
  const d = classes.length + 1 + GEOMETRY.length;
  const x = new Float32Array(rows.length * d);
  rows.forEach((r, k) => {
    const o = k * d;
    const c = classes.indexOf(r.label);
    x[o + (c < 0 ? classes.length : c)] = 1;
    const s = Math.min(1 - 1e-6, Math.max(1e-6, r.score));
    const w = Math.max(1, r.box[2] - r.box[0]), h = Math.max(1, r.box[3] - r.box[1]);
    const W = Math.max(1, r.width), H = Math.max(1, r.height);
    const g = o + classes.length + 1;
    x[g] = Math.log(s / (1 - s));
    x[g + 1] = Math.log(w / W);
    x[g + 2] = Math.log(h / H);
    x[g + 3] = Math.log(w / h);
    x[g + 4] = (r.box[0] + r.box[2]) / 2 / W;
    x[g + 5] = (r.box[1] + r.box[3]) / 2 / H;
    x[g + 6] = Math.min(r.box[0], r.box[1], W - r.box[2], H - r.box[3]) / Math.min(W, H);
  });
  return x;
}

export function trainAccept2d(rows: readonly ReviewedRow[], opts: { lambda?: number; signal?: AbortSignal; onStep?: (step: number, loss: number) => void } = {}): { model: Accept2dModel; loss: number[]; n: number; lambda: number; cvLoss: Record<string, number> } {
  const train = rows.filter((r) => r.split === 'train');
  if (train.length < 10) throw new Error(`accept2d needs at least 10 reviewed predictions in the training split (has ${train.length})`);
  if (!train.some((r) => r.kept) || train.every((r) => r.kept)) throw new Error('accept2d needs both kept and rejected predictions in the training split');
  const counts = new Map<string, number>();
  for (const r of train) counts.set(r.label, (counts.get(r.label) ?? 0) + 1);
  const classes = [...counts.entries()].filter(([, n]) => n >= MIN_CLASS_EXAMPLES).map(([c]) => c).sort();
  const x32 = acceptFeatures(train, classes);
  const d = classes.length + 1 + GEOMETRY.length;
  // one-hot columns are left as 0/1 (mean 0, std 1), and so is the detector's logit, the rest standardised
  const { mean, std } = columnStats(x32, train.length, d);
  const scoreCol = classes.length + 1;
  for (let i = 0; i <= scoreCol; i++) { mean[i] = 0; std[i] = 1; }
  const x = new Float64Array(train.length * d);
  for (let k = 0; k < train.length; k++) for (let i = 0; i < d; i++) x[k * d + i] = (x32[k * d + i] - mean[i]) / std[i];
  const data: LogisticData = { x, n: train.length, d, y: Uint8Array.from(train, (r) => (r.kept ? 1 : 0)) };
  // start from (and shrink towards) the detector's own score: weight 1 on its logit, 0 elsewhere
  const prior = new Float64Array(d);
  prior[scoreCol] = 1;
  const groups = train.map((r) => r.group ?? r.itemId);
  const fit = opts.lambda !== undefined
    ? { ...fitLogisticCV(data, groups, { lambdas: [opts.lambda], prior: { weights: prior, bias: 0 }, signal: opts.signal, onStep: opts.onStep }) }
    : fitLogisticCV(data, groups, { prior: { weights: prior, bias: 0 }, signal: opts.signal, onStep: opts.onStep });
  const model: LinearHeads = { mean: Array.from(mean), std: Array.from(std), weights: Array.from(fit.weights), bias: [fit.bias], heads: ['keep'] };
  const p = forward(model, x32, train.length);
  return { model: { model, classes, threshold: keepThreshold(train, p) }, loss: fit.loss, n: train.length, lambda: fit.lambda, cvLoss: fit.cvLoss };
}

/** The highest threshold that still shows 95 % of the training predictions users kept. */
function keepThreshold(rows: readonly ReviewedRow[], p: ArrayLike<number>): number {
  const kept = rows.map((r, k) => (r.kept ? p[k] : Infinity)).filter((v) => v !== Infinity).sort((a, b) => a - b);
  const t = kept[Math.floor(0.05 * kept.length)] ?? 0;
  return Math.max(0, Math.floor(t * 1000) / 1000);
}

export function acceptProbabilities(m: Accept2dModel, rows: readonly PredictionRow[]): Float64Array {
  return forward(m.model, acceptFeatures(rows, m.classes), rows.length);
}

/**
 * Metrics on `split`, for the decision pre-labelling makes (show a prediction or not): at the
 * threshold, precision = share of shown boxes users keep, recall = share of kept boxes still shown,
 * and the primary `keepF1` = their harmonic mean; rejectedHidden = share of rejected boxes no longer
 * shown; auc = how well the probability ranks kept above rejected. The baseline (model null) is the
 * detector as it is: every prediction shown, ranked by its own score.
 * n = reviewed predictions in the split.
 */
export function evaluateAccept2d(rows: readonly ReviewedRow[], m: Accept2dModel | null, split: Split = 'val', probabilities?: ArrayLike<number>): ValidationMetrics {
  const sel = rows.filter((r) => r.split === split);
  const p = probabilities ?? (m ? acceptProbabilities(m, sel) : Float64Array.from(sel, (r) => r.score));
  const scored: Scored[] = sel.map((r, k) => ({ score: p[k], tp: r.kept }));
  const threshold = m ? m.threshold : 0;
  const shown = scored.filter((s) => s.score >= threshold);
  const keptAll = scored.filter((s) => s.tp).length;
  const rejectedAll = scored.length - keptAll;
  const keptShown = shown.filter((s) => s.tp).length;
  const precision = shown.length ? keptShown / shown.length : 0;
  const recall = keptAll ? keptShown / keptAll : 0;
  return {
    primary: { name: 'keepF1', value: round4(precision + recall ? (2 * precision * recall) / (precision + recall) : 0) },
    precision: round4(precision),
    recall: round4(recall),
    n: sel.length,
    auc: round4(rocAuc(scored)),
    kept: keptAll,
    rejected: rejectedAll,
    rejectedHidden: round4(rejectedAll ? (rejectedAll - (shown.length - keptShown)) / rejectedAll : 0),
    threshold,
  };
}
