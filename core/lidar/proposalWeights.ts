/** Placeholder until tests/tools/fit-proposal-classifier.ts writes the fitted weights. */
import type { LogisticModel } from './classify';

const zeros = () => new Array(14).fill(0);
export const CAR_MODEL: LogisticModel = { mean: zeros(), std: new Array(14).fill(1), weights: [0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0], bias: -2 };
export const VRU_MODEL: LogisticModel = { mean: zeros(), std: new Array(14).fill(1), weights: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0], bias: -2 };
