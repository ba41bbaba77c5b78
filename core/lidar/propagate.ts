/**
 * Box propagation along a LiDAR sequence ("label a key frame, the tool does the rest", as in
 * SUSTechPOINTS / Xtreme1): a track's box is carried to the next frame by a motion model and then
 * aligned with that frame's points, with its size held constant.
 *
 * Motion model. Every state lives in the coordinates of the frame it was last placed on. Stepping
 * to the next frame first maps it through the ego motion between the frames (egoMotion.ts:
 * given poses, or estimated by registering the static scene; the identity for a static sensor or
 * clouds in one world frame), so the velocity below is the object's own motion, not the sensor's:
 * parked cars get zero velocity and stay put in the world while the sensor drives past them. The
 * object then moves on with its velocity (constant velocity; from the track's keyframe on the
 * previous frame when it has one, `velocityFrom`, else unknown on the first step, where the
 * search looks where the object stood first and then in a wider window).
 *
 * Refinement. Around the prediction, the next frame's obstacle points (FrameIndex: above the local
 * ground, cached per cloud) are gathered once, and candidate poses (translation and yaw near the
 * prediction; the size is the track's) are scored coarse to fine by how the points sit in the box:
 * +1 per point inside, more for points close to a face (LiDAR sees an object's surfaces), −1.5 per
 * point in a 0.3 m band just outside (the box must not cut through an object nor reach into its
 * neighbour), minus a small pull towards the prediction (the far side is never seen, so a box
 * longer than the visible points could otherwise slide along its hidden half). The yaw is searched
 * only within a few degrees of the predicted heading, so it cannot flip, and is then smoothed.
 *
 * Lost. With too few points in the aligned box (occlusion, out of range) the prediction is kept
 * and marked `predicted`; after `maxMisses` such frames in a row the track stops (`lost`) and the
 * caller ends it there.
 */
import type { Cuboid3D } from '../document/schema';
import { normalizeAngle, shortestAngleDelta } from '../geometry/angle';
import { groundHeight, type FrameIndex } from './frameIndex';
import { IDENTITY_2D, transformCuboid, type Rigid2D } from './egoMotion';
import { bevIoU } from './iou';

export interface PropagateOptions {
  /** Half-width of the translation search around the prediction once the velocity is known (m). */
  window?: number;
  /** Largest speed in metres per time unit; bounds the first step's search window. */
  maxSpeed?: number;
  /** Largest first-step window (m): a wider one meets neighbouring objects more than it helps. */
  maxFirstWindow?: number;
  /** Yaw searched around the predicted heading (radians, each side). */
  yawWindow?: number;
  /** Weight of the new heading against the predicted one (1 = no smoothing). */
  yawGain?: number;
  /** Weight of a new velocity measurement against the previous estimate. */
  velocityGain?: number;
  /** Fewer points than this in the aligned box: the frame is a miss. */
  minPoints?: number;
  /** ...or fewer than this share of the points the track had on its last seen frame. */
  minPointShare?: number;
  /** Frames kept on the prediction before the track stops. */
  maxMisses?: number;
}

const DEFAULTS: Required<PropagateOptions> = {
  window: 1.2,
  maxSpeed: 2.5,
  maxFirstWindow: 6,
  yawWindow: (8 * Math.PI) / 180,
  yawGain: 0.7,
  velocityGain: 0.6,
  minPoints: 5,
  minPointShare: 0.1,
  maxMisses: 2,
};

/** A track being propagated; immutable, one per object. */
export interface TrackState {
  /** The box on the frame it was last placed on (that frame's coordinates). */
  box: Cuboid3D;
  time: number;
  /** Velocity in the same frame's axes (metres per time unit), or null before it is known. */
  velocity: [number, number] | null;
  /** Height of the box bottom above the local ground, kept along the track. */
  groundOffset: number;
  /** Points in the box on the last frame where it was seen. */
  points: number;
  /** Predicted frames in a row. */
  misses: number;
}

export type StepStatus = 'tracked' | 'predicted' | 'lost';

export interface StepResult {
  state: TrackState;
  status: StepStatus;
  /** The box on the new frame (null when lost). */
  box: Cuboid3D | null;
  /** Points in the aligned box. */
  points: number;
}

/** A track state from a labelled box on a frame (its index gives the ground and the point count). */
export function startTrack(box: Cuboid3D, time: number, index: FrameIndex, velocity: [number, number] | null = null): TrackState {
  const bottom = box.center[2] - box.size[2] / 2;
  const points = countObstaclePoints(index, box);
  return { box, time, velocity, groundOffset: bottom - groundHeight(index, box.center[0], box.center[1]), points, misses: 0 };
}

/**
 * The object's own velocity from two labelled boxes ("label two key frames"): `prev` on a frame
 * at `prevTime`, `box` at `time`, `ego` the frame motion from the previous frame to this one.
 * In this frame's axes, metres per time unit; what the first step would otherwise have to guess.
 */
export function velocityFrom(prev: Cuboid3D, prevTime: number, box: Cuboid3D, time: number, ego: Rigid2D = IDENTITY_2D): [number, number] | null {
  const dt = time - prevTime;
  if (!(dt > 0)) return null;
  const still = transformCuboid(prev, ego);
  return [(box.center[0] - still.center[0]) / dt, (box.center[1] - still.center[1]) / dt];
}

/** Obstacle points of the index inside the box's footprint (bird's-eye; the index bounds z). */
export function countObstaclePoints(index: FrameIndex, box: Cuboid3D): number {
  const pts = gatherAround(index, box.center[0], box.center[1], Math.hypot(box.size[0], box.size[1]) / 2, -Infinity, Infinity, Infinity);
  const c = Math.cos(box.yaw), s = Math.sin(box.yaw);
  const hl = box.size[0] / 2, hw = box.size[1] / 2;
  let n = 0;
  for (let i = 0; i < pts.length; i += 2) {
    const dx = pts[i], dy = pts[i + 1];
    if (Math.abs(dx * c + dy * s) <= hl && Math.abs(-dx * s + dy * c) <= hw) n++;
  }
  return n;
}

/** The box predicted on a frame at `time`, given the ego motion from the state's frame to it. */
export function predictBox(state: TrackState, time: number, ego: Rigid2D = IDENTITY_2D): Cuboid3D {
  const dt = time - state.time;
  const v = state.velocity ?? [0, 0];
  const moved: Cuboid3D = { ...state.box, center: [state.box.center[0] + v[0] * dt, state.box.center[1] + v[1] * dt, state.box.center[2]] };
  return transformCuboid(moved, ego);
}

/**
 * Obstacle points within `radius` of (cx, cy) as x, y relative to that centre (a fresh array: the
 * search below reads them many times, and a car has a few thousand at most).
 */
function gatherAround(index: FrameIndex, cx: number, cy: number, radius: number, zMin = -Infinity, zMax = Infinity, maxPoints = 4000): Float32Array {
  const { cellSize, originX, originY, nx, ny, cellStart, sorted, positions } = index;
  const gx0 = Math.max(0, Math.floor((cx - radius - originX) / cellSize)), gx1 = Math.min(nx - 1, Math.floor((cx + radius - originX) / cellSize));
  const gy0 = Math.max(0, Math.floor((cy - radius - originY) / cellSize)), gy1 = Math.min(ny - 1, Math.floor((cy + radius - originY) / cellSize));
  let total = 0;
  for (let gy = gy0; gy <= gy1; gy++) total += cellStart[gx1 + gy * nx + 1] - cellStart[gx0 + gy * nx];
  if (gx0 > gx1 || gy0 > gy1 || total <= 0) return new Float32Array(0);
  // Evenly thinned when there are very many (a near bus): the score is a sum, so thinning keeps its shape.
  const step = Math.max(1, Math.ceil(total / maxPoints));
  const out = new Float32Array(2 * Math.ceil(total / step) + 2);
  let n = 0, k = 0;
  const r2 = radius * radius;
  for (let gy = gy0; gy <= gy1; gy++)
    for (let j = cellStart[gx0 + gy * nx]; j < cellStart[gx1 + gy * nx + 1]; j++, k++) {
      if (k % step) continue;
      const p = sorted[j];
      const x = positions[p * 3] - cx, y = positions[p * 3 + 1] - cy, z = positions[p * 3 + 2];
      if (x * x + y * y > r2 || z < zMin || z > zMax) continue;
      out[n++] = x;
      out[n++] = y;
    }
  return out.subarray(0, n);
}

const FACE_SIGMA = 0.15;
const MARGIN = 0.3;
const MARGIN_PENALTY = 1.5;
/** Points scored per pose: the score is a sum, so an evenly thinned set keeps its shape. */
const MAX_COARSE_POINTS = 1500;
const MAX_FINE_POINTS = 2500;

/** Score of a box pose (centre offset ox, oy from the gather centre; yaw) against the points. */
function poseScore(pts: Float32Array, ox: number, oy: number, yaw: number, hl: number, hw: number): { score: number; inside: number } {
  const c = Math.cos(yaw), s = Math.sin(yaw);
  let score = 0, inside = 0;
  const ol = hl + MARGIN, ow = hw + MARGIN;
  const k = 1 / (2 * FACE_SIGMA * FACE_SIGMA);
  for (let i = 0; i < pts.length; i += 2) {
    const dx = pts[i] - ox, dy = pts[i + 1] - oy;
    const u = Math.abs(dx * c + dy * s), v = Math.abs(-dx * s + dy * c);
    if (u > ol || v > ow) continue;
    if (u <= hl && v <= hw) {
      const d = Math.min(hl - u, hw - v);
      score += 1 + Math.exp(-d * d * k);
      inside++;
    } else score -= MARGIN_PENALTY;
  }
  return { score, inside };
}

interface Pose {
  x: number;
  y: number;
  yaw: number;
  score: number;
  inside: number;
}

/**
 * Grid search of translation (±span around (x0, y0), `step`) and yaw (±yawSpan, `yawStep`),
 * with a quadratic pull towards the prediction (at 0, 0) of `pull` per square metre.
 */
function search(pts: Float32Array, x0: number, y0: number, span: number, step: number, yaw0: number, yawSpan: number, yawStep: number, hl: number, hw: number, pull: number, yawPred: number): Pose {
  let best: Pose = { x: x0, y: y0, yaw: yaw0, score: -Infinity, inside: 0 };
  const n = Math.round(span / step);
  const ny = Math.max(0, Math.round(yawSpan / yawStep));
  for (let a = -ny; a <= ny; a++) {
    const yaw = yaw0 + a * yawStep;
    for (let i = -n; i <= n; i++)
      for (let j = -n; j <= n; j++) {
        const x = x0 + i * step, y = y0 + j * step;
        const r = poseScore(pts, x, y, yaw, hl, hw);
        const dyaw = shortestAngleDelta(yawPred, yaw);
        const score = r.score - pull * (x * x + y * y) - pull * 4 * dyaw * dyaw;
        if (score > best.score) best = { x, y, yaw, score, inside: r.inside };
      }
  }
  return best;
}

/**
 * Aligns a box of fixed size with the points near `predicted`: the pose (centre, yaw) that best
 * explains them within ±window (m) and ±yawWindow. Returns the box and its point count.
 */
export function alignBox(index: FrameIndex, predicted: Cuboid3D, window: number, yawWindow: number, pullPerPoint = 0.02): { box: Cuboid3D; points: number } {
  const [l, w, h] = predicted.size;
  const hl = l / 2, hw = w / 2;
  const [cx, cy] = predicted.center;
  const ground = groundHeight(index, cx, cy);
  // Points from the ground band up to a little above the box (not the tree over it).
  const top = ground + Math.max(h, 1) + 0.5;
  const reach = Math.hypot(hl, hw) + MARGIN + 0.2;
  const pts = gatherAround(index, cx, cy, window + reach, -Infinity, top, MAX_COARSE_POINTS);
  const yawPred = predicted.yaw;
  // The pull is scaled by how many points there are to explain, so it stays a tie-breaker.
  const pull = (pullPerPoint * pts.length) / 2 / Math.max(1, window * window);
  const deg = Math.PI / 180;
  const coarse = window > 2 ? 0.4 : 0.2;
  let p = search(pts, 0, 0, window, coarse, yawPred, yawWindow, 4 * deg, hl, hw, pull, yawPred);
  // Finer levels on the points around the coarse pose only (a wide window's gather is thinned),
  // kept relative to the prediction so the pull still measures from it.
  const near = gatherAround(index, cx + p.x, cy + p.y, coarse + 0.2 + reach, -Infinity, top, MAX_FINE_POINTS);
  for (let i = 0; i < near.length; i += 2) {
    near[i] += p.x;
    near[i + 1] += p.y;
  }
  const finePull = (pullPerPoint * near.length) / 2 / Math.max(1, window * window);
  p = search(near, p.x, p.y, coarse, 0.1, p.yaw, 2 * deg, 1 * deg, hl, hw, finePull, yawPred);
  p = search(near, p.x, p.y, 0.1, 0.025, p.yaw, 0.5 * deg, 0.25 * deg, hl, hw, finePull, yawPred);
  const box: Cuboid3D = { ...predicted, center: [cx + p.x, cy + p.y, predicted.center[2]], yaw: normalizeAngle(p.yaw) };
  // The search scored thinned points; the count callers compare with is the full one.
  return { box, points: p.inside === 0 ? 0 : countObstaclePoints(index, box) };
}

/**
 * One step of a track to the next frame (`index` = that frame's FrameIndex, `time` its time,
 * `ego` the motion from the state's frame to it). Pure: returns the new state.
 */
export function stepTrack(state: TrackState, index: FrameIndex, time: number, ego: Rigid2D = IDENTITY_2D, options: PropagateOptions = {}): StepResult {
  const o = { ...DEFAULTS, ...options };
  const dt = time - state.time;
  const predicted = predictBox(state, time, ego);
  let aligned = alignBox(index, predicted, o.window, o.yawWindow);
  if (!state.velocity) {
    // First step, velocity unknown. The prediction says "still in the world" (most labelled
    // objects are parked or waiting); only when the object is not found there (far fewer points
    // than it had, allowing for the change of range) is a wide window searched for a mover. A
    // wide window from the start pulls parked cars onto their neighbours in a row.
    const expected = state.points * rangeFactor(state.box, predicted);
    const wide = Math.min(o.maxFirstWindow, o.maxSpeed * Math.abs(dt));
    if (aligned.points < 0.5 * expected && wide > o.window) {
      const moved = alignBox(index, predicted, wide, o.yawWindow);
      if (moved.points > 1.5 * Math.max(aligned.points, 1)) aligned = moved;
    }
  }
  const ground = groundHeight(index, aligned.box.center[0], aligned.box.center[1]);
  const z = ground + state.groundOffset + state.box.size[2] / 2;
  const enough = aligned.points >= Math.max(o.minPoints, o.minPointShare * state.points);
  if (!enough) return missStep(state, index, time, ego, o, aligned.points);
  // Smooth heading: part of the way from the prediction to the measurement (no flips: the search
  // never left ±yawWindow of the prediction).
  const yaw = normalizeAngle(predicted.yaw + o.yawGain * shortestAngleDelta(predicted.yaw, aligned.box.yaw));
  const box: Cuboid3D = { ...state.box, center: [aligned.box.center[0], aligned.box.center[1], z], yaw };
  // The object's own velocity in the new frame's axes: where it is, against where it would be had
  // it stood still in the world.
  const still = transformCuboid(state.box, ego);
  const measured: [number, number] = dt ? [(box.center[0] - still.center[0]) / dt, (box.center[1] - still.center[1]) / dt] : [0, 0];
  const prev = state.velocity && rotate(state.velocity, ego.yaw);
  const g = prev ? o.velocityGain : 1;
  const velocity: [number, number] = prev ? [prev[0] + g * (measured[0] - prev[0]), prev[1] + g * (measured[1] - prev[1])] : measured;
  return { state: { ...state, box, time, velocity, points: aligned.points, misses: 0 }, status: 'tracked', box, points: aligned.points };
}

/** How the point count of an object scales from one range to another (about 1/r², bounded). */
function rangeFactor(from: Cuboid3D, to: Cuboid3D): number {
  const r0 = Math.hypot(from.center[0], from.center[1]), r1 = Math.hypot(to.center[0], to.center[1]);
  return Math.min(2, Math.max(0.5, (Math.max(r0, 3) / Math.max(r1, 3)) ** 2));
}

/**
 * A frame where the object is not seen: the prediction is kept (`predicted`), or after maxMisses
 * such frames in a row the track stops (`lost`).
 */
export function missStep(state: TrackState, index: FrameIndex, time: number, ego: Rigid2D = IDENTITY_2D, options: PropagateOptions = {}, points = 0): StepResult {
  const o = { ...DEFAULTS, ...options };
  const predicted = predictBox(state, time, ego);
  const z = groundHeight(index, predicted.center[0], predicted.center[1]) + state.groundOffset + state.box.size[2] / 2;
  const misses = state.misses + 1;
  const held: Cuboid3D = { ...predicted, center: [predicted.center[0], predicted.center[1], z] };
  if (misses > o.maxMisses) return { state: { ...state, misses }, status: 'lost', box: null, points };
  return { state: { ...state, box: held, time, velocity: state.velocity && rotate(state.velocity, ego.yaw), misses }, status: 'predicted', box: held, points };
}

/**
 * Tracks stepped together ("Propagate all") must not end on one object: where two tracked boxes
 * overlap (BEV IoU above `maxOverlap`), the one that moved farther from its own prediction — the
 * one more likely to have jumped onto its neighbour — keeps its prediction for this frame instead
 * (missStep). `before` are the states the results were stepped from, in the same order.
 */
export function resolveConflicts(
  before: ReadonlyArray<TrackState | null>, results: Array<StepResult | null>, index: FrameIndex, time: number, ego: Rigid2D = IDENTITY_2D,
  options: PropagateOptions = {}, maxOverlap = 0.3,
): Array<StepResult | null> {
  const out = results.slice();
  const jump = (k: number) => {
    const p = predictBox(before[k]!, time, ego), b = out[k]!.box!;
    return Math.hypot(b.center[0] - p.center[0], b.center[1] - p.center[1]);
  };
  for (let i = 0; i < out.length; i++)
    for (let j = i + 1; j < out.length; j++) {
      const a = out[i], b = out[j];
      if (a?.status !== 'tracked' || b?.status !== 'tracked' || bevIoU(a.box!, b.box!) <= maxOverlap) continue;
      const loser = jump(i) > jump(j) ? i : j;
      out[loser] = missStep(before[loser]!, index, time, ego, options, out[loser]!.points);
    }
  return out;
}

function rotate(v: [number, number], yaw: number): [number, number] {
  const c = Math.cos(yaw), s = Math.sin(yaw);
  return [c * v[0] - s * v[1], s * v[0] + c * v[1]];
}
