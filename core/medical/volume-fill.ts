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

  constructor(
    private readonly sliceVoxels: number,
    slices: number,
  ) {
    this.data = new Int16Array(sliceVoxels * slices);
  }

  /** Rescale `pixels` (stored values) by m·v + b into slice `k`. */
  put(k: number, pixels: StoredPixels, m: number, b: number): void {
    const n = this.sliceVoxels;
    const offset = k * n;
    if (this.data instanceof Int16Array && Number.isInteger(m) && Number.isInteger(b)) {
      const out = this.data;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < n; i++) {
        const v = pixels[i] * m + b;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        out[offset + i] = v;
      }
      if (lo >= -32768 && hi <= 32767) return this.track(lo, hi);
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

  private track(lo: number, hi: number) {
    if (lo < this.min) this.min = lo;
    if (hi > this.max) this.max = hi;
  }
}
