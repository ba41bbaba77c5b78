/** 3D boxes with too few LiDAR points inside (needs the item's points provider). */
import { cuboidInCloud, pointsInBox } from '../../lidar/box';
import type { Cuboid3D } from '../../document/schema';
import type { QaConfig } from '../config';
import type { NormalizedItem } from '../collect';
import type { Finding, QaPoints } from '../types';

export function countPointsInCuboid(points: QaPoints, box: Cuboid3D): number {
  return pointsInBox(points.positions, points.count, points.offset ? cuboidInCloud(box, points.offset) : box);
}

export function checkPoints(n: NormalizedItem, config: QaConfig['points']): Finding[] {
  const provider = n.item.points;
  if (!config.enabled || !provider) return [];
  const out: Finding[] = [];
  for (const { frame, objects } of n.frames) {
    const boxes = objects.filter((o) => !o.prediction && o.geometry.kind === 'cuboid3d');
    if (boxes.length === 0) continue;
    const points = provider(frame);
    if (!points) continue;
    for (const o of boxes) {
      const box = o.geometry as Cuboid3D;
      if (Math.hypot(box.center[0], box.center[1]) > config.maxRange) continue;
      const count = countPointsInCuboid(points, box);
      if (count < config.minPoints)
        out.push({
          check: 'too-few-points',
          severity: 'warning',
          item: n.item.id,
          frame,
          object: o.id,
          message: `${o.label} box has ${count} point${count === 1 ? '' : 's'} inside (fewer than ${config.minPoints})`,
        });
    }
  }
  return out;
}
