/**
 * LAS x y z: scaled int32 records to float32 positions, recentred (columns.ts chooseOffset) on the
 * real extent of the points, in one pass over the records (issue #19).
 *
 * The recentring offset depends on every point, so it is known only at the end. Before, x y z
 * were stored as raw int32 in the positions buffer and scaled in place at the end: a second pass
 * over 14 MB (per 1.2 M points) that had dropped out of the cache. Now each chunk is scaled as it
 * is decoded, with the offset the header's bounds predict. At the end:
 *  - the real offset is the predicted one (writers compute the header bounds from the points):
 *    the positions are final, bit for bit what scaling the integers with the real offset gives;
 *  - it differs (stale header bounds): each value is turned back into its integer,
 *    round((v - shift) / scale), and scaled again. That is exact only while the float32 value
 *    keeps better than half a scale step, so a chunk whose values lie too far from the predicted
 *    centre (|v| >= 0.49 * scale * 2^24, e.g. UTM coordinates in a file whose header bounds are
 *    zero) is stored as raw integers instead, as before, and scaled at the end.
 * Either way the result is what the two-pass decoder gave.
 */
import { chooseOffset } from './columns';
import type { Vec3 } from './types';

export interface LasXyzHeader {
  scale: Vec3;
  offset: Vec3;
  min: Vec3;
  max: Vec3;
}

/** A value within this many scale steps of the predicted centre can be turned back into its integer exactly. */
const EXACT_STEPS = 0.49 * 2 ** 24;

export interface LasXyz {
  positions: Float32Array;
  /** The shift the positions are scaled with as they are decoded (offset - predicted centre). */
  shift: Vec3;
  /** `count` records of `len` bytes from `src` as points first .. first + count - 1. */
  decode(src: Uint8Array, first: number, count: number, len: number): void;
  /**
   * For a caller that stored the scaled positions itself (the wasm kernel): the records' integer
   * extents; keeps their raw integers instead when they are too far from the predicted centre.
   */
  accept(src: Uint8Array, first: number, count: number, len: number, min: ArrayLike<number>, max: ArrayLike<number>): void;
  /** Positions final; the offset (recentring) and the bounds (original coordinates). */
  finish(): { center: Vec3; realMin: Vec3; realMax: Vec3; bounds: { min: Vec3; max: Vec3 } };
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function createLasXyz(header: LasXyzHeader, count: number): LasXyz {
  const positions = new Float32Array(count * 3);
  const ints = new Int32Array(positions.buffer);
  const intMin = [Infinity, Infinity, Infinity];
  const intMax = [-Infinity, -Infinity, -Infinity];
  const { scale, offset } = header;
  const predicted = chooseOffset(header.min, header.max);
  const predictedShift: Vec3 = [offset[0] - predicted[0], offset[1] - predicted[1], offset[2] - predicted[2]];
  /** Records stored as raw integers (first, count pairs): too far from the predicted centre. */
  const raw: number[] = [];
  const chunkMin = [0, 0, 0];
  const chunkMax = [0, 0, 0];

  function decode(src: Uint8Array, first: number, n: number, len: number): void {
    if (n <= 0) return;
    chunkMin.fill(Infinity);
    chunkMax.fill(-Infinity);
    const aligned = HOST_LITTLE_ENDIAN && src.byteOffset % 4 === 0 && len % 4 === 0;
    const i32 = aligned ? new Int32Array(src.buffer, src.byteOffset, (n * len) >> 2) : null;
    const view = aligned ? null : new DataView(src.buffer, src.byteOffset, src.byteLength);
    if (i32) scaleTyped(i32, n, first, len >> 2, positions, scale, predictedShift, chunkMin, chunkMax);
    else scaleDataView(view!, n, first, len, positions, scale, predictedShift, chunkMin, chunkMax);
    accept(src, first, n, len, chunkMin, chunkMax);
  }

  function accept(src: Uint8Array, first: number, n: number, len: number, cMin: ArrayLike<number>, cMax: ArrayLike<number>): void {
    if (n <= 0) return;
    let exact = true;
    for (let a = 0; a < 3; a++) {
      const far = Math.max(Math.abs(cMin[a] * scale[a] + predictedShift[a]), Math.abs(cMax[a] * scale[a] + predictedShift[a]));
      if (!(far < EXACT_STEPS * Math.abs(scale[a]))) exact = false;
      if (cMin[a] < intMin[a]) intMin[a] = cMin[a];
      if (cMax[a] > intMax[a]) intMax[a] = cMax[a];
    }
    if (!exact) {
      // Rare: keep this chunk's integers (the chunk is still in the caller's buffer).
      if (HOST_LITTLE_ENDIAN && src.byteOffset % 4 === 0 && len % 4 === 0) rawTyped(new Int32Array(src.buffer, src.byteOffset, (n * len) >> 2), n, first, len >> 2, ints);
      else rawDataView(new DataView(src.buffer, src.byteOffset, src.byteLength), n, first, len, ints);
      raw.push(first, n);
    }
  }

  function finish() {
    // Integer extents give the real bounds (headers are often stale), hence the recentring offset.
    const realMin = [0, 1, 2].map((a) => Math.min(intMin[a] * scale[a], intMax[a] * scale[a]) + offset[a]) as Vec3;
    const realMax = [0, 1, 2].map((a) => Math.max(intMin[a] * scale[a], intMax[a] * scale[a]) + offset[a]) as Vec3;
    const center = count > 0 ? chooseOffset(realMin, realMax) : ([0, 0, 0] as Vec3);
    const shift: Vec3 = [offset[0] - center[0], offset[1] - center[1], offset[2] - center[2]];
    for (let a = 0; a < 3; a++) {
      if (shift[a] !== predictedShift[a]) rescaleAxis(positions, count, a, scale[a], predictedShift[a], shift[a], raw);
    }
    for (let r = 0; r < raw.length; r += 2) scaleRaw(ints, positions, raw[r], raw[r + 1], scale, shift);
    return { center, realMin, realMax, bounds: boundsOf(count, scale, shift, intMin, intMax, center) };
  }

  return { positions, shift: predictedShift, decode, accept, finish };
}

// Top-level loops over their arguments (not closures): V8 keeps every array in a register.

/** x y z scaled with the predicted shift (int32 * scale + shift, as double, stored as float32), folding the integer extents. */
function scaleTyped(i32: Int32Array, n: number, first: number, words: number, positions: Float32Array, s: Vec3, h: Vec3, lo: number[], hi: number[]): void {
  const sx = s[0], sy = s[1], sz = s[2], hx = h[0], hy = h[1], hz = h[2];
  let x0 = lo[0], y0 = lo[1], z0 = lo[2], x1 = hi[0], y1 = hi[1], z1 = hi[2];
  for (let i = 0, p = 0, o = first * 3; i < n; i++, p += words, o += 3) {
    const x = i32[p];
    const y = i32[p + 1];
    const z = i32[p + 2];
    positions[o] = x * sx + hx;
    positions[o + 1] = y * sy + hy;
    positions[o + 2] = z * sz + hz;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    if (z < z0) z0 = z;
    if (z > z1) z1 = z;
  }
  lo[0] = x0; lo[1] = y0; lo[2] = z0; hi[0] = x1; hi[1] = y1; hi[2] = z1;
}

/** scaleTyped for records that are not 4-byte aligned (a whole file whose header has an odd length, LAS 1.2 format 3's 34-byte records). */
function scaleDataView(view: DataView, n: number, first: number, len: number, positions: Float32Array, s: Vec3, h: Vec3, lo: number[], hi: number[]): void {
  const sx = s[0], sy = s[1], sz = s[2], hx = h[0], hy = h[1], hz = h[2];
  let x0 = lo[0], y0 = lo[1], z0 = lo[2], x1 = hi[0], y1 = hi[1], z1 = hi[2];
  for (let i = 0, p = 0, o = first * 3; i < n; i++, p += len, o += 3) {
    const x = view.getInt32(p, true);
    const y = view.getInt32(p + 4, true);
    const z = view.getInt32(p + 8, true);
    positions[o] = x * sx + hx;
    positions[o + 1] = y * sy + hy;
    positions[o + 2] = z * sz + hz;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    if (z < z0) z0 = z;
    if (z > z1) z1 = z;
  }
  lo[0] = x0; lo[1] = y0; lo[2] = z0; hi[0] = x1; hi[1] = y1; hi[2] = z1;
}

function rawTyped(i32: Int32Array, n: number, first: number, words: number, ints: Int32Array): void {
  for (let i = 0, p = 0, o = first * 3; i < n; i++, p += words, o += 3) {
    ints[o] = i32[p];
    ints[o + 1] = i32[p + 1];
    ints[o + 2] = i32[p + 2];
  }
}

function rawDataView(view: DataView, n: number, first: number, len: number, ints: Int32Array): void {
  for (let i = 0, p = 0, o = first * 3; i < n; i++, p += len, o += 3) {
    ints[o] = view.getInt32(p, true);
    ints[o + 1] = view.getInt32(p + 4, true);
    ints[o + 2] = view.getInt32(p + 8, true);
  }
}

/** Raw integers of points first .. first + n - 1 to float32 in place (each int32 is read before the float32 over it is written). */
function scaleRaw(ints: Int32Array, positions: Float32Array, first: number, n: number, s: Vec3, h: Vec3): void {
  const sx = s[0], sy = s[1], sz = s[2], hx = h[0], hy = h[1], hz = h[2];
  for (let d = first * 3, end = (first + n) * 3; d < end; d += 3) {
    positions[d] = ints[d] * sx + hx;
    positions[d + 1] = ints[d + 1] * sy + hy;
    positions[d + 2] = ints[d + 2] * sz + hz;
  }
}

/**
 * One axis of the scaled points (all but the raw runs) from the predicted shift to the real one:
 * the integer back from the float32 value, then scaled as the first pass would have.
 */
function rescaleAxis(positions: Float32Array, count: number, axis: number, s: number, from: number, to: number, raw: number[]): void {
  let at = 0;
  for (let r = 0; r <= raw.length; r += 2) {
    const end = r < raw.length ? raw[r] : count; // scaled points run up to the next raw run
    for (let d = at * 3 + axis, stop = end * 3; d < stop; d += 3) positions[d] = Math.round((positions[d] - from) / s) * s + to;
    if (r < raw.length) at = raw[r] + raw[r + 1];
  }
}

/**
 * Bounds without a pass over the positions: scaling, adding and rounding to float32 are monotonic,
 * so the stored extremes are those of the integer extremes (computeBounds over the positions
 * gives the same numbers).
 */
function boundsOf(count: number, s: Vec3, shift: Vec3, intMin: number[], intMax: number[], offset: Vec3): { min: Vec3; max: Vec3 } {
  if (count === 0) return { min: [0, 0, 0], max: [0, 0, 0] };
  const min = [0, 0, 0] as Vec3;
  const max = [0, 0, 0] as Vec3;
  for (let a = 0; a < 3; a++) {
    const lo = Math.fround(intMin[a] * s[a] + shift[a]);
    const hi = Math.fround(intMax[a] * s[a] + shift[a]);
    min[a] = Math.min(lo, hi) + offset[a];
    max[a] = Math.max(lo, hi) + offset[a];
  }
  return { min, max };
}
