/**
 * PP-OCR text detection (DB, differentiable binarisation) post-processing: threshold the
 * probability map, take connected regions, score each by its mean probability, fit the minimum-area
 * rotated rectangle, grow it by the unclip distance (area * ratio / perimeter) and map it back.
 */
import { componentHull, connectedComponents, minAreaRect, rectCorners } from '../contours';
import type { ImageTransform, PolygonPrediction } from '../types';

export interface DbOptions {
  /** Pixel threshold on the probability map (PaddleOCR det_db_thresh, 0.3). */
  bitmapThreshold: number;
  /** Minimum mean probability of a region (det_db_box_thresh, 0.6). */
  boxThreshold: number;
  /** det_db_unclip_ratio, 1.5. */
  unclipRatio: number;
  minSize?: number;
  maxCandidates?: number;
  label?: string;
}

export function decodeDb(prob: Float32Array, mapWidth: number, mapHeight: number, t: ImageTransform, o: DbOptions): PolygonPrediction[] {
  if (prob.length !== mapWidth * mapHeight) throw new Error(`DB map holds ${prob.length} values, expected ${mapWidth}x${mapHeight}`);
  const minSize = o.minSize ?? 3;
  const bin = new Uint8Array(prob.length);
  for (let i = 0; i < prob.length; i++) bin[i] = prob[i] > o.bitmapThreshold ? 1 : 0;
  const comps = connectedComponents(bin, mapWidth, mapHeight, 4).slice(0, o.maxCandidates ?? 1000);
  const out: PolygonPrediction[] = [];
  for (const c of comps) {
    const hull = componentHull(c, mapWidth);
    if (hull.length < 6) continue;
    const rect = minAreaRect(hull);
    if (Math.min(rect.width, rect.height) < minSize) continue;
    let sum = 0;
    for (const p of c.pixels) sum += prob[p];
    const score = sum / c.pixels.length;
    if (score < o.boxThreshold) continue;
    const area = rect.width * rect.height;
    const perimeter = 2 * (rect.width + rect.height);
    const d = (area * o.unclipRatio) / perimeter;
    const grown = { ...rect, width: rect.width + 2 * d, height: rect.height + 2 * d };
    if (Math.min(grown.width, grown.height) < minSize + 2) continue;
    const corners = rectCorners(grown);
    const polygon: number[] = [];
    for (let i = 0; i < 4; i++) {
      const x = (corners[2 * i] - t.padX) / t.scaleX;
      const y = (corners[2 * i + 1] - t.padY) / t.scaleY;
      polygon.push(Math.min(Math.max(x, 0), t.width), Math.min(Math.max(y, 0), t.height));
    }
    out.push({ label: o.label ?? 'text', score, polygon });
  }
  return out;
}
