/**
 * Rotated non-maximum suppression in bird's-eye view for detector output. Boxes live in one
 * Float32Array of 7 values each (x, y, z, length, width, height, yaw: OpenPCDet's box layout and
 * the document's cuboid), so a head that produced thousands of candidates allocates nothing per
 * point; only the few boxes NMS actually compares become cuboids for bevIoU.
 */
import type { Cuboid3D } from '../document/schema';
import { bevIoU } from './iou';

export const BOX_VALUES = 7;

export interface RotatedNmsOptions {
  /** A box is dropped when its BEV IoU with a kept box is above this (OpenPCDet: NMS_THRESH). */
  iouThreshold: number;
  /** Class of each box; when given, only boxes of the same class suppress each other. */
  classes?: Int32Array;
  /** Keep at most this many (default 100). */
  maxOut?: number;
  /** Only the best `preMax` boxes enter NMS (OpenPCDet NMS_PRE_MAXSIZE; default 4096). */
  preMax?: number;
}

/**
 * Greedy NMS over `count` boxes by descending score. Returns the kept indices, best first.
 * Ties keep the lower index first so results do not depend on the sort's stability.
 */
export function rotatedNms(boxes: Float32Array, scores: Float32Array, count: number, options: RotatedNmsOptions): Int32Array {
  const maxOut = options.maxOut ?? 100;
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  if (order.length > (options.preMax ?? 4096)) order.length = options.preMax ?? 4096;
  const cuboid = (i: number): Cuboid3D => ({
    kind: 'cuboid3d',
    center: [boxes[i * 7], boxes[i * 7 + 1], boxes[i * 7 + 2]],
    size: [boxes[i * 7 + 3], boxes[i * 7 + 4], boxes[i * 7 + 5]],
    yaw: boxes[i * 7 + 6],
  });
  const kept: number[] = [];
  const keptBoxes: Cuboid3D[] = [];
  const classes = options.classes;
  for (const i of order) {
    if (kept.length >= maxOut) break;
    const c = cuboid(i);
    let suppressed = false;
    for (let k = 0; k < kept.length; k++) {
      if (classes && classes[kept[k]] !== classes[i]) continue;
      if (bevIoU(keptBoxes[k], c) > options.iouThreshold) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) {
      kept.push(i);
      keptBoxes.push(c);
    }
  }
  return Int32Array.from(kept);
}
