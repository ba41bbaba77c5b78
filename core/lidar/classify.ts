/**
 * Calibrated proposal scores: logistic regression on cluster features (proposalFeatures.ts), one
 * model for "a human keeps this car box" and one for "keeps this pedestrian / cyclist box". The
 * weights are fitted offline on every labelled frame in the shared data by
 * tests/tools/fit-proposal-classifier.ts (reproducible; it rewrites proposalWeights.ts), so a
 * score is an estimate of the probability that the box is right, and a threshold means the same
 * on every dataset.
 */
import { logit, sigmoid, type LogisticModel } from './logistic';
import { CAR_MODEL, VRU_MODEL } from './proposalWeights';

export type { LogisticModel } from './logistic';

export function carProbability(f: ArrayLike<number>, model: LogisticModel = CAR_MODEL): number {
  return sigmoid(logit(model, f));
}

export function vruProbability(f: ArrayLike<number>, model: LogisticModel = VRU_MODEL): number {
  return sigmoid(logit(model, f));
}
