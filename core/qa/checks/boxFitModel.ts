/**
 * The `box-fit` check's score: a logistic regression over the evidence (boxFitEvidence.ts) giving
 * the estimated probability that a pre-label is wrong (off the quality bar, or on no object to
 * label). Fitted by tests/tools/boxfit-fit.ts on held-out labelled frames (KITTI object, KITTI
 * cropped, Argoverse 2, SUSTech, nuScenes and the synthetic hard scenes; never the efficiency
 * bench's KITTI tracking drive); the weights are data (boxFitWeights.ts).
 */
import type { BoxFitEvidence } from './boxFitEvidence';
import { BOX_FIT_MODEL as FITTED } from './boxFitWeights';

export const BOX_FIT_FEATURES = ['1 - re-fit IoU', '1 - re-fit height IoU', 'cut', 'see-through', 'log points', '|ground gap|', 'top cut', 'log range'] as const;

export interface BoxFitModel {
  mean: number[];
  std: number[];
  weights: number[];
  bias: number;
}

const BOX_FIT_MODEL: BoxFitModel = FITTED;

/** The feature vector of one box's evidence (order: BOX_FIT_FEATURES). */
export function boxFitFeatures(e: BoxFitEvidence): number[] {
  return [
    1 - e.refitIoU,
    1 - e.refitHeightIoU,
    e.cut,
    e.seeThrough,
    Math.log(e.points + 1),
    Math.min(Math.abs(e.groundGap), 1),
    Math.min(Math.max(0, -e.topGap), 1),
    Math.log(Math.max(e.range, 1)),
  ];
}

/** Per-feature contributions to the logit (standardised feature × weight), for the finding's message. */
export function boxFitContributions(e: BoxFitEvidence, model: BoxFitModel = BOX_FIT_MODEL): number[] {
  return boxFitFeatures(e).map((f, i) => (model.weights[i] * (f - model.mean[i])) / model.std[i]);
}

/** Estimated probability that the box is wrong, 0..1. */
export function boxFitSuspicion(e: BoxFitEvidence, model: BoxFitModel = BOX_FIT_MODEL): number {
  const z = boxFitContributions(e, model).reduce((a, b) => a + b, model.bias);
  return 1 / (1 + Math.exp(-z));
}
