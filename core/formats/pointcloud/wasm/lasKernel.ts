/**
 * Drives the LAS record kernel (las.wat) for point formats 0-5: records are staged a block at a
 * time into the kernel's memory (one memcpy that stays in cache), decoded there into columns, and
 * each column is copied out with one memcpy (TypedArray.set). No JavaScript loop touches a point,
 * so a cold open does not wait for TurboFan (issue #19); the results are those of the JavaScript
 * loops in las.ts bit for bit (x y z: the same f64 multiply-add, rounded once to f32).
 */
import { compileKernel, ensureMemory } from './instantiate';
import { base64 } from './las.wasm';

interface LasExports {
  memory: WebAssembly.Memory;
  las(src: number, n: number, len: number, dst: number, k: number, sx: number, sy: number, sz: number, hx: number, hy: number, hz: number, gpsAt: number, rgbAt: number, ext: number): void;
}

/** The standard columns of formats 0-5, in the kernel's output order. */
export interface LegacyColumns {
  intensity: Uint16Array;
  returnNumber: Uint8Array;
  numberOfReturns: Uint8Array;
  classification: Uint8Array;
  classificationFlags: Uint8Array;
  scanAngle: Int8Array;
  userData: Uint8Array;
  pointSourceId: Uint16Array;
  gpsTime: Float64Array | null;
  rgb16: Uint16Array | null;
}

/** Staged record bytes per block: small enough to stay in L2 with the columns decoded from them. */
const BLOCK_BYTES = 256 * 1024;
/** Bytes of column output per record (x y z 12, intensity 2, six bytes, source 2, gps 8, rgb 6). */
const COLUMN_BYTES = 36;
const EXT = 0; // six i32: the block's integer extents
const SRC = 64;

let module: WebAssembly.Module | null | undefined;

/** For tests: force the JavaScript loops (false) or the kernel (true, when available). */
export function setLasKernelEnabled(enabled: boolean): void {
  module = enabled ? compileKernel(base64) : null;
}

export interface LasKernel {
  /**
   * Decodes `n` records of `len` bytes (formats 0-5) as points first .. first + n - 1: positions
   * scaled with `scale` / `shift`, every column of `cols`. `onBlock(first, count, min, max)` gets
   * each block's integer extents right after its positions are stored (the caller may replace
   * them, see lasXyz.ts).
   */
  decode(src: Uint8Array, first: number, n: number, positions: Float32Array, cols: LegacyColumns, onBlock: (first: number, count: number, min: Int32Array, max: Int32Array, records: Uint8Array) => void): void;
}

/** A kernel instance for one file's decoder, or null where wasm is unavailable. */
export function createLasKernel(len: number, scale: number[], shift: number[], gpsAt: number, rgbAt: number): LasKernel | null {
  if (module === undefined) module = compileKernel(base64);
  if (!module) return null;
  let k: LasExports;
  try {
    k = new WebAssembly.Instance(module, {}).exports as unknown as LasExports;
  } catch {
    return null;
  }
  // A multiple of 8, so every column's address suits its typed view (gps_time: 8 bytes).
  const block = Math.max(8, Math.min(8192, Math.floor(BLOCK_BYTES / len)) & ~7);
  const dst = (SRC + block * len + 16 + 7) & ~7; // 8-aligned: gps_time is read as Float64Array
  try {
    ensureMemory(k.memory, dst + block * COLUMN_BYTES + 16);
  } catch {
    return null;
  }
  const buffer = k.memory.buffer;
  const bytes = new Uint8Array(buffer);
  const ext = new Int32Array(buffer, EXT, 6);
  const min = ext.subarray(0, 3);
  const max = ext.subarray(3, 6);
  // Column addresses, as las.wat computes them from dst and the block size.
  const at = { pos: dst, int: dst + 12 * block };
  const ret = at.int + 2 * block;
  const nret = ret + block;
  const cls = nret + block;
  const flags = cls + block;
  const angle = flags + block;
  const user = angle + block;
  const source = user + block;
  const gps = source + 2 * block;
  const rgb = gps + 8 * block;
  return {
    decode(src, first, n, positions, cols, onBlock) {
      for (let done = 0; done < n; ) {
        const count = Math.min(block, n - done);
        const records = src.subarray(done * len, (done + count) * len);
        bytes.set(records, SRC);
        min.fill(0x7fffffff);
        max.fill(-0x80000000);
        k.las(SRC, count, len, dst, block, scale[0], scale[1], scale[2], shift[0], shift[1], shift[2], gpsAt, rgbAt, EXT);
        const o = first + done;
        positions.set(new Float32Array(buffer, at.pos, count * 3), o * 3);
        onBlock(o, count, min, max, records);
        cols.intensity.set(new Uint16Array(buffer, at.int, count), o);
        cols.returnNumber.set(bytes.subarray(ret, ret + count), o);
        cols.numberOfReturns.set(bytes.subarray(nret, nret + count), o);
        cols.classification.set(bytes.subarray(cls, cls + count), o);
        cols.classificationFlags.set(bytes.subarray(flags, flags + count), o);
        cols.scanAngle.set(new Int8Array(buffer, angle, count), o);
        cols.userData.set(bytes.subarray(user, user + count), o);
        cols.pointSourceId.set(new Uint16Array(buffer, source, count), o);
        if (cols.gpsTime) cols.gpsTime.set(new Float64Array(buffer, gps, count), o);
        if (cols.rgb16) cols.rgb16.set(new Uint16Array(buffer, rgb, count * 3), o * 3);
        done += count;
      }
    },
  };
}
