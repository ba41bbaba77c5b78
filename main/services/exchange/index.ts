/**
 * Registers every exchange format. Format modules live beside this file; add one import line
 * per format here.
 */
export { getFormat, listFormats, registerFormat } from './registry';
export type { ExchangeContext, ExchangeFormat, ExportResult, ImportMode, ImportResult } from './registry';
import './kitti';
import './formats2d';
import './sustech';
import './nuscenes';
import './semantickitti';
