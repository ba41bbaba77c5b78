/**
 * Calibrated proposal scores: logistic regression on cluster features (proposalFeatures.ts), one
 * model for "a human keeps this car box" and one for "keeps this pedestrian / cyclist box". The
 * weights are fitted offline on every labelled frame in the shared data by
 * tests/tools/fit-proposal-classifier.ts (reproducible; it rewrites proposalWeights.ts), so a
 * score is an estimate of the probability that the box is right, and a threshold means the same
 * on every dataset.
 */
import { FEATURE_COUNT } from './proposalFeatures';
import { CAR_MODEL, VRU_MODEL } from './proposalWeights';

export interface LogisticModel {
  /** Per-feature standardisation applied before the weights. */
  mean: number[];
  std: number[];
  weights: number[];
  bias: number;
  /**
   * Platt scaling [a, b] applied to the logit after the weights: the regression is fitted on all
   * candidate clusters, but the proposals a user sees are those left after non-maximum
   * suppression, a different population; a, b are fitted on those so that their scores match how
   * often they are right.
   */
  calibration?: [number, number];
}

export function logit(model: LogisticModel, f: ArrayLike<number>): number {
  let z = model.bias;
  for (let i = 0; i < FEATURE_COUNT; i++) z += model.weights[i] * ((f[i] - model.mean[i]) / model.std[i]);
  return model.calibration ? model.calibration[0] * z + model.calibration[1] : z;
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export function carProbability(f: ArrayLike<number>, model: LogisticModel = CAR_MODEL): number {
  return sigmoid(logit(model, f));
}

export function vruProbability(f: ArrayLike<number>, model: LogisticModel = VRU_MODEL): number {
  return sigmoid(logit(model, f));
}
