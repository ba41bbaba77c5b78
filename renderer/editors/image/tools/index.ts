import type { Tool, ToolName } from './types';
import { createSelectTool } from './select';
import { createBoxTool } from './box';
import { createRotatedBoxTool } from './rotatedBox';
import { createPolyTool } from './poly';
import { createBrushTool } from './brush';
import { createSkeletonTool } from './skeleton';

export * from './types';

export function createTool(name: ToolName): Tool {
  switch (name) {
    case 'select':
      return createSelectTool();
    case 'box':
      return createBoxTool();
    case 'rotatedBox':
      return createRotatedBoxTool();
    case 'polygon':
    case 'polyline':
    case 'points':
      return createPolyTool(name);
    case 'skeleton':
      return createSkeletonTool();
    case 'brush':
      return createBrushTool(false);
    case 'eraser':
      return createBrushTool(true);
  }
}

/** Tool keys (also listed in the shortcuts dialog). */
export const TOOL_KEYS: Record<ToolName, string> = {
  select: 'V',
  box: 'B',
  rotatedBox: 'R',
  polygon: 'P',
  polyline: 'L',
  points: 'K',
  skeleton: 'J',
  brush: 'M',
  eraser: 'E',
};
