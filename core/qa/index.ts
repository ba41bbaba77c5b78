export * from './types';
export { QaConfig, SizeRange, qaConfig, type QaConfigInput } from './config';
export { runQa, summarize } from './run';
export { labelResolver, normalizeItem, type NormalizedItem, type TrackSeries } from './collect';
export { DEFAULT_SIZE_PRIORS, priorFor, sizeStatistics } from './checks/size';
export { countPointsInCuboid } from './checks/points';
export { iou2d } from './checks/geometry';
export { documentToQaItem, lidarItemToQaItem, type QaItemMeta } from './fromDocument';
