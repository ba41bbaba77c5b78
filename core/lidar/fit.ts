/**
 * One-click cuboid fitting: from a click near an object, grow its cluster of obstacle points on
 * the frame's bird's-eye grid, separate it from its neighbours (range-dependent links, the class's
 * height and footprint), fit an oriented rectangle (L-shape), complete it to the class's size
 * (complete.ts) and stand the box on the local ground; or refuse with a reason the editor shows.
 * The per-frame work (ground map, grid) is done once by frameIndexFor and cached.
 */
import type { Cuboid3D } from '../document/schema';
import { normalizeAngle } from './box';
import { growCluster, seedCandidates, visitedSince, type LinkOptions } from './cluster';
import { buildFrameIndex, frameIndexFor, groundHeight, type FrameIndex } from './frameIndex';
import { fitRect, headingScore, principalAxis, rectAtAngle, rectAtAngleTrimmed, type RectFitOptions } from './rectFit';
import { completeRect, type FreeSpaceCost, type RegionRect } from './complete';
import { freeSpaceViolations, gatherWitnesses, type FreeSpaceWitnesses } from './freeSpace';

export { completeRect, type RegionRect } from './complete';
import { gatherCells, headingSearchCount } from './gather';
import { sizeVariantsFor } from './sizePrior';
import { sceneOrientation } from './sceneHeading';

export interface FitOptions extends RectFitOptions, LinkOptions {
  /** Precomputed index of this frame; by default one is built on first use and cached per positions array. */
  index?: FrameIndex;
  /** How far from the click (metres) the first object point may be. */
  seedRadius?: number;
  /** The cluster is not grown beyond this distance from the click (metres); bounds cost and runaway merges. */
  maxRadius?: number;
  /**
   * Size prior [length, width] of the object class being annotated. LiDAR sees only the faces
   * towards the sensor, so a far car yields a box too short; with a prior the box is extended to
   * at least this size, away from the sensor (the seen faces stay put).
   */
  minSize?: [number, number];
  /**
   * Size prior [length, width, height] of the class being annotated (what the UI has active).
   * Sets minSize (when not given), the plausible footprint that steers the heading search
   * (plausibleExtent) and the tallest cell the object may contain (maxCellTop = 1.6 x height:
   * walls, trucks and poles beside a car are left out).
   */
  prior?: readonly [number, number, number];
  /**
   * Smaller members of the prior's class (sizePrior.ts SIZE_VARIANTS; filled in from the prior by
   * withPrior): a vehicle whose side is seen is completed to the smallest one that holds it.
   */
  priorVariants?: ReadonlyArray<readonly [number, number, number]>;
  /** Sensor position in the LiDAR frame (for completion direction). */
  sensorOrigin?: [number, number];
  returnIndices?: boolean;
  /** Only points up to this height above the ground steer the heading search (see gather.ts). */
  outlineMaxHeight?: number;
  /**
   * Weigh completion hypotheses by free space (freeSpace.ts; default true): the other length axis
   * of a short visible part, growth towards the sensor when the near part is hidden.
   */
  freeSpace?: boolean;
  /** Take the street's heading (sceneHeading.ts) when the points fit it nearly as well (default true). */
  sceneHeading?: boolean;
  /** Fewer cluster points than this: no box. */
  minPoints?: number;
  /**
   * A cluster smaller than this is probably clutter next to the object (a kerb stone, a lone
   * return): the next-nearest seed is tried, up to maxSeedTries, and the largest cluster wins.
   */
  minClusterPoints?: number;
  maxSeedTries?: number;
  /** Join the clusters lying wholly inside the completed box's plausible extent (joinInsideParts; default true). */
  joinInside?: boolean;
  /** Leave out the cells next to something taller than the class when the cluster is implausible (withoutTallNeighbour; default true). */
  tallHalo?: boolean;
  /** A cluster encloses the click when its rectangle along its principal axes does, not only its axis-aligned bounds (insideOriented; default true). */
  orientedContains?: boolean;
  /** Leave lone stray returns beside a long side out of the width (rectFit.ts rectAtAngleTrimmed; default true). */
  trimStray?: boolean;
}

export interface FitResult {
  box: Cuboid3D;
  pointCount: number;
  /** Point indices of the cluster, when returnIndices is set. */
  indices?: Uint32Array;
  method: 'l-shape' | 'pca';
}

function clusterPointCount(index: FrameIndex, cells: number): number {
  let n = 0;
  for (let k = 0; k < cells; k++) n += index.cellStart[index.scratch.queue[k] + 1] - index.cellStart[index.scratch.queue[k]];
  return n;
}

/** FitOptions with what the class prior implies filled in. */
export function withPrior(options: FitOptions): FitOptions {
  const p = options.prior;
  if (!p) return options;
  return {
    ...options,
    minSize: options.minSize ?? [p[0], p[1]],
    priorVariants: options.priorVariants ?? sizeVariantsFor(p),
    maxCellTop: options.maxCellTop ?? p[2] * 1.6,
    // A click on one end of a bus must reach the other end.
    maxRadius: options.maxRadius ?? Math.max(6, p[0] * 1.3),
  };
}

/**
 * The size the box is completed to: the class prior, or the smallest smaller member of the class
 * (sizePrior.ts SIZE_VARIANTS) that holds what is seen: the seen height (a vehicle's top is seen
 * from the side or an end, unlike its far faces) within 1.15 x the member's, the seen length
 * within 5 % of it and the width within the plausible 1.4 x. A light truck 2.3 m high is not
 * grown to a 7.5 m rigid truck; a truck whose top rises above 2.65 m still is.
 */
export function sizeForSeenExtent(
  minSize: [number, number], variants: ReadonlyArray<readonly [number, number, number]> | undefined, long: number, short: number, height: number,
): [number, number] {
  for (const v of variants ?? []) if (height <= v[2] * 1.15 && long <= v[0] / 0.95 && short <= v[1] * 1.4) return [v[0], v[1]];
  return minSize;
}

/** See plausibleExtent. */
const PLAUSIBLE_LONG = 1.45;

export function plausibleExtent(minSize: [number, number] | undefined): [number, number] | undefined {
  return minSize && [minSize[0] * PLAUSIBLE_LONG, minSize[1] * 1.4];
}

/**
 * Grows clusters from `candidates` (nearest first): from the nearest seed, and while that gives
 * fewer than `minClusterPoints` (clutter next to the object: a kerb stone, a lone return) from the
 * next seeds not yet reached, up to `maxSeedTries`; the cluster with the most points (as `score`
 * counts them) wins. Returns its seed and size, with its cells in index.scratch.queue[0..cells),
 * or null when no seed grew any points.
 */
function bestCluster(
  index: FrameIndex, candidates: readonly number[], cx: number, cy: number, radius: number, options: FitOptions,
  score: (cells: number) => number,
): { seed: number; points: number; cells: number } | null {
  const wanted = options.minClusterPoints ?? 10;
  const firstStamp = index.scratch.stamp + 1;
  let best: { seed: number; points: number } | null = null;
  let lastSeed = -1;
  let cells = 0;
  for (let t = 0, tries = 0; t < candidates.length && tries < (options.maxSeedTries ?? 4); t++) {
    const seed = candidates[t];
    if (tries > 0 && visitedSince(index, seed, firstStamp)) continue;
    tries++;
    lastSeed = seed;
    cells = growCluster(index, seed, cx, cy, radius, options);
    const points = score(cells);
    if (points > (best?.points ?? 0)) best = { seed, points };
    if (points >= wanted) break;
  }
  if (!best) return null;
  // The scratch queue holds the last grown cluster; regrow the winner if it was an earlier one.
  if (best.seed !== lastSeed) cells = growCluster(index, best.seed, cx, cy, radius, options);
  return { ...best, cells };
}

/**
 * The box of the given cells' points: L-shape (or PCA) heading and extents, completed to the size
 * prior away from the sensor, bottom on the local ground, top at the highest point. `groundAt` is
 * where the outline band (points low enough to show the body's sides) is measured from.
 */
function observe(index: FrameIndex, cells: ArrayLike<number>, groundAt: [number, number], options: FitOptions, bound?: RegionRect): Observed | null {
  const ground = groundHeight(index, groundAt[0], groundAt[1]);
  const pts = gatherCells(index, cells, 0, cells.length, ground + (options.outlineMaxHeight ?? 1.1), options.returnIndices);
  if (pts.count < (options.minPoints ?? 3)) return null;
  const maxFootprint = options.maxFootprint ?? plausibleExtent(options.minSize);
  const searchN = headingSearchCount(pts) >= 8 ? headingSearchCount(pts) : pts.count;
  const rectOpts = { ...options, maxFootprint, searchCount: headingSearchCount(pts) };
  const fitted = fitRect(pts.xy, pts.count, rectOpts);
  // Extents without stray returns across the object (the heading search is robust to them).
  let rect = options.trimStray === false ? fitted : { ...rectAtAngleTrimmed(pts.xy, pts.count, fitted.angle), method: fitted.method };
  const sensor = options.sensorOrigin ?? [0, 0];
  // Witnesses are gathered only when a completion has alternatives to weigh (lazily, once).
  let witnesses: FreeSpaceWitnesses | undefined;
  const freeSpace: FreeSpaceCost | undefined = options.freeSpace === false || !options.minSize ? undefined : (cx, cy, angle, e1, e2) => {
    witnesses ??= gatherWitnesses(index, rect.cx, rect.cy, Math.hypot(options.minSize![0], options.minSize![1]) + 0.5, sensor);
    return freeSpaceViolations(witnesses, cx, cy, angle, e1, e2);
  };
  const seenHeight = pts.maxZ - groundHeight(index, rect.cx, rect.cy);
  const minSize = options.minSize && sizeForSeenExtent(options.minSize, options.priorVariants, Math.max(rect.extent1, rect.extent2), Math.min(rect.extent1, rect.extent2), seenHeight);
  let r = completeRect(rect, minSize, sensor, bound, freeSpace);
  const quarter = (a: number) => ((a % (Math.PI / 2)) + Math.PI / 2) % (Math.PI / 2);
  // The street's heading (sceneHeading.ts): taken when the object's points hug its edges nearly
  // as well as the L-shape heading's (SCENE_MIN_CLOSENESS); a far car's rounded front and roof
  // rings fit many headings about as badly, a near car's clear L fits only its own.
  const scene = options.sceneHeading === false || rect.method !== 'l-shape' ? null : sceneOrientation(index, rect.cx, rect.cy);
  if (scene) {
    // The street's direction is a prior, not a measurement of this car: refined within a few
    // degrees by the car's own edges (the best closeness there).
    let q = scene.angle, qScore = -Infinity;
    for (let k = -SCENE_REFINE_DEG; k <= SCENE_REFINE_DEG; k += 0.5) {
      const a = scene.angle + (k * Math.PI) / 180;
      const sc = headingScore(pts.xy, searchN, a, rectOpts, pts.count);
      if (sc > qScore) {
        qScore = sc;
        q = a;
      }
    }
    const d = Math.abs(quarter(rect.angle) - quarter(q));
    const alt = rectAtAngle(pts.xy, pts.count, q);
    const long = Math.max(alt.extent1, alt.extent2), short = Math.min(alt.extent1, alt.extent2);
    if (Math.min(d, Math.PI / 2 - d) > 0.5 * Math.PI / 180 && !(maxFootprint && (long > maxFootprint[0] || short > maxFootprint[1]))
      && qScore >= SCENE_MIN_CLOSENESS * headingScore(pts.xy, searchN, rect.angle, rectOpts, pts.count)) {
      // Read along the street, the same points must still make the same object: a completion
      // that turns the box by more than 30° (length and width swapped) is not a refinement.
      const rs = completeRect(alt, minSize, sensor, bound, freeSpace);
      const turn = Math.abs(normalizeAngle(rs.yaw - r.yaw));
      if (Math.min(turn, Math.PI - turn) <= Math.PI / 6) {
        rect = { ...alt, method: rect.method };
        r = rs;
      }
    }
  }
  // Other heading readings, the principal axis, the viewing ray and small turns of the L-shape
  // heading (a far car's rounded front and strip of roof give the L-shape criterion a wrong
  // corner): each is completed the same way and
  // replaces the L-shape heading only when its points still hug its edges nearly as well
  // (HEADING_MIN_CLOSENESS of the closeness score) and its box contradicts clearly fewer lines of
  // sight (HEADING_MIN_GAIN returns fewer). Free space alone is no heading criterion: a box turned
  // into the object's own shadow contradicts nothing.
  if (freeSpace && rect.method === 'l-shape' && r.violations !== undefined && r.violations >= HEADING_MIN_GAIN) {
    const ray = Math.atan2(rect.cy - sensor[1], rect.cx - sensor[0]);
    const tried = [quarter(rect.angle)];
    const lScore = headingScore(pts.xy, searchN, rect.angle, rectOpts, pts.count);
    // The L-shape heading turned by 10° and 20° either way: far cars seen as a rounded front and a
    // strip of roof come out 12–25° off, and the turn that clears their lines of sight is the fix.
    const turns = HEADING_TURNS_DEG.map((d) => rect.angle + (d * Math.PI) / 180);
    for (const a of [principalAxis(pts.xy, pts.count), ray, ...turns]) {
      const q = quarter(a);
      if (tried.some((t) => Math.min(Math.abs(t - q), Math.PI / 2 - Math.abs(t - q)) < (5 * Math.PI) / 180)) continue;
      tried.push(q);
      const alt = rectAtAngle(pts.xy, pts.count, q);
      const long = Math.max(alt.extent1, alt.extent2), short = Math.min(alt.extent1, alt.extent2);
      if (maxFootprint && (long > maxFootprint[0] || short > maxFootprint[1])) continue;
      if (headingScore(pts.xy, searchN, q, rectOpts, pts.count) < HEADING_MIN_CLOSENESS * lScore) continue;
      const ra = completeRect(alt, minSize, sensor, bound, freeSpace);
      if (ra.violations !== undefined && ra.violations <= r.violations! - HEADING_MIN_GAIN) r = ra;
    }
  }
  const bottom = groundHeight(index, r.cx, r.cy);
  const height = Math.max(pts.maxZ - bottom, 0.1);
  const fit: FitResult = {
    box: { kind: 'cuboid3d', center: [r.cx, r.cy, bottom + height / 2], size: [r.length, r.width, height], yaw: r.yaw },
    pointCount: pts.count,
    indices: pts.indices,
    method: rect.method,
  };
  return { fit, long: Math.max(rect.extent1, rect.extent2), short: Math.min(rect.extent1, rect.extent2), cells, options };
}

/** Why a fit gave no box; the UI shows it (renderer/editors/lidar/tools/fit.ts). */
export type FitRefusal =
  /** No object points (above the ground) near the click. */
  | 'nothing-here'
  /** Object points, but fewer than minPoints: too far or too sparse to fit. */
  | 'too-few-points'
  /**
   * With a class prior: even the tightest links leave a cluster far larger than any member of the
   * class (a car fused with the car beside it and a shrub): a box over both would be wrong.
   */
  | 'not-separable';

export type FitOutcome = (FitResult & { refused?: undefined }) | { refused: FitRefusal };

/** Footprint of the cluster before completion, for the plausibility check. */
interface Observed {
  fit: FitResult;
  long: number;
  short: number;
  cells: ArrayLike<number>;
  options: FitOptions;
}

/**
 * How far the observed footprint exceeds the plausible one of the class (0 = plausible): a car
 * cluster 11 m long is a car joined to a hedge, a wall or the car in front.
 */
function overflow(o: Observed, max: [number, number] | undefined): number {
  if (!max) return 0;
  return Math.max(0, o.long - max[0]) + 2 * Math.max(0, o.short - max[1]);
}

/**
 * Link settings tried in turn when the cluster under the click is implausibly large for the
 * class: links along the viewing ray shortened (they bridge the 0.3–0.8 m between a car and the
 * hedge or car behind it), then every link one cell, and the tallest allowed cell lowered towards
 * the class height (a wall or a van's side next to a car).
 */
function tighterLinks(o: FitOptions): FitOptions[] {
  const h = o.prior?.[2];
  return [
    { ...o, radialLinkAngle: (o.radialLinkAngle ?? 0.02) / 2, maxLinkCells: 2, maxCellTop: h ? Math.min(o.maxCellTop ?? Infinity, h * 1.35) : o.maxCellTop },
    { ...o, radialLinkAngle: (o.radialLinkAngle ?? 0.02) / 4, tangentialLinkAngle: 0, maxLinkCells: 1, maxCellTop: h ? Math.min(o.maxCellTop ?? Infinity, h * 1.25) : o.maxCellTop },
    // Last: only cells reaching half the class height (a car's body reaches 0.8 m; the kerb,
    // grass and low shrubs that join a near car to its surroundings do not).
    ...(h ? [{ ...o, radialLinkAngle: (o.radialLinkAngle ?? 0.02) / 4, tangentialLinkAngle: 0, maxLinkCells: 1, maxCellTop: Math.min(o.maxCellTop ?? Infinity, h * 1.25), minCellTop: h * 0.5 }] : []),
  ];
}

/**
 * Fits a cuboid to the object under a click, or says why not. `click` is [x, y] or [x, y, z] in
 * the LiDAR frame (z is ignored: the cluster is found in bird's-eye view).
 *
 * The object is segmented from its neighbours in three ways: cells are linked along the viewing
 * ray and across it by range-dependent distances (cluster.ts, gaps in range and scan-line
 * continuity); with a class prior, cells taller than the class (walls, trucks, poles) are not
 * entered (gaps in height); and when the cluster is still larger than any member of the class,
 * it is regrown with tighter links until it is plausible (tighterLinks).
 */
export function fitAtClick(
  positions: Float32Array,
  count: number,
  click: [number, number] | [number, number, number],
  fitOptions: FitOptions = {},
): FitOutcome {
  const options = withPrior(fitOptions);
  const [x, y] = click;
  const index = indexAround(options.index ?? frameIndexFor(positions, count), x, y, (options.maxRadius ?? 6) + (options.seedRadius ?? 2.5) + (options.minSize?.[0] ?? 4) * 1.1);
  const candidates = seedCandidates(index, x, y, options.seedRadius ?? 2.5, 3, options.maxCellTop);
  if (!candidates.length) return { refused: 'nothing-here' };
  const max = options.maxFootprint ?? plausibleExtent(options.minSize);
  let best: Observed | null = null;
  for (const o of [options, ...(max ? tighterLinks(options) : [])]) {
    const cells = clusterUnderClick(index, candidates, x, y, o);
    const got = cells && observe(index, cells, [x, y], o);
    if (!got) continue;
    if (!best || overflow(got, max) < overflow(best, max)) best = got;
    if (overflow(best, max) === 0) break;
  }
  if (!best) return { refused: 'too-few-points' };
  // Still implausible: something taller than the class (a tree, a sign, a wall) stands against
  // the object and its lower returns link them; the cells next to it are left out.
  if (max && options.prior && options.tallHalo !== false && overflow(best, max) > 0) best = withoutTallNeighbour(index, best, [x, y], options.prior[2] * 1.25, max) ?? best;
  // Hidden parts are looked for only while the seen part is clearly shorter than the size it will
  // be completed to: a light truck seen along its whole side has none, and what lies behind it
  // (a tree, a wall) must not join.
  if (max && options.minSize && overflow(best, max) === 0) {
    const target = sizeForSeenExtent(options.minSize, options.priorVariants, best.long, best.short, best.fit.box.size[2]);
    if (best.long < 0.9 * target[0]) best = joinHiddenParts(index, best, [x, y], options.minSize, max) ?? best;
    if (best.long < 0.6 * target[0]) best = joinHost(index, best, [x, y], options.minSize, max) ?? best;
    if (options.prior && (best.short > WIDE * target[1] || best.long > WIDE * target[0])) best = withoutLowClutter(index, best, [x, y], options.prior[2] * 0.5) ?? best;
    if (options.joinInside !== false) best = joinInsideParts(index, best, [x, y], max) ?? best;
  }
  // Metres beyond the plausible footprint (long + 2 x short) that is refused rather than boxed.
  return overflow(best, max) > NOT_SEPARABLE_M ? { refused: 'not-separable' } : best.fit;
}

const NOT_SEPARABLE_M = 1.5;

let farIndex: FrameIndex | null = null;

/**
 * The frame index grids +-maxRange (100 m) around the sensor, which keeps its memory and the
 * proposals' whole-frame passes bounded; Argoverse 2 labels buses and trucks at 110-150 m. A fit
 * whose reach (metres around the click) leaves that grid gets an index of the 40 m tile holding
 * the click with 40 m around it, built on demand and kept for the next click there (a fixed tile,
 * so the box does not depend on which click built it).
 */
function indexAround(index: FrameIndex, x: number, y: number, reach: number): FrameIndex {
  const lim = index.options.maxRange;
  if (index.options.window || (Math.abs(x) + reach <= lim && Math.abs(y) + reach <= lim)) return index;
  const tx = Math.floor(x / 40) * 40, ty = Math.floor(y / 40) * 40;
  const window = [tx - 40, ty - 40, tx + 80, ty + 80] as const;
  const w = farIndex?.options.window;
  if (farIndex && w && farIndex.positions === index.positions && farIndex.count === index.count && w.every((v, k) => v === window[k]))
    return farIndex;
  farIndex = buildFrameIndex(index.positions, index.count, { ...index.options, window });
  return farIndex;
}

/** See observe: how much better (returns fewer) and how close to the L-shape fit another heading reading must be. */
const HEADING_MIN_GAIN = 10;
const HEADING_MIN_CLOSENESS = 0.9;
const HEADING_TURNS_DEG = [10, -10, 20, -20];
/** See observe: the street's heading is taken, refined within +-SCENE_REFINE_DEG, when the points hug it this well relative to the L-shape heading. */
const SCENE_MIN_CLOSENESS = 0.8;
const SCENE_REFINE_DEG = 8;

/**
 * A far car is seen as its near face plus, a few metres further along the same rays, its roof:
 * the rings that would fall on the sloped bonnet and windscreen in between land on the roof
 * instead, so the roof is a separate cluster beyond any link (KITTI cars at 25–35 m). Such a part
 * lies wholly behind the near face along the viewing ray, within the class's length, inside the
 * face's span across the ray, and keeps the footprint plausible: it joins. A neighbour behind is
 * at least a car length plus a gap away and fails the first test; one beside fails the second.
 */
function joinHiddenParts(
  index: FrameIndex, main: Observed, click: [number, number], minSize: [number, number], max: [number, number],
): Observed | null {
  const { positions, cellStart, sorted } = index;
  const mainCells = new Set<number>(Array.from(main.cells));
  let sx = 0, sy = 0, n = 0;
  for (const c of mainCells)
    for (let j = cellStart[c]; j < cellStart[c + 1]; j++) {
      sx += positions[sorted[j] * 3];
      sy += positions[sorted[j] * 3 + 1];
      n++;
    }
  if (!n) return null;
  const mx = sx / n, my = sy / n;
  const range = Math.hypot(mx, my) || 1;
  const ux = mx / range, uy = my / range;
  // Near face depth and span across the ray.
  let near = Infinity, t0 = Infinity, t1 = -Infinity;
  for (const c of mainCells)
    for (let j = cellStart[c]; j < cellStart[c + 1]; j++) {
      const px = positions[sorted[j] * 3], py = positions[sorted[j] * 3 + 1];
      near = Math.min(near, px * ux + py * uy);
      const t = -px * uy + py * ux;
      t0 = Math.min(t0, t);
      t1 = Math.max(t1, t);
    }
  const reach = minSize[0] * 1.1;
  const seen = new Set<number>();
  const joined: number[] = [];
  const seeds = seedCandidates(index, mx + ux * reach / 2, my + uy * reach / 2, reach / 2 + 0.5, 3, main.options.maxCellTop);
  let grown = 0;
  for (const seed of seeds) {
    if (mainCells.has(seed) || seen.has(seed) || grown >= 12) continue;
    grown++;
    const count = growCluster(index, seed, mx, my, reach + 1, main.options);
    const cells = Array.from(index.scratch.queue.subarray(0, count));
    for (const c of cells) seen.add(c);
    if (cells.some((c) => mainCells.has(c))) continue;
    let fits = true;
    for (const c of cells) {
      for (let j = cellStart[c]; j < cellStart[c + 1] && fits; j++) {
        const px = positions[sorted[j] * 3], py = positions[sorted[j] * 3 + 1];
        const d = px * ux + py * uy - near, t = -px * uy + py * ux;
        if (d < 0.3 || d > reach || t < t0 - 0.3 || t > t1 + 0.3) fits = false;
      }
      if (!fits) break;
    }
    if (fits) joined.push(...cells);
  }
  if (!joined.length) return null;
  const all = Int32Array.from([...mainCells, ...joined]);
  const got = observe(index, all, click, main.options);
  return got && overflow(got, max) === 0 && sameMember(main, got) ? got : null;
}

/**
 * Whether joined parts leave the object the same member of its class (sizeForSeenExtent): they
 * complete what was found, they do not make a light truck a rigid one (what stands behind a light
 * truck, joined as its roof, grew a SUSTech light truck at 26 m to 7.5 m).
 */
function sameMember(main: Observed, got: Observed): boolean {
  const o = main.options;
  if (!o.minSize || !o.priorVariants?.length) return true;
  const before = sizeForSeenExtent(o.minSize, o.priorVariants, main.long, main.short, main.fit.box.size[2]);
  const after = sizeForSeenExtent(o.minSize, o.priorVariants, got.long, got.short, got.fit.box.size[2]);
  return after[0] === before[0] && after[1] === before[1];
}

/** See joinHost: the object a fragment belongs to holds at least this many times its points (1.5-3 give the same real figure). */
const HOST_RATIO = 2;

/**
 * A click on a fragment of an object (a roof or rear strip split from the rest by the rings'
 * gaps, an Argoverse 2 car seen as two clusters) boxes the fragment. When what was found is short
 * for the class (under 0.6 x the length it would be completed to), the clusters within a class
 * length of it are grown with the same links; the biggest that holds at least HOST_RATIO x the
 * fragment's points and with it still makes one plausible object of the class is the object the
 * fragment belongs to, and both are fitted together. Two cars, or a car and a wall, are never one
 * plausible car.
 */
function joinHost(index: FrameIndex, frag: Observed, click: [number, number], minSize: [number, number], max: [number, number]): Observed | null {
  const { cellStart } = index;
  const fragCells = new Set<number>(Array.from(frag.cells));
  let fragPts = 0;
  for (const c of fragCells) fragPts += cellStart[c + 1] - cellStart[c];
  const cx = frag.fit.box.center[0], cy = frag.fit.box.center[1];
  const reach = minSize[0] * 1.1;
  const seeds = seedCandidates(index, cx, cy, reach, 3, frag.options.maxCellTop);
  const seen = new Set<number>();
  let bestHost: { cells: number[]; points: number } | null = null;
  let grown = 0;
  for (const seed of seeds) {
    if (fragCells.has(seed) || seen.has(seed) || grown >= 12) continue;
    grown++;
    const n = growCluster(index, seed, cx, cy, reach + 1, frag.options);
    const cells = Array.from(index.scratch.queue.subarray(0, n));
    for (const c of cells) seen.add(c);
    if (cells.some((c) => fragCells.has(c))) continue;
    let points = 0;
    for (const c of cells) points += cellStart[c + 1] - cellStart[c];
    if (points >= HOST_RATIO * fragPts && (!bestHost || points > bestHost.points)) bestHost = { cells, points };
  }
  if (!bestHost) return null;
  const got = observe(index, Int32Array.from([...fragCells, ...bestHost.cells]), click, frag.options);
  return got && overflow(got, max) === 0 ? got : null;
}

const WIDE = 1.2;
const CLUTTER_GAP = 1;

/**
 * A bollard, a kerb stone or a low shrub half a metre from a car links to it and makes the box
 * too wide or too long for the class (SUSTech cars at 30-35 m: 2.0-2.2 m wide, 5 m long). When
 * the seen footprint is more than 1.2 x the completion size on a side, the cluster's low cells
 * (highest point under `minTop`, half the class height) that are not next to a taller cell (within
 * CLUTTER_GAP cells) are left out; the result is taken when it is still most of the cluster
 * (>= 70 % of the points) and shrinks the oversized side by at least 0.2 m. Not done otherwise:
 * at range a car's bumper ring stands apart from its bonnet in the same way.
 */
function withoutLowClutter(index: FrameIndex, o: Observed, click: [number, number], minTop: number): Observed | null {
  const { nx, cellTop, cellStart } = index;
  const cells = Array.from(o.cells);
  const tall = new Set<number>(cells.filter((c) => cellTop[c] >= minTop));
  if (!tall.size || tall.size === cells.length) return null;
  let all = 0, kept = 0;
  const out: number[] = [];
  for (const c of cells) {
    const n = cellStart[c + 1] - cellStart[c];
    all += n;
    let near = tall.has(c);
    for (let dy = -CLUTTER_GAP; dy <= CLUTTER_GAP && !near; dy++)
      for (let dx = -CLUTTER_GAP; dx <= CLUTTER_GAP && !near; dx++) near = tall.has(c + dx + dy * nx);
    if (near) {
      out.push(c);
      kept += n;
    }
  }
  if (out.length === cells.length || kept < 0.7 * all) return null;
  const got = observe(index, Int32Array.from(out), click, o.options);
  if (!got) return null;
  return got.short <= o.short - 0.2 || got.long <= o.long - 0.2 ? got : null;
}

/** See joinInsideParts: slack across the box (metres) a part may reach past the completed box's sides. */
const INSIDE_SLACK_ACROSS = 0.2;

/**
 * A car's end seen apart from its side (Argoverse 2 cars at 11 m: the rear face a ring-gap away
 * from the side and roof; cars at 23 m seen as two halves) is a separate cluster that the click's
 * cluster does not reach, and the box stops short of it. Clusters lying wholly inside the
 * completed box, stretched along its length to the class's plausible length (centred) and by
 * INSIDE_SLACK_ACROSS across, join, when the result is still one plausible object of the class. A
 * neighbour (a car in front, a hedge along the side) extends beyond that and never joins whole.
 */
function joinInsideParts(index: FrameIndex, main: Observed, click: [number, number], max: [number, number]): Observed | null {
  const { positions, cellStart, sorted } = index;
  const box = main.fit.box;
  const c = Math.cos(box.yaw), s = Math.sin(box.yaw);
  // The plausible length of the member of the class the box was completed to (a light truck, not a rigid one).
  const halfL = Math.max(box.size[0], Math.min(max[0], PLAUSIBLE_LONG * box.size[0])) / 2, halfW = box.size[1] / 2 + INSIDE_SLACK_ACROSS;
  const mainCells = new Set<number>(Array.from(main.cells));
  const insidePt = (j: number) => {
    const dx = positions[j * 3] - box.center[0], dy = positions[j * 3 + 1] - box.center[1];
    return Math.abs(dx * c + dy * s) <= halfL && Math.abs(-dx * s + dy * c) <= halfW;
  };
  const seeds = seedCandidates(index, box.center[0], box.center[1], Math.hypot(halfL, halfW), 3, main.options.maxCellTop);
  const seen = new Set<number>();
  const joined: number[] = [];
  let grown = 0;
  for (const seed of seeds) {
    if (mainCells.has(seed) || seen.has(seed) || grown >= 12) continue;
    if (!insidePt(sorted[cellStart[seed]])) continue;
    grown++;
    const n = growCluster(index, seed, box.center[0], box.center[1], Math.hypot(halfL, halfW) + 1, main.options);
    const cells = Array.from(index.scratch.queue.subarray(0, n));
    for (const q of cells) seen.add(q);
    if (cells.some((q) => mainCells.has(q))) continue;
    let inside = true;
    for (const q of cells) {
      for (let j = cellStart[q]; j < cellStart[q + 1] && inside; j++) inside = insidePt(sorted[j]);
      if (!inside) break;
    }
    if (inside) joined.push(...cells);
  }
  if (!joined.length) return null;
  const got = observe(index, Int32Array.from([...mainCells, ...joined]), click, main.options);
  // The parts complete the object that was found; they do not make it a bigger member of its class.
  return got && overflow(got, max) === 0 && sameMember(main, got) ? got : null;
}

/** See withoutTallNeighbour: cells within this many cells (0.2 m each) of a taller-than-the-class cell are left out. */
const TALL_HALO = 2;

/**
 * A car standing against a tree, a sign or a wall (Argoverse 2 at 28 m) links to its lower
 * returns and the cluster is larger than any car, even with the tightest links: the tall thing's
 * own cells are not entered (maxCellTop) but its lower ones are. The cluster's cells within
 * TALL_HALO of a cell taller than `maxTop` are left out; taken when what stays is a plausible
 * object of the class and still most of the cluster (>= 50 % of the points).
 */
function withoutTallNeighbour(index: FrameIndex, o: Observed, click: [number, number], maxTop: number, max: [number, number]): Observed | null {
  const { nx, ny, cellTop, cellStart } = index;
  const cells = Array.from(o.cells);
  let all = 0, kept = 0;
  const out: number[] = [];
  for (const c of cells) {
    const n = cellStart[c + 1] - cellStart[c];
    all += n;
    const cx = c % nx, cy = (c - cx) / nx;
    let near = cellTop[c] > maxTop;
    for (let dy = -TALL_HALO; dy <= TALL_HALO && !near; dy++)
      for (let dx = -TALL_HALO; dx <= TALL_HALO && !near; dx++) {
        const xx = cx + dx, yy = cy + dy;
        if (xx < 0 || yy < 0 || xx >= nx || yy >= ny) continue;
        const q = xx + yy * nx;
        near = cellStart[q + 1] > cellStart[q] && cellTop[q] > maxTop;
      }
    if (!near) {
      out.push(c);
      kept += n;
    }
  }
  if (out.length === cells.length || kept < 0.5 * all) return null;
  const got = observe(index, Int32Array.from(out), click, o.options);
  return got && overflow(got, max) === 0 ? got : null;
}

/** fitAtClick without the reason: null when no box. */
export function fitBoxAtClick(
  positions: Float32Array,
  count: number,
  click: [number, number] | [number, number, number],
  options: FitOptions = {},
): FitResult | null {
  const r = fitAtClick(positions, count, click, options);
  return r.refused ? null : r;
}

interface GrownCluster {
  cells: Int32Array;
  points: number;
  /** Bird's-eye bounds in cell coordinates. */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/**
 * The object under a click, as cells. A car seen from near by is an outline (its sides and roof
 * edge) with loose fragments inside (returns through the windows, the roof), split from the
 * outline by empty cells that the tight link (which keeps neighbours apart) does not bridge. So
 * clusters are grown from several seeds near the click: the largest whose bounds contain the
 * click is the object (a click inside the outline, or on it); if none contains it, the nearest
 * cluster big enough to be one (as before); then fragments lying wholly inside the chosen
 * cluster's bounds join it.
 */
function clusterUnderClick(index: FrameIndex, candidates: readonly number[], x: number, y: number, options: FitOptions): Int32Array | null {
  const radius = options.maxRadius ?? 6;
  const wanted = options.minClusterPoints ?? 10;
  const firstStamp = index.scratch.stamp + 1;
  const grown: GrownCluster[] = [];
  const maxSeeds = Math.max(options.maxSeedTries ?? 4, 8);
  for (let t = 0; t < candidates.length && grown.length < maxSeeds; t++) {
    if (grown.length > 0 && visitedSince(index, candidates[t], firstStamp)) continue;
    const n = growCluster(index, candidates[t], x, y, radius, options);
    const cells = index.scratch.queue.slice(0, n);
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const c of cells) {
      const cx = c % index.nx, cy = (c - cx) / index.nx;
      if (cx < x0) x0 = cx;
      if (cx > x1) x1 = cx;
      if (cy < y0) y0 = cy;
      if (cy > y1) y1 = cy;
    }
    grown.push({ cells, points: clusterPointCount(index, n), x0, x1, y0, y1 });
  }
  if (!grown.length) return null;
  const fx = (x - index.originX) / index.cellSize, fy = (y - index.originY) / index.cellSize;
  const slack = 1.5; // cells
  const contains = (g: GrownCluster) => fx >= g.x0 - slack && fx <= g.x1 + 1 + slack && fy >= g.y0 - slack && fy <= g.y1 + 1 + slack
    && (options.orientedContains === false || insideOriented(index, g.cells, fx, fy, slack));
  let main: GrownCluster | undefined;
  for (const g of grown) if (g.points >= wanted && contains(g) && (!main || g.points > main.points)) main = g;
  // Nothing encloses the click: the nearest cluster that is big enough, else the biggest.
  main ??= grown.find((g) => g.points >= wanted) ?? grown.reduce((a, b) => (b.points > a.points ? b : a));
  const inside = (g: GrownCluster) => g.x0 >= main!.x0 - 1 && g.x1 <= main!.x1 + 1 && g.y0 >= main!.y0 - 1 && g.y1 <= main!.y1 + 1;
  const parts = grown.filter((g) => g === main || inside(g));
  if (parts.length === 1) return main.cells;
  const out = new Int32Array(parts.reduce((n, g) => n + g.cells.length, 0));
  let k = 0;
  for (const g of parts) {
    out.set(g.cells, k);
    k += g.cells.length;
  }
  return out;
}


/**
 * Whether the click (fx, fy, in cell units) lies within `slack` cells of the cells' rectangle
 * along their principal axes. A diagonal cluster's axis-aligned bounds take in a lot of empty
 * ground: a click on a car's rear bumper (KITTI tracking, 7 m) fell inside the bounds of the
 * bank beside it and boxed the bank.
 */
function insideOriented(index: FrameIndex, cells: Int32Array, fx: number, fy: number, slack: number): boolean {
  const nx = index.nx;
  let mx = 0, my = 0;
  for (const c of cells) {
    mx += c % nx;
    my += Math.floor(c / nx);
  }
  mx /= cells.length;
  my /= cells.length;
  let sxx = 0, sxy = 0, syy = 0;
  for (const c of cells) {
    const dx = (c % nx) - mx, dy = Math.floor(c / nx) - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const a = 0.5 * Math.atan2(2 * sxy, sxx - syy), ca = Math.cos(a), sa = Math.sin(a);
  let lo1 = Infinity, hi1 = -Infinity, lo2 = Infinity, hi2 = -Infinity;
  for (const c of cells) {
    // Cell centres, so the cells' own half width joins the slack.
    const dx = (c % nx) + 0.5 - mx, dy = Math.floor(c / nx) + 0.5 - my;
    const p = dx * ca + dy * sa, q = -dx * sa + dy * ca;
    if (p < lo1) lo1 = p;
    if (p > hi1) hi1 = p;
    if (q < lo2) lo2 = q;
    if (q > hi2) hi2 = q;
  }
  const dx = fx - mx, dy = fy - my;
  const p = dx * ca + dy * sa, q = -dx * sa + dy * ca;
  const s = slack + 0.5;
  return p >= lo1 - s && p <= hi1 + s && q >= lo2 - s && q <= hi2 + s;
}

/**
 * Fits a cuboid to the object inside a drawn rectangle (the Draw box tool): the user chose the
 * object by region instead of by a click, and the box gets the same L-shape heading, extents,
 * size-prior completion and ground snap as a one-click fit. An axis-aligned rectangle around a
 * rotated car also covers bits of kerb, hedge or a neighbour in its corners, so the occupied cells
 * inside are split into linked clusters (cluster.ts) and the one nearest the rectangle's centre
 * is fitted, seeded as a one-click fit at the centre would be. Cells of the frame grid count
 * when their centre is inside (0.2 m granularity, well under the slack of a drawn box). Returns null with fewer than `minPoints` (default 10) points, so the
 * caller keeps the box as drawn.
 */
export function fitBoxInRegion(
  positions: Float32Array, count: number, region: RegionRect, fitOptions: FitOptions = {},
): FitResult | null {
  const options = withPrior(fitOptions);
  const x0 = Math.min(region.x0, region.x1), x1 = Math.max(region.x0, region.x1);
  const y0 = Math.min(region.y0, region.y1), y1 = Math.max(region.y0, region.y1);
  const index = indexAround(options.index ?? frameIndexFor(positions, count), (x0 + x1) / 2, (y0 + y1) / 2, Math.max(x1 - x0, y1 - y0) / 2 + 1);
  const { cellSize, originX, originY, nx, ny, cellStart } = index;
  const cx0 = Math.max(0, Math.ceil((x0 - originX) / cellSize - 0.5));
  const cx1 = Math.min(nx - 1, Math.floor((x1 - originX) / cellSize - 0.5));
  const cy0 = Math.max(0, Math.ceil((y0 - originY) / cellSize - 0.5));
  const cy1 = Math.min(ny - 1, Math.floor((y1 - originY) / cellSize - 0.5));
  if (cx0 > cx1 || cy0 > cy1) return null;
  const inside = (c: number) => {
    const cx = c % nx, cy = (c - cx) / nx;
    return cx >= cx0 && cx <= cx1 && cy >= cy0 && cy <= cy1;
  };
  const midX = (x0 + x1) / 2, midY = (y0 + y1) / 2;
  const radius = Math.hypot(x1 - x0, y1 - y0) / 2 + cellSize;
  // Seeded like a one-click fit at the rectangle's centre (users draw around the object they
  // mean), counting only the points inside; lone returns never seed (see seedCandidates).
  const pointsInside = (grown: number) => {
    let n = 0;
    for (let k = 0; k < grown; k++) {
      const g = index.scratch.queue[k];
      if (inside(g)) n += cellStart[g + 1] - cellStart[g];
    }
    return n;
  };
  const candidates = seedCandidates(index, midX, midY, radius, 3, options.maxCellTop).filter(inside);
  const found = bestCluster(index, candidates, midX, midY, radius, options, pointsInside);
  if (!found || found.points < (options.minPoints ?? 10)) return null;
  const cells: number[] = [];
  for (let k = 0; k < found.cells; k++) if (inside(index.scratch.queue[k])) cells.push(index.scratch.queue[k]);
  return observe(index, cells, [midX, midY], options, { x0, y0, x1, y1 })?.fit ?? null;
}
