/**
 * Writes decoded slices straight into one volume buffer, applying each slice's rescale in a
 * typed loop fused with the min/max scan that decides the storage type. The volume starts as
 * Int16 and moves to Float32 only when a slice's slope/intercept is not integral or its rescaled
 * values leave the Int16 range — the same rule as deciding on all decoded slices first, without
 * holding them all: peak memory is the volume plus one decoded frame.
 */
import type { StoredPixels } from './pixel-data';

export class VolumeFiller {
  data: Int16Array | Float32Array;
  min = Infinity;
  max = -Infinity;

  /**
   * `shared`: back the Int16 volume with a SharedArrayBuffer so worker threads can write their
   * slices into it in place (main/services/medicalWorkers); otherwise an ordinary buffer.
   */
  constructor(
    private readonly sliceVoxels: number,
    slices: number,
    shared = false,
  ) {
    this.data = shared ? new Int16Array(new SharedArrayBuffer(sliceVoxels * slices * 2)) : new Int16Array(sliceVoxels * slices);
  }

  /** Rescale `pixels` (stored values) by m·v + b into slice `k`. */
  put(k: number, pixels: StoredPixels, m: number, b: number): void {
    const n = this.sliceVoxels;
    const offset = k * n;
    if (this.data instanceof Int16Array && Number.isInteger(m) && Number.isInteger(b)) {
      const r = rescaleToInt16(this.data, offset, n, pixels, m, b);
      if (r) return this.track(r[0], r[1]);
    }
    if (this.data instanceof Int16Array) this.data = Float32Array.from(this.data); // earlier slices were exact in Int16
    const out = this.data;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = pixels[i] * m + b;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      out[offset + i] = v;
    }
    // Stored as Float32: the range of the stored values (fround is monotonic, so this is exact).
    this.track(Math.fround(lo), Math.fround(hi));
  }

  /**
   * The bytes of slice `k` inside the Int16 volume, for a reader that puts a frame's raw 16-bit
   * little-endian samples there directly (no decoded frame, no copy); `rescaleInPlace` then turns
   * them into modality values. Null once the volume is Float32.
   */
  sliceBytes(k: number): Uint8Array | null {
    if (!(this.data instanceof Int16Array)) return null;
    const n = this.sliceVoxels;
    return new Uint8Array(this.data.buffer, this.data.byteOffset + k * n * 2, n * 2);
  }

  /** Raw stored samples already in slice `k` (see sliceBytes) -> m·v + b in place (rescaleRawInPlace). */
  rescaleInPlace(k: number, layout: RawLayout): void {
    const [lo, hi] = rescaleRawInPlace(this.data as Int16Array, k * this.sliceVoxels, this.sliceVoxels, layout);
    this.track(lo, hi);
  }

  /** Drop the slices listed in `failed` (indices, ascending) by moving later slices down. */
  compact(failed: number[], slices: number): Int16Array | Float32Array {
    if (failed.length === 0) return this.data;
    const n = this.sliceVoxels;
    let to = 0;
    for (let k = 0; k < slices; k++) {
      if (failed.includes(k)) continue;
      if (to !== k) this.data.copyWithin(to * n, k * n, (k + 1) * n);
      to++;
    }
    this.data = this.data.slice(0, to * n);
    return this.data;
  }

  /** Fold in the range of a slice filled elsewhere (a worker thread's rescaleRawInPlace / rescaleToInt16). */
  track(lo: number, hi: number): void {
    if (lo < this.min) this.min = lo;
    if (hi > this.max) this.max = hi;
  }
}

/** How a frame's raw samples map to modality values (see rescaleInPlace). */
export interface RawLayout {
  bitsStored: number;
  signed: boolean;
  m: number;
  b: number;
}

/**
 * True when every possible stored value (Bits Stored, signedness) rescaled by integers m, b lands
 * in Int16: then raw samples can be rescaled in place without a range check, giving exactly what
 * put() gives.
 */
export function fitsInt16InPlace(layout: RawLayout): boolean {
  const { bitsStored, signed, m, b } = layout;
  if (!Number.isInteger(m) || !Number.isInteger(b) || bitsStored < 1 || bitsStored > 16) return false;
  const sMin = signed ? -(2 ** (bitsStored - 1)) : 0;
  const sMax = signed ? 2 ** (bitsStored - 1) - 1 : 2 ** bitsStored - 1;
  const a = sMin * m + b;
  const c = sMax * m + b;
  return Math.min(a, c) >= -32768 && Math.max(a, c) <= 32767;
}

/**
 * Raw stored samples already in `out[start .. start + n)` (a frame's 16-bit little-endian words
 * read into the volume) -> m·v + b in place, returning the [min, max] of the results: the Bits
 * Stored mask and sign extension of toStoredArray and the rescale of put() in one typed loop (the
 * profile of the old path: toStoredArray's mask loop + put's loop over a polymorphic array + the
 * frame copy were 2.1 s of a 3.0 s build). Only for layouts where `fitsInt16InPlace` holds, so
 * every result is exact in Int16 without a per-voxel range check. A free function so a worker
 * thread runs exactly the loop the calling thread runs (identical volumes on both paths).
 */
export function rescaleRawInPlace(out: Int16Array, start: number, n: number, layout: RawLayout): [number, number] {
  const end = start + n;
  // fitsInt16InPlace made m and b small integers: `| 0` keeps the loops in integer arithmetic
  // (parseFloat'ed doubles made V8 compute in floating point and truncate on every store).
  const m = layout.m | 0;
  const b = layout.b | 0;
  let lo = 32767;
  let hi = -32768;
  if (layout.signed && layout.bitsStored === 16) {
    // Two's complement 16-bit: the stored values are already the Int16 words.
    if (m === 1 && b === 0) {
      for (let i = start; i < end; i++) {
        const v = out[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    } else {
      for (let i = start; i < end; i++) {
        const v = out[i] * m + b;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        out[i] = v;
      }
    }
  } else if (!layout.signed && m === 1) {
    // The common CT case (unsigned 12-bit, slope 1, intercept -1024).
    const words = new Uint16Array(out.buffer, out.byteOffset, out.length);
    const mask = (1 << layout.bitsStored) - 1;
    for (let i = start; i < end; i++) {
      const v = ((words[i] & mask) + b) | 0;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      out[i] = v;
    }
  } else if (!layout.signed) {
    const words = new Uint16Array(out.buffer, out.byteOffset, out.length);
    const mask = (1 << layout.bitsStored) - 1;
    for (let i = start; i < end; i++) {
      const v = (words[i] & mask) * m + b;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      out[i] = v;
    }
  } else {
    const words = new Uint16Array(out.buffer, out.byteOffset, out.length);
    const mask = (1 << layout.bitsStored) - 1;
    const signBit = 1 << (layout.bitsStored - 1);
    const wrap = mask + 1;
    for (let i = start; i < end; i++) {
      const s = words[i] & mask;
      const v = (s & signBit ? s - wrap : s) * m + b;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      out[i] = v;
    }
  }
  return [lo, hi];
}

/**
 * Decoded stored values -> m·v + b (integers m, b) into `out[offset .. offset + n)`, returning
 * [min, max], or null when a result left Int16 (the caller then needs a Float32 volume; what was
 * written is garbage). put()'s Int16 loop, shared with the worker threads.
 */
export function rescaleToInt16(out: Int16Array, offset: number, n: number, pixels: StoredPixels, m: number, b: number): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = pixels[i] * m + b;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    out[offset + i] = v;
  }
  return lo >= -32768 && hi <= 32767 ? [lo, hi] : null;
}
