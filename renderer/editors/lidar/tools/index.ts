import { createBoxTool } from './box';
import { createFitTool } from './fit';
import { createLassoTool } from './lasso';
import { createSelectTool } from './select';
import type { LidarTool, LidarToolName } from './types';

export * from './types';
export { pickBox, rayAtHeight, rayToGround } from './ray';

export const LIDAR_TOOLS: readonly LidarToolName[] = ['select', 'box', 'fit', 'lasso'];

export function createLidarTool(name: LidarToolName): LidarTool {
  switch (name) {
    case 'select':
      return createSelectTool();
    case 'box':
      return createBoxTool();
    case 'fit':
      return createFitTool();
    case 'lasso':
      return createLassoTool();
  }
}
