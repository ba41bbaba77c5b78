/**
 * One-click fit (C): a click on a cuboid selects it; elsewhere `fitAtClick` fits one to the
 * object's points at the ray's ground point, with the active class's size prior. A drag orbits.
 * Every click that creates nothing says why (a notice), so a miss is never silent.
 */
import { fitAtClick, type FitRefusal } from '../../../../core/lidar/fit';
import { clickTool } from './click';
import { pickBox, rayToGround } from './ray';
import type { LidarTool, NoticeKey } from './types';

const REFUSAL_NOTICE: Record<FitRefusal, NoticeKey> = {
  'nothing-here': 'lidar.noFit',
  'too-few-points': 'lidar.noFitSparse',
  'not-separable': 'lidar.noFitMerged',
};

export function createFitTool(): LidarTool {
  return clickTool('fit', (p, ctx) => {
    const hit = pickBox(p.ray, ctx.boxes);
    if (hit) return [{ type: 'select', id: hit }];
    if (!ctx.cloud) return [{ type: 'notice', message: 'lidar.noFitNoCloud' }];
    const g = rayToGround(p.ray, ctx.cloud.index);
    if (!g) return [{ type: 'notice', message: 'lidar.noFitNoGround' }];
    const { positions, count, index } = ctx.cloud;
    const fit = fitAtClick(positions, count, [g[0], g[1]], { index, prior: ctx.prior });
    if (fit.refused) return [{ type: 'notice', message: REFUSAL_NOTICE[fit.refused] }];
    return [{ type: 'notice', message: null }, { type: 'create', box: fit.box, action: 'fit cuboid' }];
  });
}
