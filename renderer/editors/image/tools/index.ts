import type { Tool, ToolName } from './types';
import { createSelectTool } from './select';
import { createBoxTool } from './box';
import { createRotatedBoxTool } from './rotatedBox';
import { createPolyTool } from './poly';
import { createBrushTool } from './brush';
import { createSamTool, type SamToolDeps } from './samSegment';
import { createSkeletonTool } from './skeleton';

export * from './types';
export { createSamTool, type SamToolDeps, type SamPoint, type SamResult } from './samSegment';

export function createTool(name: ToolName, sam?: SamToolDeps): Tool {
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
    case 'segment':
      return createSamTool(sam ?? { modelId: null, segment: async () => null, changed: () => {} });
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
  segment: 'S', // not A: A / D step frames in sequences and videos
};
