/** Window/level: mapping modality values to 8-bit display grey, with presets. */
import type { Volume, WindowLevel } from './types';

/** Common CT windows in Hounsfield units (centre / width). */
export const WINDOW_PRESETS = {
  ctLung: { center: -600, width: 1500 },
  ctBone: { center: 400, width: 1800 },
  ctSoftTissue: { center: 40, width: 400 },
  ctBrain: { center: 40, width: 80 },
} as const satisfies Record<string, WindowLevel>;

export type WindowPresetName = keyof typeof WINDOW_PRESETS;

/**
 * Linear VOI LUT of PS3.3 C.11.2.1.2: values below c-0.5-(w-1)/2 are black, above
 * c-0.5+(w-1)/2 white. Writes into `out` when given (reuse it per frame to avoid garbage).
 */
export function applyWindow(values: ArrayLike<number>, window: WindowLevel, invert = false, out?: Uint8Array): Uint8Array {
  const n = values.length;
  const result = out && out.length >= n ? out : new Uint8Array(n);
  const width = Math.max(1, window.width);
  const lo = window.center - 0.5 - (width - 1) / 2;
  const gain = 255 / Math.max(1e-9, width - 1);
  for (let i = 0; i < n; i++) {
    let y = (values[i] - lo) * gain;
    y = y < 0 ? 0 : y > 255 ? 255 : y;
    result[i] = invert ? 255 - y : y; // Uint8Array assignment truncates
  }
  return result;
}

/** Approximate 1st and 99th percentiles from a strided sample (robust to a few outliers). */
export function robustRange(data: ArrayLike<number>, sampleSize = 65536): [number, number] {
  const n = data.length;
  if (n === 0) return [0, 1];
  const step = Math.max(1, Math.floor(n / sampleSize));
  const sample = new Float64Array(Math.ceil(n / step));
  let m = 0;
  for (let i = 0; i < n; i += step) sample[m++] = data[i];
  const sorted = sample.subarray(0, m).sort();
  return [sorted[Math.floor((m - 1) * 0.01)], sorted[Math.floor((m - 1) * 0.99)]];
}

/** Header window when present and sane; CT soft tissue; otherwise the data's robust range. */
export function defaultWindow(volume: Pick<Volume, 'data' | 'modality' | 'channels'>, center?: number, width?: number): WindowLevel {
  if (center !== undefined && width !== undefined && width > 0) return { center, width };
  if (volume.channels === 3) return { center: 127.5, width: 256 };
  if (volume.modality === 'CT') return { ...WINDOW_PRESETS.ctSoftTissue };
  let [lo, hi] = robustRange(volume.data);
  if (hi <= lo) {
    // Mostly-empty data (label maps, masks): fall back to the full range.
    lo = Infinity;
    hi = -Infinity;
    for (let i = 0; i < volume.data.length; i++) {
      const v = volume.data[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!(hi > lo)) hi = lo + 1;
  }
  return { center: (lo + hi) / 2, width: Math.max(1, hi - lo) };
}
