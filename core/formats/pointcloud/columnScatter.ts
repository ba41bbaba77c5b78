/**
 * Scatters a column-major block (PCD binary_compressed: each field's values for all points stored
 * contiguously, one field after the other) straight into the cloud's arrays while the block is
 * being decompressed, a window at a time (lzfDecompressWindowed): x y z go interleaved into
 * `positions` with their bounds folded, every other column is a byte copy into its own array. The
 * decompressed block itself is never held, so a cold open touches fresh memory once, for the
 * outputs (issue #19: before, the 19 MB block was a fresh wasm memory and then read again).
 *
 * Results are those of extractColumns over the whole block: every column bit for bit (x y z are
 * moved as their 32 bits; only a signalling NaN, which the float loops quietened, keeps its bit
 * pattern now), bounds folded in point order with the same comparisons.
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
  const positionBits = new Int32Array(positions.buffer);
  const acc: RawBounds = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
  const axisDone = axes.map((a) => a.start); // absolute block offset consumed so far, per axis
  const datas = columns.map((c) => createTypedArray(c.type, n * c.count));
  const bytesOf = datas.map((d) => new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  const columnDone = columns.map((c) => c.start);
  const columnEnd = columns.map((c) => c.start + n * c.count * BYTES_PER_ELEMENT[c.type]);
  let i32: Int32Array | null = null;
  let dv: DataView | null = null;

  const sink: LzfWindowSink = (mem, delta, end, fold) => {
    if (!i32 || i32.buffer !== mem.buffer) {
      i32 = new Int32Array(mem.buffer, 0, mem.buffer.byteLength >> 2);
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
      // The bounds in wasm and the values moved as int32 bits: a cold open runs this loop before
      // TurboFan has compiled it, and unoptimised code boxes every float it reads (int32 fit a
      // small integer), so the first windows cost 10-20 ms more as float loads and compares.
      const range = fold(done + delta, values, acc[a], acc[a + 3]);
      acc[a] = range[0];
      acc[a + 3] = range[1];
      // Window addresses keep the block's alignment mod 8: an aligned column reads through i32.
      if ((done + delta) % 4 === 0) copyStrided(i32, (done + delta) >> 2, values, positionBits, first * 3 + a);
      else copyStridedDataView(dv!, done + delta, values, positionBits, first * 3 + a);
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

/** One axis's run of values (their bits) into every third slot of positions. */
function copyStrided(src: Int32Array, from: number, count: number, positions: Int32Array, d: number): void {
  for (let i = from, end = from + count; i < end; i++, d += 3) positions[d] = src[i];
}

/** copyStrided for a column that is not 4-byte aligned in the block (a 1- or 2-byte field with an odd count before it). */
function copyStridedDataView(view: DataView, from: number, count: number, positions: Int32Array, d: number): void {
  for (let i = 0, p = from; i < count; i++, p += 4, d += 3) positions[d] = view.getInt32(p, true);
}
