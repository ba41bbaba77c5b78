/**
 * Window presets for modalities without absolute units. CT presets are fixed Hounsfield windows
 * (window.ts). MR intensities depend on scanner and sequence, so the MR presets are taken from
 * the volume's own foreground histogram (voxels above the air / background level), with ranges
 * chosen for what each contrast needs: T1 clips the brightest 2 % (fat) for grey/white contrast,
 * T2 keeps nearly all of the bright end (CSF), spine spreads the middle. NM / PET: 0 to an
 * SUV-like ceiling (0-5 when the values already look like SUV, else 0 to the 99.5th percentile,
 * so hot spots saturate as they do at SUV 5).
 */
import type { Volume, WindowLevel } from './types';

export const ADAPTIVE_PRESETS = ['mrBrainT1', 'mrBrainT2', 'mrSpine', 'nmPet'] as const;
export type AdaptivePresetName = (typeof ADAPTIVE_PRESETS)[number];

const RANGES: Record<Exclude<AdaptivePresetName, 'nmPet'>, [number, number]> = {
  mrBrainT1: [0.02, 0.98],
  mrBrainT2: [0.01, 0.998],
  mrSpine: [0.05, 0.995],
};

/** Sorted strided sample of the data (at most `size` values). */
function sortedSample(data: ArrayLike<number>, size = 65536): Float64Array {
  const step = Math.max(1, Math.floor(data.length / size));
  const out = new Float64Array(Math.ceil(data.length / step));
  let m = 0;
  for (let i = 0; i < data.length; i += step) out[m++] = data[i];
  return out.subarray(0, m).sort();
}

const quantile = (s: Float64Array, q: number) => s[Math.min(s.length - 1, Math.max(0, Math.floor((s.length - 1) * q)))];

/** Foreground voxels: above 5 % of the way from the minimum to the 99.9th percentile. */
function foreground(s: Float64Array): Float64Array {
  const lo = s[0];
  const floor = lo + 0.05 * (quantile(s, 0.999) - lo);
  let first = 0;
  while (first < s.length && s[first] <= floor) first++;
  return first < s.length ? s.subarray(first) : s;
}

export function adaptiveWindow(name: AdaptivePresetName, volume: Pick<Volume, 'data'>): WindowLevel {
  const s = sortedSample(volume.data);
  if (s.length === 0) return { center: 0.5, width: 1 };
  if (name === 'nmPet') {
    const top = quantile(foreground(s), 0.995);
    const max = s[s.length - 1];
    const hi = max > 0 && max <= 50 ? 5 : Math.max(1, top);
    return { center: hi / 2, width: hi };
  }
  const fg = foreground(s);
  const [qa, qb] = RANGES[name];
  const lo = quantile(fg, qa);
  const hi = Math.max(lo + 1, quantile(fg, qb));
  return { center: (lo + hi) / 2, width: hi - lo };
}
