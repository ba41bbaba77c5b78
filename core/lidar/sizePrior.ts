/**
 * Size-prior classification of a fitted cluster as car, pedestrian or cyclist. LiDAR sees objects
 * partly, so the observed footprint is mostly a lower bound: the scores punish being too big
 * much more than being too small, and rely on height (which is seen whole from the side) most.
 */

export type ProposalClass = 'car' | 'pedestrian' | 'cyclist';

export interface ClassPrior {
  label: ProposalClass;
  /** Typical full size [length, width, height] (KITTI means), used to complete partial views. */
  size: [number, number, number];
  /** Plausible range of the observed longer footprint side. */
  long: [number, number];
  /** Largest plausible observed shorter side. */
  maxShort: number;
  /** Height mean and spread. */
  height: [number, number];
}

export const CLASS_PRIORS: ReadonlyArray<ClassPrior> = [
  { label: 'car', size: [3.9, 1.6, 1.56], long: [1.3, 5.4], maxShort: 2.2, height: [1.55, 0.3] },
  { label: 'pedestrian', size: [0.8, 0.6, 1.75], long: [0.25, 1.1], maxShort: 0.9, height: [1.7, 0.2] },
  { label: 'cyclist', size: [1.76, 0.6, 1.73], long: [1.1, 2.2], maxShort: 1.0, height: [1.7, 0.2] },
];

/**
 * Size priors [length, width, height] of the classes an annotator fits boxes for, matched by label
 * (renderer/editors/lidar/priors.ts): the proposal classes above plus the large vehicles, which
 * proposals do not classify. Order matters for matching by substring: the specific names first.
 * Van: KITTI's mean van. Truck: between a rigid box truck (AV2, 9.6 m) and a light truck (5 m);
 * the prior is a lower bound on the box, so it errs short. Bus: a rigid city bus (AV2, SUSTech,
 * nuScenes 10.4–11.6 m).
 */
export const SIZE_PRIORS: ReadonlyArray<{ label: string; size: [number, number, number] }> = [
  { label: 'van', size: [5.1, 1.9, 2.2] },
  { label: 'truck', size: [7.5, 2.4, 3.0] },
  { label: 'bus', size: [10.5, 2.6, 3.1] },
  ...CLASS_PRIORS.map((p) => ({ label: p.label as string, size: p.size })),
];

/**
 * Smaller members of a class whose sizes span a wide range, smallest first (the class's prior,
 * the largest, is not listed): "truck" covers light trucks (SUSTech's 5.1 x 1.7 m) as well as
 * rigid trucks. The one-click fit completes a vehicle whose side it sees to the smallest member
 * that holds the seen extent (fit.ts, sizeForSeenExtent), not always to the class prior.
 */
export const SIZE_VARIANTS: ReadonlyArray<{ label: string; sizes: ReadonlyArray<[number, number, number]> }> = [
  { label: 'truck', sizes: [[5.1, 1.9, 2.3]] },
];

/** The smaller members (SIZE_VARIANTS) of the class whose prior is `prior`, if any. */
export function sizeVariantsFor(prior: readonly [number, number, number]): ReadonlyArray<[number, number, number]> {
  const cls = SIZE_PRIORS.find((p) => p.size.every((v, k) => v === prior[k]));
  return (cls && SIZE_VARIANTS.find((v) => v.label === cls.label)?.sizes) ?? [];
}

/** The size prior of a class label (case-insensitive substring match on SIZE_PRIORS), if any. */
export function sizePriorFor(label: string): [number, number, number] | undefined {
  const key = label.toLowerCase();
  return SIZE_PRIORS.find((p) => key.includes(p.label))?.size;
}

/** 1 inside [lo, hi], Gaussian fall-off with spread `soft` outside. */
function softRange(v: number, lo: number, hi: number, soft: number): number {
  const d = v < lo ? lo - v : v > hi ? v - hi : 0;
  return Math.exp(-0.5 * (d / soft) ** 2);
}

/** Likelihood-like score in [0, 1] of an observed footprint (long >= short) and height for a class. */
export function classScore(prior: ClassPrior, long: number, short: number, height: number): number {
  const h = Math.exp(-0.5 * ((height - prior.height[0]) / prior.height[1]) ** 2);
  return h * softRange(long, prior.long[0], prior.long[1], 0.3) * softRange(short, 0, prior.maxShort, 0.2);
}

/** Best class for the observation, with its score. */
export function classifyBySize(long: number, short: number, height: number): { prior: ClassPrior; score: number } {
  let best = CLASS_PRIORS[0];
  let bestScore = -1;
  for (const p of CLASS_PRIORS) {
    const s = classScore(p, long, short, height);
    if (s > bestScore) {
      bestScore = s;
      best = p;
    }
  }
  return { prior: best, score: bestScore };
}
