/**
 * Scatters a column-major block (PCD binary_compressed: each field's values for all points stored
 * contiguously, one field after the other) straight into the cloud's arrays while the block is
 * being decompressed, a window at a time (lzfDecompressWindowed): x y z go interleaved into
 * `positions` with their bounds folded, every other column is a byte copy into its own array. The
 * decompressed block itself is never held, so a cold open touches fresh memory once, for the
 * outputs (issue #19: before, the 19 MB block was a fresh wasm memory and then read again).
 *
 * Results are those of extractColumns over the whole block: x y z read and stored as float32
 * (as the typed-view loops do), other columns bit for bit, bounds folded in point order.
 */
import { toBounds, type Bounds, type RawBounds } from './columns';
import type { LzfWindowSink } from './lzf';
import { BYTES_PER_ELEMENT, createTypedArray, type ScalarType, type TypedArray } from './types';

/** One column of the block: where it starts, its type and components per point. */
export interface ScatterColumn {
  start: number;
  type: ScalarType;
  count: number;
}

export interface ColumnScatter {
  sink: LzfWindowSink;
  /** After the last byte: positions, bounds and the other columns' arrays (in the given order). */
  finish(): { positions: Float32Array; bounds: Bounds; datas: TypedArray[] };
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * `axes` are x y z, float32 with count 1 (null otherwise: the caller keeps the whole-block path,
 * which recentres other types). `n` points.
 */
export function createColumnScatter(axes: [ScatterColumn, ScatterColumn, ScatterColumn], columns: ScatterColumn[], n: number): ColumnScatter | null {
  if (!HOST_LITTLE_ENDIAN || n === 0 || axes.some((a) => a.type !== 'float32' || a.count !== 1)) return null;
  const positions = new Float32Array(n * 3);
  const acc: RawBounds = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
  const axisDone = axes.map((a) => a.start); // absolute block offset consumed so far, per axis
  const datas = columns.map((c) => createTypedArray(c.type, n * c.count));
  const bytesOf = datas.map((d) => new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  const columnDone = columns.map((c) => c.start);
  const columnEnd = columns.map((c) => c.start + n * c.count * BYTES_PER_ELEMENT[c.type]);
  let f32: Float32Array | null = null;
  let dv: DataView | null = null;

  const sink: LzfWindowSink = (mem, delta, end) => {
    if (!f32 || f32.buffer !== mem.buffer) {
      f32 = new Float32Array(mem.buffer, 0, mem.buffer.byteLength >> 2);
      dv = new DataView(mem.buffer);
    }
    for (let a = 0; a < 3; a++) {
      const start = axes[a].start;
      const done = axisDone[a];
      // Whole float32 values only: a value cut by the window's end waits for the next call.
      const upTo = start + ((Math.min(end, start + 4 * n) - start) & ~3);
      if (upTo <= done) continue;
      const first = (done - start) >> 2;
      const values = (upTo - done) >> 2;
      // Window addresses keep the block's alignment mod 8: an aligned column reads through f32.
      if ((done + delta) % 4 === 0) scatterAxis(f32, (done + delta) >> 2, values, positions, first * 3 + a, acc, a);
      else scatterAxisDataView(dv!, done + delta, values, positions, first * 3 + a, acc, a);
      axisDone[a] = upTo;
    }
    for (let c = 0; c < columns.length; c++) {
      const done = columnDone[c];
      const upTo = Math.min(end, columnEnd[c]);
      if (upTo <= done) continue;
      // A column's values packed per point are exactly its bytes in the block: one memcpy.
      bytesOf[c].set(mem.subarray(done + delta, upTo + delta), done - columns[c].start);
      columnDone[c] = upTo;
    }
  };

  return {
    sink,
    finish: () => ({ positions, bounds: toBounds(acc), datas }),
  };
}

/** One axis's run of values into every third float of positions, folding its extremes (NaN never widens them). */
function scatterAxis(src: Float32Array, from: number, count: number, positions: Float32Array, d: number, acc: RawBounds, axis: number): void {
  let lo = acc[axis];
  let hi = acc[axis + 3];
  for (let i = from, end = from + count; i < end; i++, d += 3) {
    const v = src[i];
    positions[d] = v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  acc[axis] = lo;
  acc[axis + 3] = hi;
}

/** scatterAxis for a column that is not 4-byte aligned in the block (a 1- or 2-byte field with an odd count before it). */
function scatterAxisDataView(view: DataView, from: number, count: number, positions: Float32Array, d: number, acc: RawBounds, axis: number): void {
  let lo = acc[axis];
  let hi = acc[axis + 3];
  for (let i = 0, p = from; i < count; i++, p += 4, d += 3) {
    const v = view.getFloat32(p, true);
    positions[d] = v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  acc[axis] = lo;
  acc[axis + 3] = hi;
}
