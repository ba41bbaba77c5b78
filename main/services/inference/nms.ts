/** Box utilities and non-maximum suppression (pure functions over [x1, y1, x2, y2] boxes). */

export type Box = readonly [number, number, number, number] | number[];

export function iou(a: Box, b: Box): number {
  const ix = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const iy = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (ix <= 0 || iy <= 0) return 0;
  const inter = ix * iy;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

export interface Candidate {
  box: [number, number, number, number];
  score: number;
  classId: number;
  /** Index into the raw output (e.g. for mask coefficients). */
  index?: number;
}

/**
 * Greedy NMS: keeps candidates in descending score order, dropping any with IoU > threshold against
 * a kept one. With `perClass` (default) only candidates of the same class suppress each other.
 */
export function nms<T extends Candidate>(candidates: T[], iouThreshold: number, options: { perClass?: boolean; maxDetections?: number } = {}): T[] {
  const perClass = options.perClass ?? true;
  const max = options.maxDetections ?? 300;
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const c of sorted) {
    let suppressed = false;
    for (const k of kept) {
      if (perClass && k.classId !== c.classId) continue;
      if (iou(k.box, c.box) > iouThreshold) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) {
      kept.push(c);
      if (kept.length >= max) break;
    }
  }
  return kept;
}

export function clampBox(b: number[], width: number, height: number): [number, number, number, number] {
  return [
    Math.min(Math.max(b[0], 0), width),
    Math.min(Math.max(b[1], 0), height),
    Math.min(Math.max(b[2], 0), width),
    Math.min(Math.max(b[3], 0), height),
  ];
}
