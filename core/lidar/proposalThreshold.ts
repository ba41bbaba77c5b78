/**
 * Default review threshold of the built-in 3D proposals, a probability: with every dataset scored
 * by a classifier that never saw it (tests/tools/fit-proposal-classifier.ts), 0.4 is the lowest
 * threshold whose precision within 40 m stays >= 60 % (held-out recall 75.2 %, precision 60.7 %).
 * Its own module so the renderer's review panel can share it without bundling the proposer.
 */
export const DEFAULT_PROPOSAL_THRESHOLD = 0.4;
