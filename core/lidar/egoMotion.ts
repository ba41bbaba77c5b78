/**
 * Ego motion between two frames of a sequence whose clouds are each in the moving sensor's frame
 * (KITTI, SUSTech and Argoverse sweeps carry no poses in our samples). The static world (walls,
 * poles, parked cars, trees) appears shifted and turned by the inverse of the sensor's motion, so
 * registering the two frames' obstacle points in bird's-eye view gives the rigid 2D transform that
 * maps frame A's coordinates into frame B's. Tracking needs it: a parked car "moves" by the ego
 * motion in sensor coordinates, a constant-velocity model there breaks as soon as the ego brakes
 * or turns, and in world terms most labelled objects do not move at all.
 *
 * Method: occupancy correlation, coarse to fine. Frame A's obstacle points (from the FrameIndex:
 * 0.25–3 m above the local ground, within `range` of the sensor) are rasterised into occupied
 * cells; for each candidate heading the cell centres are rotated once and every integer cell shift
 * is a table lookup in frame B's occupancy grid (soft: 2 on an occupied cell, 1 next to one, so a
 * half-cell misalignment still scores). Levels of 1 m (the full ±maxShift search), 0.5 m and
 * 0.25 m cells, each around the previous best. Moving objects are a small share of the occupied
 * cells and do not pull the peak. Cost is a few tens of milliseconds per frame pair.
 *
 * A static sensor or clouds already in one world frame give (close to) the identity, so callers
 * need not know which kind of sequence they have. The `share` of frame A's cells that land on
 * occupied cells of B tells how trustworthy the result is.
 */
import type { Cuboid3D } from '../document/schema';
import { normalizeAngle } from '../geometry/angle';
import type { FrameIndex } from './frameIndex';

/** p_B = R(yaw) · p_A + (tx, ty). */
export interface Rigid2D {
  yaw: number;
  tx: number;
  ty: number;
}

export const IDENTITY_2D: Rigid2D = { yaw: 0, tx: 0, ty: 0 };

export interface EgoMotionOptions {
  /** Largest ego translation between the two frames (metres). */
  maxShift?: number;
  /** Largest ego turn between the two frames (radians). */
  maxYaw?: number;
  /** Only obstacle points this close to the sensor take part (far ones are sparse and noisy). */
  range?: number;
}

export interface EgoMotion {
  motion: Rigid2D;
  /** Share of frame A's occupied cells (finest level) that land on an occupied cell of B, 0..1. */
  share: number;
}

/** The translation searched for a time step (frame units): about 25 m/s at 10 Hz, at least 2 m, at most 25 m (cost grows with its square). */
export function egoShiftFor(dt: number): number {
  return Math.min(25, 2.5 * Math.abs(dt) + 2);
}

/**
 * Below this share of matched cells the registration found no static structure to lock on (an
 * open field, a frame of nothing but traffic): the frames are then taken as sharing one frame and
 * the tracks' velocities, measured in sensor coordinates, carry the motion (a constant-velocity
 * model in sensor coordinates). KITTI and SUSTech pairs score 0.55–0.8.
 */
export const MIN_EGO_SHARE = 0.2;

/** The ego motion between two frames `dt` apart, or the identity where it cannot be trusted. */
export function frameMotion(a: FrameIndex, b: FrameIndex, dt: number): Rigid2D {
  const e = estimateEgoMotion(a, b, { maxShift: egoShiftFor(dt) });
  return e.share >= MIN_EGO_SHARE ? e.motion : IDENTITY_2D;
}

export function applyRigid(m: Rigid2D, x: number, y: number): [number, number] {
  const c = Math.cos(m.yaw), s = Math.sin(m.yaw);
  return [c * x - s * y + m.tx, s * x + c * y + m.ty];
}

/** First a, then b. */
export function composeRigid(a: Rigid2D, b: Rigid2D): Rigid2D {
  const [tx, ty] = applyRigid(b, a.tx, a.ty);
  return { yaw: normalizeAngle(a.yaw + b.yaw), tx, ty };
}

export function invertRigid(m: Rigid2D): Rigid2D {
  const c = Math.cos(-m.yaw), s = Math.sin(-m.yaw);
  return { yaw: -m.yaw, tx: -(c * m.tx - s * m.ty), ty: -(s * m.tx + c * m.ty) };
}

/** A box moved with the frame (upright boxes: centre in 2D, heading turned, z kept). */
export function transformCuboid(b: Cuboid3D, m: Rigid2D): Cuboid3D {
  const [x, y] = applyRigid(m, b.center[0], b.center[1]);
  return { ...b, center: [x, y, b.center[2]], yaw: normalizeAngle(b.yaw + m.yaw) };
}

interface Grid {
  g: number;
  ox: number;
  oy: number;
  nx: number;
  ny: number;
  /** 2 = occupied, 1 = next to an occupied cell, 0 = empty. */
  v: Uint8Array;
}

/** Obstacle points of an index within `range`, every `step`-th (x, y interleaved). */
function obstaclePoints(index: FrameIndex, range: number, maxPoints: number): Float32Array {
  const { sorted, positions } = index;
  const step = Math.max(1, Math.floor(sorted.length / maxPoints));
  const out = new Float32Array(2 * Math.ceil(sorted.length / step));
  let n = 0;
  const r2 = range * range;
  for (let k = 0; k < sorted.length; k += step) {
    const p = sorted[k];
    const x = positions[p * 3], y = positions[p * 3 + 1];
    if (x * x + y * y > r2) continue;
    out[n++] = x;
    out[n++] = y;
  }
  return out.subarray(0, n);
}

function occupancy(xy: Float32Array, g: number, margin: number): Grid {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    x0 = Math.min(x0, xy[i]);
    x1 = Math.max(x1, xy[i]);
    y0 = Math.min(y0, xy[i + 1]);
    y1 = Math.max(y1, xy[i + 1]);
  }
  if (!xy.length) x0 = y0 = x1 = y1 = 0;
  const ox = x0 - margin, oy = y0 - margin;
  const nx = Math.ceil((x1 - ox + margin) / g) + 1, ny = Math.ceil((y1 - oy + margin) / g) + 1;
  const v = new Uint8Array(nx * ny);
  for (let i = 0; i < xy.length; i += 2) v[Math.floor((xy[i] - ox) / g) + Math.floor((xy[i + 1] - oy) / g) * nx] = 2;
  // Soft neighbours: a cell next to an occupied one scores half.
  const soft = v.slice();
  for (let y = 1; y < ny - 1; y++)
    for (let x = 1; x < nx - 1; x++) {
      const c = x + y * nx;
      if (v[c] === 2) continue;
      if (v[c - 1] === 2 || v[c + 1] === 2 || v[c - nx] === 2 || v[c + nx] === 2) soft[c] = 1;
    }
  return { g, ox, oy, nx, ny, v: soft };
}

/** Distinct occupied cell centres of points at cell size g. */
function cellCentres(xy: Float32Array, g: number): Float32Array {
  const seen = new Set<number>();
  const out: number[] = [];
  for (let i = 0; i < xy.length; i += 2) {
    const cx = Math.floor(xy[i] / g), cy = Math.floor(xy[i + 1] / g);
    const key = (cx + 32768) * 65536 + (cy + 32768);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push((cx + 0.5) * g, (cy + 0.5) * g);
  }
  return Float32Array.from(out);
}

/**
 * Best (yaw, tx, ty) on one level: headings yaw0 ± yawSpan (yawStep), shifts t0 ± shiftSpan in
 * whole cells of the level's grid.
 */
function searchLevel(
  a: Float32Array, b: Grid, yaw0: number, yawSpan: number, yawStep: number, t0: [number, number], shiftSpan: number,
): { m: Rigid2D; score: number; hits: number } {
  const { g, ox, oy, nx, ny, v } = b;
  const cells = Math.round(shiftSpan / g);
  const n = a.length / 2;
  const ix = new Int32Array(n), iy = new Int32Array(n);
  const span = 2 * cells + 1;
  const scores = new Float64Array(span * span);
  let best = { m: { yaw: yaw0, tx: t0[0], ty: t0[1] }, score: -1, hits: 0 };
  for (let yaw = yaw0 - yawSpan; yaw <= yaw0 + yawSpan + 1e-9; yaw += yawStep) {
    const c = Math.cos(yaw), s = Math.sin(yaw);
    for (let i = 0; i < n; i++) {
      const x = a[2 * i], y = a[2 * i + 1];
      ix[i] = Math.floor((c * x - s * y + t0[0] - ox) / g);
      iy[i] = Math.floor((s * x + c * y + t0[1] - oy) / g);
    }
    scores.fill(0);
    for (let i = 0; i < n; i++) {
      const bx = ix[i], by = iy[i];
      for (let dy = -cells; dy <= cells; dy++) {
        const yy = by + dy;
        if (yy < 0 || yy >= ny) continue;
        const row = yy * nx, srow = (dy + cells) * span + cells;
        for (let dx = -cells; dx <= cells; dx++) {
          const xx = bx + dx;
          if (xx >= 0 && xx < nx) scores[srow + dx] += v[row + xx];
        }
      }
    }
    for (let k = 0; k < scores.length; k++) {
      const dx = (k % span) - cells, dy = Math.floor(k / span) - cells;
      // Ties go to the smaller motion (a static sensor over a featureless scene stays put).
      const score = scores[k] - 1e-6 * (dx * dx + dy * dy) - 1e-3 * Math.abs(yaw);
      if (score > best.score) best = { m: { yaw, tx: t0[0] + dx * g, ty: t0[1] + dy * g }, score, hits: 0 };
    }
  }
  return best;
}

/** The rigid transform taking frame A's coordinates into frame B's (see the module comment). */
export function estimateEgoMotion(a: FrameIndex, b: FrameIndex, options: EgoMotionOptions = {}): EgoMotion {
  const maxShift = options.maxShift ?? 20;
  const maxYaw = options.maxYaw ?? (10 * Math.PI) / 180;
  const range = options.range ?? 50;
  const pa = obstaclePoints(a, range, 20000);
  const pb = obstaclePoints(b, range + maxShift, 40000);
  if (pa.length < 20 || pb.length < 20) return { motion: IDENTITY_2D, share: 0 };
  const deg = Math.PI / 180;
  const levels = [
    { g: 1, yawSpan: maxYaw, yawStep: 2 * deg, shift: maxShift },
    { g: 0.5, yawSpan: 2 * deg, yawStep: 0.5 * deg, shift: 1.5 },
    { g: 0.25, yawSpan: 0.5 * deg, yawStep: 0.25 * deg, shift: 0.5 },
  ];
  let m: Rigid2D = IDENTITY_2D;
  let share = 0;
  for (const L of levels) {
    const cells = cellCentres(pa, L.g);
    const grid = occupancy(pb, L.g, L.g);
    const best = searchLevel(cells, grid, m.yaw, L.yawSpan, L.yawStep, [m.tx, m.ty], L.shift);
    m = best.m;
    // The score sums 2 per exact hit and 1 per near one; as a share of the best possible.
    share = best.score / (2 * (cells.length / 2));
  }
  return { motion: { ...m, yaw: normalizeAngle(m.yaw) }, share: Math.max(0, Math.min(1, share)) };
}
