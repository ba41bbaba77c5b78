/**
 * A LiDAR tool that acts on a click: a press and release within CLICK_SLOP pixels is a click and
 * calls `onClick`; anything longer was a drag, which orbits the camera (select and fit tools).
 */
import { CLICK_SLOP, type LidarCommand, type LidarPointer, type LidarTool, type LidarToolContext, type LidarToolName } from './types';

export function clickTool(name: LidarToolName, onClick: (p: LidarPointer, ctx: LidarToolContext) => LidarCommand[]): LidarTool {
  let start: { x: number; y: number } | null = null;
  return {
    name,
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
      return onClick(p, ctx);
    },
    preview: () => null,
    busy: () => false,
    cancel() {
      start = null;
    },
  };
}
