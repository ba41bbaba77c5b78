/**
 * How well the `box-fit` QA check (core/qa/checks/boxFit.ts) finds wrong 3D pre-labels without
 * ground truth, on labelled frames: the shipped proposals (`proposeBoxes` at the model's default
 * threshold, what `datum prelabel --model proposals3d` writes) are sorted by the efficiency bench's
 * policy (tests/bench/efficiency/policy.ts `assign`, `good3d`) into right (a car pre-label at the
 * bar on a target), wrong (off the bar, or false) and ignored (on a labelled non-target object), and
 * the check's verdict is compared with that. Targets as in the bench: labelled cars and vans with
 * >= MIN_POINTS points; only judged proposals count (proposalScenes.ts: KITTI's camera view).
 * Test/bench only.
 */
import type { Cuboid3D } from '../../core/document/schema';
import { frameIndexFor } from '../../core/lidar/frameIndex';
import { proposeBoxes } from '../../core/lidar/propose';
import { boxFitEvidence, type BoxFitEvidence } from '../../core/qa/checks/boxFitEvidence';
import { boxFitSuspicion, type BoxFitModel } from '../../core/qa/checks/boxFitModel';
import { sizePriorFor } from '../../core/lidar/sizePrior';
import { assign, good3d, MIN_POINTS, quality3d } from '../bench/efficiency/policy';
import type { LabelledScene } from './proposalScenes';

export type Truth = 'right' | 'wrong' | 'ignored';

export interface JudgedBox {
  dataset: string;
  frame: string;
  label: string;
  score: number;
  box: Cuboid3D;
  truth: Truth;
  /** Best quality3d against a target (0 for none). */
  quality: number;
  evidence: BoxFitEvidence;
}

export function judgeScene(scene: LabelledScene): JudgedBox[] {
  const { positions, count } = scene.cloud;
  const index = frameIndexFor(positions, count);
  const proposals = proposeBoxes(positions, count, { index }).filter((p) => scene.judged(p.box));
  const targetObjs = scene.objects.filter((o) => o.cls === 'car' && o.points >= MIN_POINTS);
  const targets = targetObjs.map((o) => o.box);
  const ignore = scene.objects.filter((o) => !targetObjs.includes(o)).map((o) => o.box);
  const preds = proposals.map((p, i) => ({ id: String(i), label: p.label, box: p.box }));
  const plan = assign(preds, targets, ignore);
  const gtOf = new Map([...plan.byGt].map(([g, id]) => [id, g]));
  const ignored = new Set(plan.ignored);
  return proposals.map((p, i) => {
    const g = gtOf.get(String(i));
    const truth: Truth = ignored.has(String(i)) ? 'ignored' : g !== undefined && good3d(p.box, targets[g]) && p.label === 'car' ? 'right' : 'wrong';
    const evidence = boxFitEvidence(positions, count, p.box, sizePriorFor(p.label), index);
    return { dataset: scene.dataset, frame: scene.frame, label: p.label, score: p.score, box: p.box, truth, quality: g !== undefined ? quality3d(p.box, targets[g]) : 0, evidence };
  });
}

export interface Rates {
  wrong: number;
  wrongFlagged: number;
  right: number;
  rightFlagged: number;
  ignored: number;
}

/** Whether the check flags a box with this model at this bar (QaConfig fit.minSuspicion). */
export const flaggedBy = (model: BoxFitModel | undefined, bar: number) => (b: JudgedBox) => boxFitSuspicion(b.evidence, model) >= bar;

export function rates(boxes: readonly JudgedBox[], flagged: (b: JudgedBox) => boolean): Rates {
  const r: Rates = { wrong: 0, wrongFlagged: 0, right: 0, rightFlagged: 0, ignored: 0 };
  for (const b of boxes) {
    if (b.truth === 'ignored') r.ignored++;
    else if (b.truth === 'wrong') (r.wrong++, flagged(b) && r.wrongFlagged++);
    else (r.right++, flagged(b) && r.rightFlagged++);
  }
  return r;
}
