/** 2D shapes extending outside the image (needs width and height), and tiny 2D boxes. */
import type { QaConfig } from '../config';
import type { NormalizedItem } from '../collect';
import type { Finding } from '../types';
import { bounds2d } from './geometry';

export function checkImage(n: NormalizedItem, config: QaConfig['image']): Finding[] {
  if (!config.enabled) return [];
  const { width, height } = n.item;
  const out: Finding[] = [];
  const t = config.tolerance;
  for (const { frame, objects } of n.frames)
    for (const o of objects) {
      if (o.prediction || !o.keyframe) continue;
      const b = bounds2d(o.geometry);
      if (!b) continue;
      const [x0, y0, x1, y1] = b;
      if (width !== undefined && height !== undefined && (x0 < -t || y0 < -t || x1 > width + t || y1 > height + t))
        out.push({
          check: 'outside-image',
          severity: 'warning',
          item: n.item.id,
          frame,
          object: o.id,
          message: `${o.label} ${o.geometry.kind} [${[x0, y0, x1, y1].map((v) => v.toFixed(1)).join(', ')}] extends outside the ${width}×${height} image`,
        });
      if (o.geometry.kind === 'box2d' || o.geometry.kind === 'rotatedBox') {
        const w = x1 - x0, h = y1 - y0;
        const [bw, bh] = o.geometry.kind === 'rotatedBox' ? [Math.abs(o.geometry.w), Math.abs(o.geometry.h)] : [w, h];
        if (bw < config.minSide || bh < config.minSide || bw * bh < config.minArea)
          out.push({
            check: 'tiny-box',
            severity: 'warning',
            item: n.item.id,
            frame,
            object: o.id,
            message: `${o.label} box is tiny (${bw.toFixed(1)}×${bh.toFixed(1)} px)`,
          });
      }
    }
  return out;
}
