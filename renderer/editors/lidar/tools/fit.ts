/**
 * One-click fit (C): a click on a cuboid selects it; elsewhere `fitBoxAtClick` fits one to the
 * object's points at the ray's ground point, with the active class's size prior. A drag orbits.
 */
import { fitBoxAtClick } from '../../../../core/lidar/fit';
import { clickTool } from './click';
import { pickBox, rayToGround } from './ray';
import type { LidarTool } from './types';

export function createFitTool(): LidarTool {
  return clickTool('fit', (p, ctx) => {
    const hit = pickBox(p.ray, ctx.boxes);
    if (hit) return [{ type: 'select', id: hit }];
    if (!ctx.cloud) return [];
    const g = rayToGround(p.ray, ctx.cloud.index);
    if (!g) return [];
    const { positions, count, index } = ctx.cloud;
    const fit = fitBoxAtClick(positions, count, [g[0], g[1]], { index, minSize: ctx.prior ? [ctx.prior[0], ctx.prior[1]] : undefined });
    if (!fit) return [{ type: 'notice', message: 'lidar.noFit' }];
    return [{ type: 'notice', message: null }, { type: 'create', box: fit.box, action: 'fit cuboid' }];
  });
}
