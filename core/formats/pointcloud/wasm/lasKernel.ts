/**
 * Drives the LAS record kernel (las.wat) for point formats 0-5: records are staged a block at a
 * time into the kernel's memory (one memcpy that stays in cache), decoded there into columns, and
 * each column is copied out with one memcpy (TypedArray.set). No JavaScript loop touches a point,
 * so a cold open does not wait for TurboFan (issue #19); the results are those of the JavaScript
 * loops in las.ts bit for bit (x y z: the same f64 multiply-add, rounded once to f32).
 */
import { compileKernel } from './instantiate';
import { base64 } from './las.wasm';

interface LasExports {
  memory: WebAssembly.Memory;
  las(src: number, n: number, len: number, sx: number, sy: number, sz: number, hx: number, hy: number, hz: number, gpsAt: number, rgbAt: number): void;
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
/** Records per block at most: the kernel's columns have this many slots. */
const SLOTS = 8192;
/** The staged records go here, below the columns (las.wat's fixed addresses, from 1 MiB); 0-23 hold the extents. */
const SRC = 64;
/** Column addresses, as in las.wat. */
const AT = { pos: 1048576, int: 1146880, ret: 1163264, nret: 1171456, cls: 1179648, flags: 1187840, angle: 1196032, user: 1204224, source: 1212416, gps: 1228800, rgb: 1294336 };

/**
 * One instance per thread, shared by every decoder: a decode call runs to its end (columns copied
 * out) before it returns, so decoders of files read at the same time cannot mix their blocks.
 */
let kernel: LasExports | null | undefined;

function instantiate(): LasExports | null {
  const module = compileKernel(base64);
  try {
    return module && (new WebAssembly.Instance(module, {}).exports as unknown as LasExports);
  } catch {
    return null;
  }
}

/** For tests: force the JavaScript loops (false) or the kernel (true, when available). */
export function setLasKernelEnabled(enabled: boolean): void {
  kernel = enabled ? instantiate() : null;
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
  if (kernel === undefined) kernel = instantiate();
  if (!kernel) return null;
  const k = kernel;
  // Records are at most 65,535 bytes, so a block (>= 4 records) always fits below SRC_END.
  const block = Math.min(SLOTS, Math.max(4, Math.floor(BLOCK_BYTES / len)));
  const buffer = k.memory.buffer;
  const bytes = new Uint8Array(buffer);
  const ext = new Int32Array(buffer, 0, 6);
  const min = ext.subarray(0, 3);
  const max = ext.subarray(3, 6);
  return {
    decode(src, first, n, positions, cols, onBlock) {
      for (let done = 0; done < n; ) {
        const count = Math.min(block, n - done);
        const records = src.subarray(done * len, (done + count) * len);
        bytes.set(records, SRC);
        min.fill(0x7fffffff);
        max.fill(-0x80000000);
        k.las(SRC, count, len, scale[0], scale[1], scale[2], shift[0], shift[1], shift[2], gpsAt, rgbAt);
        const o = first + done;
        positions.set(new Float32Array(buffer, AT.pos, count * 3), o * 3);
        onBlock(o, count, min, max, records);
        cols.intensity.set(new Uint16Array(buffer, AT.int, count), o);
        cols.returnNumber.set(bytes.subarray(AT.ret, AT.ret + count), o);
        cols.numberOfReturns.set(bytes.subarray(AT.nret, AT.nret + count), o);
        cols.classification.set(bytes.subarray(AT.cls, AT.cls + count), o);
        cols.classificationFlags.set(bytes.subarray(AT.flags, AT.flags + count), o);
        cols.scanAngle.set(new Int8Array(buffer, AT.angle, count), o);
        cols.userData.set(bytes.subarray(AT.user, AT.user + count), o);
        cols.pointSourceId.set(new Uint16Array(buffer, AT.source, count), o);
        if (cols.gpsTime) cols.gpsTime.set(new Float64Array(buffer, AT.gps, count), o);
        if (cols.rgb16) cols.rgb16.set(new Uint16Array(buffer, AT.rgb, count * 3), o * 3);
        done += count;
      }
    },
  };
}
