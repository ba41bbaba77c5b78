/** Select (V): a click picks the cuboid under the pointer (or none); a drag orbits. */
import { clickTool } from './click';
import { pickBox } from './ray';
import type { LidarTool } from './types';

export function createSelectTool(): LidarTool {
  return clickTool('select', (p, ctx) => [{ type: 'select', id: pickBox(p.ray, ctx.boxes) }]);
}
