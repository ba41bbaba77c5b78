import { createBrushTool } from './brush';
import { createMeasureTool, createNavigateTool } from './pointing';
import { createPolygonTool } from './polygon';
import { inertTool, type MedicalTool, type MedicalToolName } from './types';

export * from './types';
export { applyLabelEdit } from './apply';

export function createMedicalTool(name: MedicalToolName): MedicalTool {
  switch (name) {
    case 'navigate':
      return createNavigateTool();
    case 'pan':
      return inertTool('pan');
    case 'brush':
      return createBrushTool(false);
    case 'eraser':
      return createBrushTool(true);
    case 'polygon':
      return createPolygonTool();
    case 'measure':
      return createMeasureTool();
  }
}
