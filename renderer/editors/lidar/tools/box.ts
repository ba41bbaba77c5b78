/**
 * Draw box (B): drag a rectangle on the ground around an object. On release `fitBoxInRegion`
 * fits the cuboid to the object's points inside it (heading, extents, size prior, ground snap);
 * Alt, or a rectangle with no object, keeps the box as drawn (yaw 0, the prior's height). A
 * rectangle under 0.3 m on a side draws nothing. The camera does not orbit with this tool.
 */
import type { Cuboid3D } from '../../../../core/document/schema';
import { fitBoxInRegion } from '../../../../core/lidar/fit';
import { rayAtHeight, rayToGround } from './ray';
import type { LidarTool, Vec3 } from './types';

const DEFAULT_HEIGHT = 1.6;

export function createBoxTool(): LidarTool {
  let start: Vec3 | null = null;
  let drawn: Cuboid3D | null = null;
  return {
    name: 'box',
    orbits: false,
    down(p, ctx) {
      start = rayToGround(p.ray, ctx.cloud?.index ?? null);
      drawn = null;
      return [];
    },
    move(p, ctx) {
      if (!start) return [];
      const q = rayAtHeight(p.ray, start[2]);
      if (!q) return [];
      const h = ctx.prior?.[2] ?? DEFAULT_HEIGHT;
      drawn = {
        kind: 'cuboid3d',
        center: [(start[0] + q[0]) / 2, (start[1] + q[1]) / 2, start[2] + h / 2],
        size: [Math.max(0.1, Math.abs(q[0] - start[0])), Math.max(0.1, Math.abs(q[1] - start[1])), h],
        yaw: 0,
      };
      return [];
    },
    up(p, ctx) {
      this.move(p, ctx);
      const g = drawn;
      start = drawn = null;
      if (!g || g.size[0] < 0.3 || g.size[1] < 0.3) return [];
      const region = { x0: g.center[0] - g.size[0] / 2, y0: g.center[1] - g.size[1] / 2, x1: g.center[0] + g.size[0] / 2, y1: g.center[1] + g.size[1] / 2 };
      const fit = !p.alt && ctx.cloud
        ? fitBoxInRegion(ctx.cloud.positions, ctx.cloud.count, region, { index: ctx.cloud.index, prior: ctx.prior })
        : null;
      // No object points in the rectangle: the box is kept as drawn, and the user is told so.
      if (p.alt || !ctx.cloud) return [{ type: 'create', box: g, action: 'draw cuboid' }];
      return [{ type: 'create', box: fit?.box ?? g, action: 'draw cuboid' }, { type: 'notice', message: fit ? null : 'lidar.noFitRegion' }];
    },
    preview: () => (drawn ? { type: 'box', box: drawn } : null),
    busy: () => start !== null,
    cancel() {
      start = drawn = null;
    },
  };
}
