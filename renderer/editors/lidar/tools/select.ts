/** Select (V): a click picks the cuboid under the pointer (or none); a drag orbits. */
import { pickBox } from './ray';
import { CLICK_SLOP, type LidarTool } from './types';

export function createSelectTool(): LidarTool {
  let start: { x: number; y: number } | null = null;
  return {
    name: 'select',
    orbits: true,
    down(p) {
      start = { x: p.x, y: p.y };
      return [];
    },
    move: () => [],
    up(p, ctx) {
      const s = start;
      start = null;
      if (!s || Math.hypot(p.x - s.x, p.y - s.y) > CLICK_SLOP) return [];
      return [{ type: 'select', id: pickBox(p.ray, ctx.boxes) }];
    },
    preview: () => null,
    busy: () => false,
    cancel() {
      start = null;
    },
  };
}
