/**
 * Recall and precision of 3D proposals on labelled frames, per dataset and distance band.
 *
 * Matching (per frame): proposals at or above the threshold, highest score first, each take the
 * not-yet-matched labelled object with the highest BEV IoU; it is a true positive when that IoU
 * is >= 0.5 and the classes agree (a `car` proposal may match a labelled car, van, truck, bus or
 * trailer; `pedestrian` a pedestrian; `cyclist` a cyclist, bicycle or motorcycle). Otherwise the
 * proposal is a false positive and the object stays free. Only *judged* proposals count
 * (proposalScenes.ts: for KITTI those whose centre is in camera 2's image and outside DontCare
 * rectangles; everything elsewhere); a proposal that matches an object is always judged.
 *
 * Recall: labelled cars (car, van, AV2 regular vehicle) with >= minPoints points, matched by a
 * `car` proposal. Bands by the range of the object's centre (recall) or the proposal's centre
 * (precision) from the sensor: 0-20, 20-40, 40+ m.
 */
import type { Cuboid3D } from '../../core/document/schema';
import { bevIoU } from '../../core/lidar/iou';
import type { ProposalClass } from '../../core/lidar/sizePrior';
import type { GtClass, GtObject, LabelledScene } from './proposalScenes';

export const BANDS = ['0-20', '20-40', '40+'] as const;
export type Band = (typeof BANDS)[number];
export const bandOf = (box: Cuboid3D): Band => {
  const r = Math.hypot(box.center[0], box.center[1]);
  return r < 20 ? '0-20' : r < 40 ? '20-40' : '40+';
};

export interface ScoredBox {
  box: Cuboid3D;
  label: ProposalClass;
  score: number;
}

export const compatible = (p: ProposalClass, g: GtClass): boolean =>
  p === 'car' ? g === 'car' || g === 'vehicle' : p === g;

export interface Cell {
  /** Cars (>= minPoints) and how many a car proposal matched. */
  cars: number;
  found: number;
  /** Judged proposals at or above the threshold and how many were true positives. */
  proposals: number;
  tp: number;
}

export interface MatchResult<P extends ScoredBox> {
  /** Per judged proposal (all scores): whether it is a true positive when all proposals compete. */
  outcome: Array<{ proposal: P; tp: boolean; iou: number; gt?: GtObject }>;
  /** Object -> index of the proposal that matched it (or -1). */
  matchedBy: Int32Array;
}

/** Greedy matching of one frame's proposals (already filtered by threshold) to its objects. */
export function matchFrame<P extends ScoredBox>(scene: LabelledScene, proposals: P[]): MatchResult<P> {
  const order = proposals.map((_, i) => i).sort((a, b) => proposals[b].score - proposals[a].score);
  const matchedBy = new Int32Array(scene.objects.length).fill(-1);
  const outcome: MatchResult<P>['outcome'] = [];
  for (const i of order) {
    const p = proposals[i];
    let best = -1, bestIoU = 0;
    scene.objects.forEach((o, k) => {
      if (matchedBy[k] >= 0) return;
      const iou = bevIoU(p.box, o.box);
      if (iou > bestIoU) {
        bestIoU = iou;
        best = k;
      }
    });
    const tp = best >= 0 && bestIoU >= 0.5 && compatible(p.label, scene.objects[best].cls);
    if (tp) matchedBy[best] = i;
    if (tp || scene.judged(p.box)) outcome.push({ proposal: p, tp, iou: bestIoU, gt: best >= 0 ? scene.objects[best] : undefined });
  }
  return { outcome, matchedBy };
}

export interface EvalResult {
  /** key `${dataset}|${band}`, plus `${dataset}|all`, `all|${band}`, `all|all`. */
  cells: Map<string, Cell>;
  /** Cars with >= 1000 points (any range) and how many were found. */
  denseCars: number;
  denseFound: number;
}

export function evaluateProposals(
  scenes: LabelledScene[], proposalsOf: (s: LabelledScene) => ScoredBox[], threshold: number, minPoints = 50,
): EvalResult {
  const cells = new Map<string, Cell>();
  const cell = (k: string) => {
    let c = cells.get(k);
    if (!c) cells.set(k, (c = { cars: 0, found: 0, proposals: 0, tp: 0 }));
    return c;
  };
  const add = (dataset: string, band: Band, f: (c: Cell) => void) => {
    for (const d of [dataset, 'all']) for (const b of [band, 'all']) f(cell(`${d}|${b}`));
  };
  let denseCars = 0, denseFound = 0;
  for (const s of scenes) {
    const props = proposalsOf(s).filter((p) => p.score >= threshold);
    const { outcome, matchedBy } = matchFrame(s, props);
    for (const o of outcome) add(s.dataset, bandOf(o.proposal.box), (c) => { c.proposals++; if (o.tp) c.tp++; });
    s.objects.forEach((o, k) => {
      if (o.cls !== 'car' || o.points < minPoints) return;
      const found = matchedBy[k] >= 0 && props[matchedBy[k]].label === 'car';
      add(s.dataset, bandOf(o.box), (c) => { c.cars++; if (found) c.found++; });
      if (o.points >= 1000) {
        denseCars++;
        if (found) denseFound++;
      }
    });
  }
  return { cells, denseCars, denseFound };
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : '  -  ');

/** A plain-text table: per dataset, recall and precision per band with n. */
export function formatEval(r: EvalResult): string {
  const datasets = [...new Set([...r.cells.keys()].map((k) => k.split('|')[0]))].filter((d) => d !== 'all');
  const lines: string[] = [];
  const head = ['dataset'.padEnd(22), ...[...BANDS, 'all'].map((b) => `recall ${b}`.padEnd(20)), ...[...BANDS, 'all'].map((b) => `precision ${b}`.padEnd(22))];
  lines.push(head.join(''));
  for (const d of [...datasets, 'all']) {
    const row = [d.padEnd(22)];
    for (const b of [...BANDS, 'all']) {
      const c = r.cells.get(`${d}|${b}`);
      row.push(`${pct(c?.found ?? 0, c?.cars ?? 0)} (n=${c?.cars ?? 0})`.padEnd(20));
    }
    for (const b of [...BANDS, 'all']) {
      const c = r.cells.get(`${d}|${b}`);
      row.push(`${pct(c?.tp ?? 0, c?.proposals ?? 0)} (n=${c?.proposals ?? 0})`.padEnd(22));
    }
    lines.push(row.join(''));
  }
  lines.push(`cars with >= 1000 points found: ${r.denseFound} of ${r.denseCars}`);
  return lines.join('\n');
}

/** Recall of cars within 40 m (bands 0-20 and 20-40) for a dataset key ('all' for every dataset). */
export function recallWithin40(r: EvalResult, dataset = 'all'): { found: number; n: number } {
  const a = r.cells.get(`${dataset}|0-20`), b = r.cells.get(`${dataset}|20-40`);
  return { found: (a?.found ?? 0) + (b?.found ?? 0), n: (a?.cars ?? 0) + (b?.cars ?? 0) };
}

export function precisionWithin40(r: EvalResult, dataset = 'all'): { tp: number; n: number } {
  const a = r.cells.get(`${dataset}|0-20`), b = r.cells.get(`${dataset}|20-40`);
  return { tp: (a?.tp ?? 0) + (b?.tp ?? 0), n: (a?.proposals ?? 0) + (b?.proposals ?? 0) };
}
