/**
 * 3D box proposals without a trained network: ground removal and a bird's-eye obstacle grid
 * (frameIndex), connected components of the whole frame at two link strengths (cluster), an
 * L-shape box per cluster (rectFit) completed to the class prior behind its visible faces, a
 * calibrated classifier (classify.ts: score = estimated probability that a human keeps the box)
 * and non-maximum suppression across the two clusterings.
 *
 * Why two clusterings: the range-scaled link that joins a far car's sparse rings also joins a
 * near car to the car parked bumper to bumper in front of it, to a hedge, or to a pedestrian
 * beside it. Rather than guessing per cluster which link is right, both partitions propose and
 * the classifier with NMS keeps the box that looks most like one object.
 */
import type { Cuboid3D } from '../document/schema';
import type { CellComponents, LinkOptions } from './cluster';
import { completeRect } from './fit';
import { buildFrameIndex, type FrameIndex, type FrameIndexOptions } from './frameIndex';
import { bevIntersectionArea } from './iou';
import { fitRect, type RectFitOptions } from './rectFit';
import { heightMasks, labelMaskedClusters, occupiedCells } from './maskedCluster';
import { checkedGround, nearGroundPlane } from './nearGround';
import { carProbability, vruProbability, type LogisticModel } from './classify';
import { clusterFeatures, edgeDistance, heightStats, LONG_FEATURE, objectTop, SEEN_HEIGHT_FEATURE, SHORT_FEATURE, STABILITY } from './proposalFeatures';
import { estimateSensorDensity, frameDensity, logDensityAt, type SensorDensity } from './sensorDensity';
import { CLASS_PRIORS, classScore, type ProposalClass } from './sizePrior';

export interface Proposal {
  box: Cuboid3D;
  label: ProposalClass;
  /** Estimated probability that a human keeps this box (calibrated on labelled frames). */
  score: number;
  pointCount: number;
}

/** Every cluster considered, with why it was dropped (diagnostics, classifier fitting). */
export interface Candidate extends Proposal {
  /** Clustering level (see LEVELS in proposeCandidates) and component id there. */
  level: number;
  component: number;
  dropped?: 'extent' | 'score' | 'suppressed';
  features?: Float32Array;
  /** The car hypothesis' box and probability, and the pedestrian/cyclist one. */
  carBox?: Cuboid3D;
  carScore?: number;
  vruBox?: Cuboid3D;
  vruLabel?: ProposalClass;
  vruScore?: number;
}

export interface ProposeOptions extends LinkOptions, RectFitOptions {
  /** A prebuilt index (otherwise built here, which is part of the per-frame cost). */
  index?: FrameIndex;
  indexOptions?: FrameIndexOptions;
  /** Clusters with fewer obstacle points are ignored. */
  minPoints?: number;
  /** Clusters whose grid bounding box is wider than this (metres; walls, hedges) are ignored. */
  maxExtent?: number;
  /** Proposals whose probability is below this are dropped. */
  minScore?: number;
  sensorOrigin?: [number, number];
  /** Only points up to this height above the ground steer the heading search (see gather.ts). */
  outlineMaxHeight?: number;
  /** The second, tight clustering's link (cells are linked only this close). */
  tightLink?: LinkOptions;
  /** A box overlapping a better one by more than this share of the smaller footprint is dropped. */
  nmsOverlap?: number;
  /**
   * The sensor's density by range (sensorDensity.ts), when known: estimated from this frame's road
   * by default. Pass it to reuse one estimate across a sequence, or for a cloud that is not a
   * spinning LiDAR's (a synthetic grid), where the road-based estimate does not apply.
   */
  density?: SensorDensity;
  /** Classifier weights (default: the committed fit); the fitting script passes held-out folds. */
  carModel?: LogisticModel;
  vruModel?: LogisticModel;
}

/** Default second clustering: 8-neighbourhood of 0.2 m cells, nearly independent of range. */
export const TIGHT_LINK: LinkOptions = { radialLinkAngle: 0.008, tangentialLinkAngle: 0.002, minLinkCells: 1, maxLinkCells: 2 };

import { DEFAULT_PROPOSAL_THRESHOLD } from './proposalThreshold';
export { DEFAULT_PROPOSAL_THRESHOLD };

/** How much lower a whole object's score may be than its kept fragment's and still replace it (NMS). */
export const FRAGMENT_MARGIN = 0.1;

const CAR = CLASS_PRIORS.find((p) => p.label === 'car')!;
const VRU = CLASS_PRIORS.filter((p) => p.label !== 'car');

export function proposeBoxes(positions: Float32Array, count: number, options: ProposeOptions = {}): Proposal[] {
  return proposeCandidates(positions, count, options)
    .filter((c) => !c.dropped)
    .map(({ box, label, score, pointCount }) => ({ box, label, score, pointCount }));
}

/** Occupied cells bucketed by component (counting sort), with each component's cell bounds. */
function bucket(index: FrameIndex, comps: CellComponents, occupied: Uint32Array) {
  const { labels, count: components } = comps;
  const { nx } = index;
  const start = new Uint32Array(components + 2);
  const minX = new Int32Array(components + 1).fill(2 ** 30), maxX = new Int32Array(components + 1).fill(-1);
  const minY = new Int32Array(components + 1).fill(2 ** 30), maxY = new Int32Array(components + 1).fill(-1);
  for (let k = 0; k < occupied.length; k++) {
    const c = occupied[k];
    const id = labels[c];
    if (id === 0) continue;
    start[id + 1]++;
    const x = c % nx, y = (c - x) / nx;
    if (x < minX[id]) minX[id] = x;
    if (x > maxX[id]) maxX[id] = x;
    if (y < minY[id]) minY[id] = y;
    if (y > maxY[id]) maxY[id] = y;
  }
  for (let id = 1; id <= components + 1; id++) start[id] += start[id - 1];
  const fill = start.slice();
  const cells = new Uint32Array(start[components + 1]);
  for (let k = 0; k < occupied.length; k++) {
    const c = occupied[k];
    if (labels[c] !== 0) cells[fill[labels[c]]++] = c;
  }
  return { start, cells, minX, maxX, minY, maxY };
}

/** Cells whose lowest point is above this (metres over the ground) hold only canopy / awnings. */
const CANOPY_LOW = 2.0;
/** Cells with points above this belong to walls, trees, buses: no car reaches it. */
const TALL_STRUCTURE = 2.5;
/** Cells whose points all stay below this are kerbs, grass, low shrubs (for the last level). */
const RAISED = 0.8;

/**
 * What a single car can look like from any sensor, whatever the classifier learnt from the
 * datasets it saw. A car shows at least one face whole unless occluded, and its narrowest face
 * (the rear, ~1.4 m and up) is wider than MIN_CAR_LONG_SIDE: a cluster whose longer side is shorter
 * is not proposed as a car, however car-like its density (a dense, solid pedestrian-sized column
 * scored 0.8 otherwise). The seen rectangle lies inside the car, so one wider than any car
 * (MAX_CAR_SHORT_SIDE: widest cars and vans ~2.1 m, plus the L-shape's slack) or longer
 * (MAX_CAR_LONG_SIDE: long vans ~5.5 m) is several objects or a structure, and a cluster no higher
 * than MIN_CAR_SEEN_HEIGHT is a kerb, low wall or planter (a car's body reaches ~1 m; only a strip of
 * a far car is lower, which a later clustering level gives whole). The classifier, fitted on three
 * sensors, cannot be trusted to learn these limits: held out it scored merged 7 x 5 m blobs of
 * hedge and 0.4 m high planters at 0.9 and above.
 */
export const MIN_CAR_LONG_SIDE = 1.1;
export const MAX_CAR_LONG_SIDE = 6.5;
export const MAX_CAR_SHORT_SIDE = 2.6;
export const MIN_CAR_SEEN_HEIGHT = 0.6;
export const isCarSized = (features: ArrayLike<number>): boolean =>
  features[LONG_FEATURE] >= MIN_CAR_LONG_SIDE && features[LONG_FEATURE] <= MAX_CAR_LONG_SIDE &&
  features[SHORT_FEATURE] <= MAX_CAR_SHORT_SIDE && features[SEEN_HEIGHT_FEATURE] >= MIN_CAR_SEEN_HEIGHT;

let gxy = new Float32Array(8192);

/**
 * x,y of the cluster's points up to `top` above `ground` (objectTop: canopy over a car left out),
 * those up to `lowTop` first (they steer the heading search). Valid until the next call.
 */
function gatherBelow(index: FrameIndex, cells: ArrayLike<number>, start: number, end: number, ground: number, lowTop: number, top: number) {
  const { cellStart, sorted, positions } = index;
  let n = 0;
  for (let k = start; k < end; k++) n += cellStart[cells[k] + 1] - cellStart[cells[k]];
  if (gxy.length < n * 2) gxy = new Float32Array(n * 4);
  let low = 0, kept = 0;
  // Two passes (low band, then the rest) keep the low points contiguous at the front.
  for (let pass = 0; pass < 2; pass++)
    for (let k = start; k < end; k++) {
      const c = cells[k];
      for (let j = cellStart[c]; j < cellStart[c + 1]; j++) {
        const p = sorted[j];
        const h = positions[p * 3 + 2] - ground;
        if (h > top || (pass === 0) !== (h <= lowTop)) continue;
        gxy[kept * 2] = positions[p * 3];
        gxy[kept * 2 + 1] = positions[p * 3 + 1];
        kept++;
        if (pass === 0) low++;
      }
    }
  return { xy: gxy, count: kept, lowCount: low };
}

const NONE: Cuboid3D = { kind: 'cuboid3d', center: [0, 0, 0], size: [0, 0, 0], yaw: 0 };

/**
 * All candidates of both clusterings, scored; those not proposed carry `dropped`. Sorted by
 * score. proposeBoxes keeps the undropped ones.
 */
export function proposeCandidates(positions: Float32Array, count: number, options: ProposeOptions = {}): Candidate[] {
  const index = options.index ?? buildFrameIndex(positions, count, options.indexOptions);
  const minPoints = options.minPoints ?? 10;
  const maxExtentCells = (options.maxExtent ?? 8) / index.cellSize;
  const minScore = options.minScore ?? DEFAULT_PROPOSAL_THRESHOLD;
  const sensor = options.sensorOrigin ?? [0, 0];
  const outlineMaxHeight = options.outlineMaxHeight ?? 1.1;
  const nmsOverlap = options.nmsOverlap ?? 0.3;
  const tight = { ...TIGHT_LINK, ...options.tightLink };
  const occupied = occupiedCells(index);
  const masks = heightMasks(index, occupied, CANOPY_LOW, TALL_STRUCTURE, RAISED);
  const plane = nearGroundPlane(index, sensor);
  const groundAt = (x: number, y: number) => checkedGround(index, plane, x, y, sensor);
  // How densely this sensor samples, from the frame's own road returns at 18-32 m: point-count
  // features are read relative to it (sensorDensity.ts, frameDensity).
  const density = options.density ?? frameDensity(estimateSensorDensity(index, sensor));
  // 0: every obstacle cell, range-scaled link; 1: tight link (parked rows, a pedestrian beside a
  // car); 2: without canopy-only cells (cars under trees); 3: without tall structures, tight link
  // (a car against a wall); 4: without low clutter, tight link (a car linked to its surroundings by
  // kerbs and shrubs). See maskedCluster.ts.
  // Labelled one at a time (they share one labels buffer). Level 0 is exactly labelAllClusters'
  // partition; labelMaskedClusters visits only occupied cells, which is cheaper.
  const levels = [
    () => labelMaskedClusters(index, masks.all, occupied, options),
    () => labelMaskedClusters(index, masks.all, occupied, tight),
    () => labelMaskedClusters(index, masks.noCanopy, occupied, options),
    () => labelMaskedClusters(index, masks.noTall, occupied, tight),
    () => labelMaskedClusters(index, masks.raised, occupied, tight),
  ];
  const out: Candidate[] = [];
  // Most objects come out the same at every level; a component with the same points and cell
  // bounds as one already seen is the same cell set (components partition the cells): it is not
  // fitted again, but counted. How many of the clusterings agree on a cluster is itself
  // evidence (a lone parked car is the same everywhere; a merge or a fragment exists at one level).
  const seen = new Map<string, Candidate | null>();
  levels.forEach((labelLevel, level) => {
    const comps = labelLevel();
    const { start, cells, minX, maxX, minY, maxY } = bucket(index, comps, occupied);
    for (let id = 1; id <= comps.count; id++) {
      const n = comps.pointCounts[id];
      if (n < minPoints) continue;
      const key = `${n} ${minX[id]} ${maxX[id]} ${minY[id]} ${maxY[id]} ${cells[start[id]]}`;
      if (seen.has(key)) {
        const first = seen.get(key);
        if (first?.features) first.features[STABILITY] += 1 / levels.length;
        continue;
      }
      seen.set(key, null);
      if (maxX[id] - minX[id] > maxExtentCells || maxY[id] - minY[id] > maxExtentCells) {
        if (level === 0) out.push({ box: NONE, label: 'car', score: 0, pointCount: n, level, component: id, dropped: 'extent' });
        continue;
      }
      const midX = index.originX + ((minX[id] + maxX[id] + 1) / 2) * index.cellSize;
      const midY = index.originY + ((minY[id] + maxY[id] + 1) / 2) * index.cellSize;
      const midGround = groundAt(midX, midY);
      const top = objectTop(index, cells, start[id], start[id + 1], midGround);
      const pts = gatherBelow(index, cells, start[id], start[id + 1], midGround, outlineMaxHeight, top);
      if (pts.count < minPoints) continue;
      // A lighter heading search than the interactive fit: many clusters per frame, 50 ms budget.
      // Only the low band steers it when a roof is seen (roof returns fill the L; see gather.ts).
      const searchCount = pts.count - pts.lowCount >= 0.3 * pts.count ? pts.lowCount : pts.count;
      const rect = fitRect(pts.xy, pts.count, { coarseStepDeg: 5, fineStepDeg: 1, maxSearchPoints: 300, ...options, searchCount });
      const long = Math.max(rect.extent1, rect.extent2);
      const short = Math.min(rect.extent1, rect.extent2);
      const ground = groundAt(rect.cx, rect.cy);
      const h = heightStats(index, cells, start[id], start[id + 1], ground, top + midGround - ground);
      const range = Math.hypot(rect.cx - sensor[0], rect.cy - sensor[1]);
      const edgeDist = edgeDistance(pts.xy, pts.lowCount > 8 ? pts.lowCount : pts.count, rect);
      const logDensity = logDensityAt(density, range);
      const features = clusterFeatures({ points: pts.count, cells: start[id + 1] - start[id], long, short, ground, range, edgeDist, logDensity }, h, index.cellSize);
      features[STABILITY] = 1 / levels.length;
      const height = Math.max(h.max, 0.1);
      const boxFor = (size: [number, number, number]): Cuboid3D => {
        const r = completeRect(rect, [size[0], size[1]], sensor);
        return { kind: 'cuboid3d', center: [r.cx, r.cy, ground + height / 2], size: [r.length, r.width, height], yaw: r.yaw };
      };
      let vru = VRU[0];
      for (const p of VRU) if (classScore(p, long, short, height) > classScore(vru, long, short, height)) vru = p;
      const c: Candidate = {
        box: NONE, label: 'car', score: 0, pointCount: pts.count, level, component: id, features,
        carBox: boxFor(CAR.size), vruBox: boxFor(vru.size), vruLabel: vru.label,
      };
      seen.set(key, c);
      out.push(c);
    }
  });
  // Scores once every level has been seen (the stability feature is complete).
  for (const c of out) {
    if (!c.features) continue;
    c.carScore = isCarSized(c.features) ? carProbability(c.features, options.carModel) : 0;
    c.vruScore = vruProbability(c.features, options.vruModel);
    const isCar = c.carScore >= c.vruScore;
    c.box = isCar ? c.carBox! : c.vruBox!;
    c.label = isCar ? 'car' : c.vruLabel!;
    c.score = isCar ? c.carScore : c.vruScore;
  }
  out.sort((a, b) => b.score - a.score);
  // Greedy NMS over both levels: a box that overlaps a better one by a good share of the smaller
  // footprint is a duplicate (the same object from the other clustering) or a fragment of it.
  // Except when it is the whole of which the kept box is a fragment: same class, at least twice
  // the points, and a score within FRAGMENT_MARGIN — the classifier cannot tell the two apart
  // (a far AV2 car, 123 points at 0.52, had lost to its own lower body, 51 points at 0.55, from
  // the clustering without low clutter), and the box over more of the object's points is the
  // better guess. Held out this found that car, with as many proposals as before (docs/lidar.md).
  const kept: Candidate[] = [];
  const margin = FRAGMENT_MARGIN;
  for (const c of out) {
    if (c.dropped) continue;
    if (c.score < minScore) {
      c.dropped = 'score';
      continue;
    }
    const area = c.box.size[0] * c.box.size[1];
    const hits = kept.filter((k) => bevIntersectionArea(k.box, c.box) > nmsOverlap * Math.min(area, k.box.size[0] * k.box.size[1]));
    if (hits.length) {
      const k = hits[0];
      if (hits.length === 1 && c.label === k.label && c.pointCount >= 2 * k.pointCount && c.score >= k.score - margin) {
        k.dropped = 'suppressed';
        kept[kept.indexOf(k)] = c;
        continue;
      }
      c.dropped = 'suppressed';
      continue;
    }
    kept.push(c);
  }
  return out;
}
