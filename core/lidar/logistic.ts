/**
 * A logistic regression on standardised features, with optional Platt scaling (the weights are
 * data, in proposalWeights.ts; this module is what applies them). Kept apart from classify.ts so
 * the generated weights file can name the type without an import cycle.
 */
import { FEATURE_COUNT } from './proposalFeatures';

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
