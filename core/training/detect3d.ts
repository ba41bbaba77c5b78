/**
 * detect3d, the local trainer of the built-in 3D proposals' scorer (issue #17). Pure.
 *
 * Examples: every candidate cluster the proposer considers (proposeCandidates, all clusterings,
 * before NMS) in the project's labelled frames. A candidate's car box matched to a human / accepted
 * car-class cuboid (BEV IoU >= 0.5) is a positive of the car head, its pedestrian / cyclist box
 * matched to such an object a positive of the VRU head; unmatched candidates are negatives, and a
 * candidate on a box a reviewer rejected is a negative with double weight. Candidates outside the
 * frame's labelled sector (the azimuths its labels span, e.g. KITTI labels only what camera 2 sees)
 * and candidates on objects of classes no head covers (trucks, buses) are left out.
 *
 * Model: two logistic heads over the 30 cluster features plus the built-in classifier's logit for
 * that head, re-scoring the proposals the built-in proposer chooses (its NMS, score >= 0.05: the
 * population pre-labelling shows), fitted with the penalty pulling towards the built-in (weight 1
 * on its logit, 0 elsewhere) at a strength chosen by group-wise cross-validation (fitLogisticCV): with
 * few or unhelpful labels the trained scorer stays the built-in one, with more it adapts to the
 * project's sensor and scenes. Then the proposals are chosen as the built-in does (best
 * hypothesis per cluster, greedy NMS) and, per class, resized to the project's median human size
 * when that fits the training frames better (size refinement).
 */
import type { Cuboid3D } from '../document/schema';
import { bevIntersectionArea, bevIoU } from '../lidar/iou';
import type { ProposalClass } from '../lidar/sizePrior';
import { FEATURE_COUNT } from '../lidar/proposalFeatures';
import type { Candidate } from '../lidar/propose';
import { DEFAULT_PROPOSAL_THRESHOLD } from '../lidar/proposalThreshold';
import { fitLogisticCV, columnStats, type LogisticData } from './logistic';
import { forward, type LinearHeads } from './linearHeads';
import { headOf, targetClassOf, type TargetClass } from './labels';
import { averagePrecision, round4, type Scored } from './metrics';
import type { Split, ValidationMetrics } from './job';

/** Scorer input: the cluster features, then the built-in car and VRU logits. */
export const SCORER_INPUTS = FEATURE_COUNT + 2;
export const MATCH_IOU = 0.5;
/** A proposal overlapping a better one by more than this share of the smaller footprint is dropped (as propose.ts). */
export const NMS_OVERLAP = 0.3;
/** Objects with fewer points cannot be proposed (propose.ts' minPoints): neither missed nor matched. */
export const MIN_OBJECT_POINTS = 10;

export interface TableCandidate {
  features: number[];
  /** Built-in logits (car: -30 when the cluster is not car-sized: never a car). */
  builtin: [number, number];
  carBox: Cuboid3D | null;
  vruBox: Cuboid3D;
  vruLabel: ProposalClass;
}

export interface TableObject {
  label: string;
  cls: TargetClass;
  box: Cuboid3D;
  points: number;
}

/** One labelled frame of the snapshot, in the cloud file's own coordinates. */
export interface FrameTable {
  itemId: string;
  frame: number;
  split: Split;
  /** The item's group (recording): cross-validation folds of the L2 strength. Default: the item. */
  group?: string;
  humans: TableObject[];
  /** Boxes reviewers rejected (pending ones are not used). */
  rejected: Cuboid3D[];
  candidates: TableCandidate[];
  /** Labelled azimuth sector [from, to] (radians, counter-clockwise), null = all around. */
  sector: [number, number] | null;
}

const clampLogit = (p: number) => {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return Math.log(q / (1 - q));
};

/** Candidate rows of proposeCandidates output (candidates in the file frame: offset already undone by `toFile`). */
export function tableCandidates(cands: readonly Candidate[], toFile: (b: Cuboid3D) => Cuboid3D = (b) => b): TableCandidate[] {
  const out: TableCandidate[] = [];
  for (const c of cands) {
    if (!c.features || !c.vruBox) continue;
    out.push({
      features: Array.from(c.features, (v) => Math.round(v * 1e5) / 1e5),
      builtin: [c.carBox && (c.carScore ?? 0) > 0 ? clampLogit(c.carScore!) : -30, clampLogit(c.vruScore ?? 0)],
      carBox: c.carBox && (c.carScore ?? 0) > 0 ? toFile(c.carBox) : null,
      vruBox: toFile(c.vruBox),
      vruLabel: c.vruLabel ?? 'pedestrian',
    });
  }
  return out;
}

const azimuth = (b: Cuboid3D) => Math.atan2(b.center[1], b.center[0]);

/**
 * The sector of azimuths a frame's labels span (sensor at the file origin): the circle minus its
 * largest empty gap, widened by 15 degrees each side; null (all around) when no gap exceeds 120 degrees.
 */
export function labelledSector(boxes: readonly Cuboid3D[]): [number, number] | null {
  if (boxes.length < 2) return null;
  const a = boxes.map(azimuth).sort((x, y) => x - y);
  let gap = 2 * Math.PI - (a[a.length - 1] - a[0]), at = a.length - 1;
  for (let i = 0; i + 1 < a.length; i++) if (a[i + 1] - a[i] > gap) { gap = a[i + 1] - a[i]; at = i; }
  if (gap < (2 * Math.PI) / 3) return null;
  const margin = (15 * Math.PI) / 180;
  return [a[(at + 1) % a.length] - margin, a[at] + margin];
}

export function inSector(sector: [number, number] | null, b: Cuboid3D): boolean {
  if (!sector) return true;
  const span = ((sector[1] - sector[0]) % (2 * Math.PI) + 2 * Math.PI) % (2 * Math.PI);
  const off = ((azimuth(b) - sector[0]) % (2 * Math.PI) + 2 * Math.PI) % (2 * Math.PI);
  return off <= span;
}

/** Human objects of a frame with their target classes (few-point objects ignored). */
export function tableObjects(objects: readonly { label: string; box: Cuboid3D; points: number }[]): TableObject[] {
  return objects.map((o) => ({ ...o, cls: o.points < MIN_OBJECT_POINTS ? 'ignore' : targetClassOf(o.label) }));
}

interface Example { x: number[]; y: number; w: number; group: string }

/** Proposals scoring at least this under the built-in scorer are what the trained scorer re-scores. */
export const CANDIDATE_FLOOR = 0.05;

function examplesOf(frames: readonly FrameTable[]): { car: Example[]; vru: Example[] } {
  const car: Example[] = [], vru: Example[] = [];
  for (const f of frames) {
    const onIgnored = (box: Cuboid3D) => f.humans.some((h) => h.cls === 'ignore' && bevIoU(box, h.box) >= 0.3);
    const rejected = (box: Cuboid3D) => f.rejected.some((r) => bevIoU(box, r) >= MATCH_IOU);
    // the population pre-labelling shows: the built-in proposer's choice after NMS, re-scored
    for (const p of selectProposals(f.candidates, builtinScores(f.candidates), CANDIDATE_FLOOR)) {
      if (!inSector(f.sector, p.box)) continue;
      const y = f.humans.some((h) => headOf(h.cls) === p.head && bevIoU(p.box, h.box) >= MATCH_IOU) ? 1 : 0;
      if (!y && onIgnored(p.box)) continue;
      const c = f.candidates[p.index];
      (p.head === 'car' ? car : vru).push({ x: [...c.features, c.builtin[p.head === 'car' ? 0 : 1]], y, w: !y && rejected(p.box) ? 2 : 1, group: f.group ?? f.itemId });
    }
  }
  return { car, vru };
}

export interface SizeRefinement {
  /** Proposal class -> project label it is stored as. */
  labels: Partial<Record<ProposalClass, string>>;
  /** Proposal class -> median human size [l, w, h], when it fitted the training frames better. */
  sizes: Partial<Record<ProposalClass, [number, number, number]>>;
}

/** What the detect3d trainer writes beside the ONNX (manifest `trained.scorer`). */
export interface Detect3dScorer {
  model: LinearHeads;
  threshold: number;
  refine: SizeRefinement;
}

export interface Detect3dProgress { step: number; loss: number; head: 'car' | 'vru' }

/** Fit the two heads on the training frames. `loss` traces each head's mean log-loss per Newton step. */
export function trainDetect3d(
  frames: readonly FrameTable[],
  opts: { lambda?: number; signal?: AbortSignal; onStep?: (p: Detect3dProgress) => void } = {},
): { scorer: Detect3dScorer; loss: { car: number[]; vru: number[] }; lambda: { car: number; vru: number }; examples: { car: number; carPositive: number; vru: number; vruPositive: number } } {
  const train = frames.filter((f) => f.split === 'train');
  const ex = examplesOf(train);
  const all = [...ex.car, ...ex.vru];
  if (!all.length) throw new Error('no candidate clusters in the training frames (are there labelled point clouds?)');
  const d = FEATURE_COUNT;
  const flat = new Float64Array(all.length * d);
  all.forEach((e, k) => { for (let i = 0; i < d; i++) flat[k * d + i] = e.x[i]; });
  const { mean, std } = columnStats(flat, all.length, d);
  const fitHead = (list: Example[], head: 'car' | 'vru') => {
    const D = d + 1;
    const x = new Float64Array(list.length * D);
    list.forEach((e, k) => {
      for (let i = 0; i < d; i++) x[k * D + i] = (e.x[i] - mean[i]) / std[i];
      x[k * D + d] = e.x[d];
    });
    const data: LogisticData = { x, n: list.length, d: D, y: Uint8Array.from(list, (e) => e.y), w: Float64Array.from(list, (e) => e.w) };
    const prior = new Float64Array(D);
    prior[d] = 1; // start from (and shrink towards) the built-in score
    if (!list.some((e) => e.y) || list.every((e) => e.y)) return { weights: prior, bias: 0, loss: [] as number[], lambda: Infinity, cvLoss: {} };
    return fitLogisticCV(data, list.map((e) => e.group), { ...(opts.lambda !== undefined ? { lambdas: [opts.lambda] } : {}), prior: { weights: prior, bias: 0 }, signal: opts.signal, onStep: (step, loss) => opts.onStep?.({ step, loss, head }) });
  };
  const carFit = fitHead(ex.car, 'car');
  const vruFit = fitHead(ex.vru, 'vru');
  // One graph: inputs = features, car logit, vru logit; column 0 = car head, 1 = vru head.
  const weights: number[] = new Array(SCORER_INPUTS * 2).fill(0);
  for (let i = 0; i < d; i++) {
    weights[i * 2] = carFit.weights[i];
    weights[i * 2 + 1] = vruFit.weights[i];
  }
  weights[d * 2] = carFit.weights[d];
  weights[(d + 1) * 2 + 1] = vruFit.weights[d];
  const model: LinearHeads = {
    mean: [...Array.from(mean), 0, 0],
    std: [...Array.from(std), 1, 1],
    weights,
    bias: [carFit.bias, vruFit.bias],
    heads: ['car', 'vru'],
  };
  // The heads are logistic fits on the shown population, so their output is a probability that a box
  // is right like the built-in's, and the built-in's review threshold applies unchanged.
  const base: Detect3dScorer = { model, threshold: DEFAULT_PROPOSAL_THRESHOLD, refine: { labels: {}, sizes: {} } };
  const scorer: Detect3dScorer = { ...base, refine: fitRefinement(train, base) };
  return {
    scorer,
    loss: { car: carFit.loss, vru: vruFit.loss },
    lambda: { car: carFit.lambda, vru: vruFit.lambda },
    examples: { car: ex.car.length, carPositive: ex.car.filter((e) => e.y).length, vru: ex.vru.length, vruPositive: ex.vru.filter((e) => e.y).length },
  };
}

/** Scorer input rows (n x SCORER_INPUTS) of a frame's candidates. */
export function scorerInput(cands: readonly TableCandidate[]): Float32Array {
  const x = new Float32Array(cands.length * SCORER_INPUTS);
  cands.forEach((c, k) => {
    x.set(c.features, k * SCORER_INPUTS);
    x[k * SCORER_INPUTS + FEATURE_COUNT] = c.builtin[0];
    x[k * SCORER_INPUTS + FEATURE_COUNT + 1] = c.builtin[1];
  });
  return x;
}

/** The built-in scores of candidates (what proposeCandidates gave them), as [car, vru] per row. */
export function builtinScores(cands: readonly TableCandidate[]): Float64Array {
  const out = new Float64Array(cands.length * 2);
  cands.forEach((c, k) => {
    out[k * 2] = 1 / (1 + Math.exp(-c.builtin[0]));
    out[k * 2 + 1] = 1 / (1 + Math.exp(-c.builtin[1]));
  });
  return out;
}

export interface ScoredProposal { label: ProposalClass; score: number; box: Cuboid3D; index: number; head: 'car' | 'vru' }

/**
 * Proposals from scored candidates, as the built-in proposer chooses them: the better hypothesis
 * per cluster (car only when car-sized), greedy NMS over all clusters, then `minScore`.
 * `scores` is n x 2 (car, vru).
 */
export function selectProposals(cands: readonly TableCandidate[], scores: ArrayLike<number>, minScore: number): ScoredProposal[] {
  const props: ScoredProposal[] = cands.map((c, index) => {
    const car = c.carBox ? scores[index * 2] : 0, vru = scores[index * 2 + 1];
    return car >= vru && c.carBox ? { label: 'car' as const, score: car, box: c.carBox, index, head: 'car' as const } : { label: c.vruLabel, score: vru, box: c.vruBox, index, head: 'vru' as const };
  });
  props.sort((a, b) => b.score - a.score);
  const kept: ScoredProposal[] = [];
  for (const p of props) {
    if (p.score < minScore) break;
    const area = p.box.size[0] * p.box.size[1];
    if (kept.some((k) => bevIntersectionArea(k.box, p.box) > NMS_OVERLAP * Math.min(area, k.box.size[0] * k.box.size[1]))) continue;
    kept.push(p);
  }
  return kept;
}

/**
 * The proposals of a trained scorer: the built-in proposer's choice (its scores, NMS, floor 0.05),
 * each re-scored by the trained head of its class (`trained` n x 2), kept from `minScore`, best first.
 */
export function rescoreProposals(cands: readonly TableCandidate[], trained: ArrayLike<number>, minScore: number): ScoredProposal[] {
  return selectProposals(cands, builtinScores(cands), CANDIDATE_FLOOR)
    .map((p) => ({ ...p, score: trained[p.index * 2 + (p.head === 'car' ? 0 : 1)] }))
    .filter((p) => p.score >= minScore)
    .sort((a, b) => b.score - a.score);
}

/**
 * A box resized to `size` keeping the faces nearest the sensor (at the file origin) where they are:
 * the proposer completes a partly seen object away from the sensor, so that is where it grows.
 * The bottom stays put.
 */
export function resizeAwayFromSensor(box: Cuboid3D, size: [number, number, number]): Cuboid3D {
  const c = Math.cos(box.yaw), s = Math.sin(box.yaw);
  // unit axes (length, width) pointing away from the sensor
  const along = (ax: number, ay: number) => (ax * box.center[0] + ay * box.center[1] >= 0 ? 1 : -1);
  const sl = along(c, s), sw = along(-s, c);
  const dl = (size[0] - box.size[0]) / 2, dw = (size[1] - box.size[1]) / 2;
  const bottom = box.center[2] - box.size[2] / 2;
  return {
    ...box,
    center: [box.center[0] + sl * dl * c - sw * dw * s, box.center[1] + sl * dl * s + sw * dw * c, bottom + size[2] / 2],
    size: [size[0], size[1], size[2]],
  };
}

export function applyRefinement(p: ScoredProposal, refine: SizeRefinement): ScoredProposal & { name: string } {
  const size = refine.sizes[p.label];
  return { ...p, box: size ? resizeAwayFromSensor(p.box, size) : p.box, name: refine.labels[p.label] ?? p.label };
}

function scoresFor(f: FrameTable, scorer: Detect3dScorer | null): ArrayLike<number> {
  return scorer ? forward(scorer.model, scorerInput(f.candidates), f.candidates.length) : builtinScores(f.candidates);
}

interface FrameOutcome { rows: Scored[]; positives: number; ious: Map<ProposalClass, number[]> }

/** Greedy matching (by score) of a frame's proposals to its labels, judged inside the labelled sector. */
function judgeFrame(f: FrameTable, props: readonly (ScoredProposal & { name?: string })[]): FrameOutcome {
  const targets = f.humans.filter((h) => h.cls !== 'ignore' && inSector(f.sector, h.box));
  const used = new Set<number>();
  const rows: Scored[] = [];
  const ious = new Map<ProposalClass, number[]>();
  for (const p of props) {
    if (!inSector(f.sector, p.box)) continue;
    const head = p.label === 'car' ? 'car' : 'vru';
    let best = -1, bestIou = MATCH_IOU;
    targets.forEach((h, i) => {
      if (used.has(i) || headOf(h.cls) !== head) return;
      const iou = bevIoU(p.box, h.box);
      if (iou >= bestIou) { bestIou = iou; best = i; }
    });
    if (best >= 0) {
      used.add(best);
      rows.push({ score: p.score, tp: true });
      const list = ious.get(p.label) ?? [];
      list.push(bestIou);
      ious.set(p.label, list);
    } else if (!f.humans.some((h) => (h.cls === 'ignore' || headOf(h.cls) !== head) && bevIoU(p.box, h.box) >= 0.3)) {
      rows.push({ score: p.score, tp: false });
    }
  }
  return { rows, positives: targets.length, ious };
}

/** Proposals of a frame under a scorer (null = the built-in scores), refined when the scorer says so. */
export function frameProposals(f: FrameTable, scorer: Detect3dScorer | null, minScore: number, scores?: ArrayLike<number>) {
  if (!scorer) return selectProposals(f.candidates, scores ?? builtinScores(f.candidates), minScore);
  return rescoreProposals(f.candidates, scores ?? scoresFor(f, scorer), minScore).map((p) => applyRefinement(p, scorer.refine));
}

/**
 * Validation metrics of a scorer (null = built-in) on frames of `split`: AP at BEV IoU 0.5 (primary),
 * precision / recall at its threshold, mean BEV IoU of matched boxes; n = labelled objects.
 * `scores` may supply each frame's n x 2 scores (e.g. from the ONNX session).
 */
export function evaluateDetect3d(frames: readonly FrameTable[], scorer: Detect3dScorer | null, split: Split = 'val', scores?: (f: FrameTable) => ArrayLike<number>): ValidationMetrics {
  const threshold = scorer ? scorer.threshold : DEFAULT_PROPOSAL_THRESHOLD;
  let positives = 0, tpAt = 0, keptAt = 0;
  const rows: Scored[] = [];
  const ious: number[] = [];
  for (const f of frames) {
    if (f.split !== split) continue;
    const o = judgeFrame(f, frameProposals(f, scorer, 0.02, scores?.(f)));
    positives += o.positives;
    rows.push(...o.rows);
    for (const r of o.rows) if (r.score >= threshold) { keptAt++; if (r.tp) tpAt++; }
    for (const l of o.ious.values()) ious.push(...l);
  }
  const ap = averagePrecision(rows, positives);
  return {
    primary: { name: 'ap50', value: round4(ap) },
    precision: round4(keptAt ? tpAt / keptAt : 0),
    recall: round4(positives ? tpAt / positives : 0),
    n: positives,
    proposals: keptAt,
    threshold,
    meanIoU: round4(ious.length ? ious.reduce((a, b) => a + b, 0) / ious.length : 0),
  };
}

const median = (v: number[]) => {
  const s = v.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Per proposal class: the project label its matches carry most, and the median size of that
 * label's human boxes, kept only when resizing raises the mean BEV IoU of the matched training proposals.
 */
function fitRefinement(train: readonly FrameTable[], scorer: Detect3dScorer): SizeRefinement {
  const labels: SizeRefinement['labels'] = {};
  const sizes: SizeRefinement['sizes'] = {};
  const classes: ProposalClass[] = ['car', 'pedestrian', 'cyclist'];
  const props = train.map((f) => ({ f, props: frameProposals(f, scorer, scorer.threshold) }));
  for (const cls of classes) {
    const counts = new Map<string, number>();
    const pairs: Array<{ p: ScoredProposal; h: TableObject }> = [];
    for (const { f, props: ps } of props)
      for (const p of ps) {
        if (p.label !== cls) continue;
        let best: TableObject | null = null, bestIou = MATCH_IOU;
        for (const h of f.humans) {
          if (headOf(h.cls) !== (cls === 'car' ? 'car' : 'vru')) continue;
          const iou = bevIoU(p.box, h.box);
          if (iou >= bestIou) { bestIou = iou; best = h; }
        }
        if (best) { pairs.push({ p, h: best }); counts.set(best.label, (counts.get(best.label) ?? 0) + 1); }
      }
    if (!counts.size) continue;
    const label = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
    labels[cls] = label;
    const humans = train.flatMap((f) => f.humans.filter((h) => h.label === label));
    if (humans.length < 5 || pairs.length < 5) continue;
    const size: [number, number, number] = [0, 1, 2].map((i) => Math.round(median(humans.map((h) => h.box.size[i])) * 1000) / 1000) as [number, number, number];
    const mean = (f: (p: ScoredProposal) => Cuboid3D) => pairs.reduce((s, { p, h }) => s + bevIoU(f(p), h.box), 0) / pairs.length;
    if (mean((p) => resizeAwayFromSensor(p.box, size)) > mean((p) => p.box) + 0.005) sizes[cls] = size;
  }
  return { labels, sizes };
}
