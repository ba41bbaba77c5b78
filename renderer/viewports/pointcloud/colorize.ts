/**
 * Per-point colours computed once per cloud and colour mode into one Float32Array (RGB), never
 * per frame. A turbo-like ramp keeps height and intensity readable on a dark background.
 */
export type ColorMode = 'height' | 'intensity' | 'rgb' | 'distance';

export function ramp(t: number, out: Float32Array, o: number): void {
  const x = Math.min(1, Math.max(0, t));
  // Piecewise-linear approximation of a perceptual blue→cyan→green→yellow→red ramp.
  const r = Math.min(1, Math.max(0, 1.5 - Math.abs(4 * x - 3)));
  const g = Math.min(1, Math.max(0, 1.5 - Math.abs(4 * x - 2)));
  const b = Math.min(1, Math.max(0, 1.5 - Math.abs(4 * x - 1)));
  out[o] = r;
  out[o + 1] = g;
  out[o + 2] = b;
}

/** Robust range: ignore the extreme 1% so a few outliers do not flatten the colours. */
export function robustRange(values: ArrayLike<number>, count: number, stride = 1, offset = 0): [number, number] {
  const sampleN = Math.min(count, 4096);
  const sample = new Float32Array(sampleN);
  const step = count / sampleN;
  for (let i = 0; i < sampleN; i++) sample[i] = values[Math.floor(i * step) * stride + offset];
  sample.sort();
  const lo = sample[Math.floor(sampleN * 0.01)] ?? 0;
  const hi = sample[Math.max(0, Math.ceil(sampleN * 0.99) - 1)] ?? 1;
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

export function colorize(positions: Float32Array, count: number, mode: ColorMode, intensity?: ArrayLike<number>, rgb?: Float32Array): Float32Array {
  if (mode === 'rgb' && rgb) return rgb.slice(0, count * 3);
  const colors = new Float32Array(count * 3);
  if (mode === 'intensity' && intensity) {
    const [lo, hi] = robustRange(intensity, count);
    const k = 1 / (hi - lo);
    for (let i = 0; i < count; i++) ramp((intensity[i] - lo) * k, colors, i * 3);
  } else if (mode === 'distance') {
    // Horizontal range from the sensor: near points warm, far points cool, 0 to the 99th percentile.
    const range = new Float32Array(count);
    for (let i = 0; i < count; i++) range[i] = Math.hypot(positions[i * 3], positions[i * 3 + 1]);
    const [, hi] = robustRange(range, count);
    const k = 1 / hi;
    for (let i = 0; i < count; i++) ramp(1 - range[i] * k, colors, i * 3);
  } else {
    const [lo, hi] = robustRange(positions, count, 3, 2);
    const k = 1 / (hi - lo);
    for (let i = 0; i < count; i++) ramp((positions[i * 3 + 2] - lo) * k, colors, i * 3);
  }
  return colors;
}
