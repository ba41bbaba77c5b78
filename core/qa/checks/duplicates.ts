/**
 * Overlapping duplicates: two shapes of the same class on one frame whose IoU (box2d) or
 * bird's-eye / 3D IoU (cuboids) reaches the threshold. A pair of tracks that overlap on many
 * frames is reported once, at the first such frame.
 */
import type { QaConfig } from '../config';
import type { NormalizedItem } from '../collect';
import type { Finding, QaObject } from '../types';
import { roughExtent, shapeIoU } from './geometry';

export function checkDuplicates(n: NormalizedItem, config: QaConfig['duplicates']): Finding[] {
  if (!config.enabled) return [];
  const out: Finding[] = [];
  const pairs = new Map<string, { finding: Finding; frames: number; best: number }>();
  for (const { frame, objects } of n.frames) {
    const byClass = new Map<string, Array<{ o: QaObject; e: [number, number, number] }>>();
    for (const o of objects) {
      if (o.prediction) continue;
      const e = roughExtent(o.geometry);
      if (!e) continue;
      const key = `${o.geometry.kind}\u0000${o.cls}`;
      let list = byClass.get(key);
      if (!list) byClass.set(key, (list = []));
      list.push({ o, e });
    }
    for (const list of byClass.values()) {
      if (list.length < 2) continue;
      list.sort((a, b) => a.e[0] - b.e[0]);
      let maxR = 0;
      for (const x of list) maxR = Math.max(maxR, x.e[2]);
      for (let i = 0; i < list.length; i++) {
        const a = list[i];
        for (let j = i + 1; j < list.length; j++) {
          const b = list[j];
          if (b.e[0] - a.e[0] > a.e[2] + maxR) break; // sorted by x: nothing further can touch a
          const dx = a.e[0] - b.e[0], dy = a.e[1] - b.e[1], r = a.e[2] + b.e[2];
          if (dx * dx + dy * dy > r * r) continue;
          const threshold = a.o.geometry.kind === 'box2d' ? config.iou2d : config.iou3d;
          const iou = shapeIoU(a.o.geometry, b.o.geometry, config.metric);
          if (iou === null || iou < threshold) continue;
          const [x, y] = a.o.id < b.o.id ? [a.o, b.o] : [b.o, a.o];
          const tracked = x.trackId !== undefined && y.trackId !== undefined;
          const key = tracked ? `${x.id}\u0000${y.id}` : `${frame}\u0000${x.id}\u0000${y.id}`;
          const seen = pairs.get(key);
          if (seen) {
            seen.frames++;
            seen.best = Math.max(seen.best, iou);
            continue;
          }
          const finding: Finding = {
            check: 'duplicate',
            severity: 'error',
            item: n.item.id,
            frame,
            object: x.id,
            message: '',
          };
          pairs.set(key, { finding, frames: 1, best: iou });
          finding.message = `${x.label} ${x.id} and ${y.id} overlap (IoU ${iou.toFixed(2)}): duplicate?`;
          out.push(finding);
        }
      }
    }
  }
  for (const p of pairs.values())
    if (p.frames > 1) p.finding.message += ` (on ${p.frames} frames from here, max IoU ${p.best.toFixed(2)})`;
  return out;
}
