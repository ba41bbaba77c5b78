/** Colour conversions to interleaved 8-bit RGB (ITU-R BT.601 full range, as PS3.3 C.7.6.3.1.2). */
import type { PaletteLut } from './dicom';

const clamp8 = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** YBR_FULL interleaved -> RGB interleaved, in place on a copy. */
export function ybrFullToRgb(ybr: Uint8Array): Uint8Array {
  const out = new Uint8Array(ybr.length);
  for (let i = 0; i + 2 < ybr.length; i += 3) {
    const y = ybr[i];
    const cb = ybr[i + 1] - 128;
    const cr = ybr[i + 2] - 128;
    out[i] = clamp8(y + 1.402 * cr);
    out[i + 1] = clamp8(y - 0.344136 * cb - 0.714136 * cr);
    out[i + 2] = clamp8(y + 1.772 * cb);
  }
  return out;
}

/** Uncompressed YBR_FULL_422: each pixel pair is stored Y1 Y2 Cb Cr. */
export function ybr422ToRgb(bytes: Uint8Array, width: number, height: number): Uint8Array {
  const pixels = width * height;
  if (bytes.length < pixels * 2) throw new Error(`YBR_FULL_422 data holds ${bytes.length} bytes, expected ${pixels * 2}`);
  const ybr = new Uint8Array(pixels * 3);
  for (let p = 0, s = 0; p + 1 < pixels; p += 2, s += 4) {
    const cb = bytes[s + 2];
    const cr = bytes[s + 3];
    ybr.set([bytes[s], cb, cr, bytes[s + 1], cb, cr], p * 3);
  }
  return ybrFullToRgb(ybr);
}

/** RR..GG..BB.. -> RGBRGB. */
export function planarToInterleaved(bytes: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    out[i * 3] = bytes[i];
    out[i * 3 + 1] = bytes[pixels + i];
    out[i * 3 + 2] = bytes[2 * pixels + i];
  }
  return out;
}

/** Map stored indices through a palette; values outside the table clamp to its first/last entry. */
export function paletteToRgb(indices: ArrayLike<number>, palette: PaletteLut): Uint8Array {
  const n = indices.length;
  const last = palette.red.length - 1;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    let e = indices[i] - palette.firstMapped;
    e = e < 0 ? 0 : e > last ? last : e;
    out[i * 3] = palette.red[e];
    out[i * 3 + 1] = palette.green[e];
    out[i * 3 + 2] = palette.blue[e];
  }
  return out;
}
