/**
 * 3D box proposals without a trained network: ground removal and a bird's-eye obstacle grid
 * (frameIndex), connected components of the whole frame (cluster), an L-shape box per cluster
 * (rectFit), and a size-prior classifier (sizePrior). Meant to pre-fill a frame for a human to
 * correct, so it favours recall on vehicles and cheapness over precision.
 */
import type { Cuboid3D } from '../document/schema';
import { labelAllClusters, type LinkOptions } from './cluster';
import { completeRect } from './fit';
import { buildFrameIndex, groundHeight, type FrameIndex, type FrameIndexOptions } from './frameIndex';
import { fitRect, type RectFitOptions } from './rectFit';
import { gatherCells, headingSearchCount } from './gather';
import { classifyBySize, type ProposalClass } from './sizePrior';

export interface Proposal {
  box: Cuboid3D;
  label: ProposalClass;
  /** Size-prior score times a point-support factor, in [0, 1]. */
  score: number;
  pointCount: number;
}

export interface ProposeOptions extends LinkOptions, RectFitOptions {
  /** A prebuilt index (otherwise built here, which is part of the per-frame cost). */
  index?: FrameIndex;
  indexOptions?: FrameIndexOptions;
  /** Clusters with fewer obstacle points are ignored. */
  minPoints?: number;
  /** Clusters whose grid bounding box is wider than this (metres; walls, hedges) are ignored. */
  maxExtent?: number;
  /** Proposals scoring below this are dropped. */
  minScore?: number;
  sensorOrigin?: [number, number];
  /** Only points up to this height above the ground steer the heading search (see gather.ts). */
  outlineMaxHeight?: number;
}

export function proposeBoxes(positions: Float32Array, count: number, options: ProposeOptions = {}): Proposal[] {
  const index = options.index ?? buildFrameIndex(positions, count, options.indexOptions);
  const minPoints = options.minPoints ?? 10;
  const maxExtentCells = (options.maxExtent ?? 8) / index.cellSize;
  const minScore = options.minScore ?? 0.15;
  const sensor = options.sensorOrigin ?? [0, 0];
  const outlineMaxHeight = options.outlineMaxHeight ?? 1.1;
  const { labels, count: components, pointCounts } = labelAllClusters(index, options);
  const { nx } = index;

  // Bucket occupied cells by component (counting sort) and track each component's cell bounds.
  const compStart = new Uint32Array(components + 2);
  const minX = new Int32Array(components + 1).fill(2 ** 30), maxX = new Int32Array(components + 1).fill(-1);
  const minY = new Int32Array(components + 1).fill(2 ** 30), maxY = new Int32Array(components + 1).fill(-1);
  for (let c = 0; c < labels.length; c++) {
    const id = labels[c];
    if (id === 0) continue;
    compStart[id + 1]++;
    const x = c % nx, y = (c - x) / nx;
    if (x < minX[id]) minX[id] = x;
    if (x > maxX[id]) maxX[id] = x;
    if (y < minY[id]) minY[id] = y;
    if (y > maxY[id]) maxY[id] = y;
  }
  for (let id = 1; id <= components + 1; id++) compStart[id] += compStart[id - 1];
  const fill = compStart.slice();
  const cellsByComp = new Uint32Array(compStart[components + 1]);
  for (let c = 0; c < labels.length; c++) if (labels[c] !== 0) cellsByComp[fill[labels[c]]++] = c;

  const proposals: Proposal[] = [];
  for (let id = 1; id <= components; id++) {
    const n = pointCounts[id];
    if (n < minPoints) continue;
    if (maxX[id] - minX[id] > maxExtentCells || maxY[id] - minY[id] > maxExtentCells) continue;
    // Ground under the component's grid centre: the reference for the outline band and the height.
    const midX = index.originX + ((minX[id] + maxX[id] + 1) / 2) * index.cellSize;
    const midY = index.originY + ((minY[id] + maxY[id] + 1) / 2) * index.cellSize;
    const pts = gatherCells(index, cellsByComp, compStart[id], compStart[id + 1], groundHeight(index, midX, midY) + outlineMaxHeight);
    const m = pts.count;
    const maxZ = pts.maxZ;
    // A lighter heading search than the interactive fit: many clusters per frame, 50 ms budget.
    const rect = fitRect(pts.xy, m, { coarseStepDeg: 5, fineStepDeg: 1, maxSearchPoints: 300, ...options, searchCount: headingSearchCount(pts) });
    const long = Math.max(rect.extent1, rect.extent2);
    const short = Math.min(rect.extent1, rect.extent2);
    const ground = groundHeight(index, rect.cx, rect.cy);
    const seenHeight = maxZ - ground;
    const { prior, score } = classifyBySize(long, short, seenHeight);
    const support = 1 - Math.exp(-m / 25); // few points: weak evidence whatever the size
    if (score * support < minScore) continue;
    const r = completeRect(rect, [prior.size[0], prior.size[1]], sensor);
    const height = Math.max(seenHeight, 0.1);
    proposals.push({
      box: { kind: 'cuboid3d', center: [r.cx, r.cy, ground + height / 2], size: [r.length, r.width, height], yaw: r.yaw },
      label: prior.label,
      score: score * support,
      pointCount: m,
    });
  }
  return proposals.sort((a, b) => b.score - a.score);
}
