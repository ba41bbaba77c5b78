/**
 * Default review threshold of the built-in 3D proposals, a probability: with every dataset scored
 * by a classifier that never saw it (tests/tools/fit-proposal-classifier.ts), 0.3 is the lowest
 * threshold (0.1-0.6 in steps of 0.05) whose precision within 40 m stays >= 60 % (prop4: held-out
 * recall 85.1 %, n = 121 cars; precision 60.6 %, n = 193 proposals; 0.25 gave 56.4 %). Its own module so
 * the renderer's review panel can share it without bundling the proposer; the built-in model's
 * manifest (models/proposals3d/manifest.json) carries the same value.
 */
export const DEFAULT_PROPOSAL_THRESHOLD = 0.3;
