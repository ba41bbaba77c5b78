/**
 * A small bird's-eye raster of a point cloud (dataset browser thumbnails): points seen from above,
 * +x (forward) up and +y (left) to the left, each pixel coloured by the highest point that falls in
 * it on a dark background. Pure: points in, RGBA bytes out (the host encodes them with sharp).
 *
 * The square view is centred on the middle of the cloud's 2nd–98th percentile box (a few far
 * returns must not shrink the street to a dot) and heights are coloured over their 2nd–98th
 * percentile range.
 */

export interface BirdsEyeImage {
  width: number;
  height: number;
  /** RGBA, row-major, top row first. */
  data: Uint8Array;
}

export interface BirdsEyeOptions {
  /** Side in pixels (default 256). */
  size?: number;
  /** Background RGB (default a dark blue-grey). */
  background?: [number, number, number];
  /** Points used for the percentiles (default 20000, evenly strided). */
  sample?: number;
}

export const BIRDS_EYE_BACKGROUND: [number, number, number] = [14, 18, 23];

/** Height colour ramp, low → high: blue, cyan, green, yellow, red. */
const RAMP: [number, number, number][] = [
  [48, 92, 222],
  [40, 190, 220],
  [70, 210, 110],
  [240, 220, 60],
  [235, 80, 50],
];

export function heightColor(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const a = RAMP[i];
  const b = RAMP[i + 1];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

function percentile(sorted: Float64Array, q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
}

export function rasterizeBirdsEye(positions: Float32Array, count: number, options: BirdsEyeOptions = {}): BirdsEyeImage {
  const size = Math.max(1, Math.floor(options.size ?? 256));
  const bg = options.background ?? BIRDS_EYE_BACKGROUND;
  const data = new Uint8Array(size * size * 4);
  for (let p = 0; p < size * size; p++) {
    data[p * 4] = bg[0];
    data[p * 4 + 1] = bg[1];
    data[p * 4 + 2] = bg[2];
    data[p * 4 + 3] = 255;
  }
  const n = Math.min(count, Math.floor(positions.length / 3));
  // Percentiles from an even sample of the finite points.
  const want = Math.max(1, options.sample ?? 20000);
  const stride = Math.max(1, Math.floor(n / want));
  const xs: number[] = [];
  const ys: number[] = [];
  const zs: number[] = [];
  for (let i = 0; i < n; i += stride) {
    const x = positions[i * 3];
    const y = positions[i * 3 + 1];
    const z = positions[i * 3 + 2];
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) continue;
    xs.push(x);
    ys.push(y);
    zs.push(z);
  }
  if (!xs.length) return { width: size, height: size, data };
  const sx = Float64Array.from(xs).sort();
  const sy = Float64Array.from(ys).sort();
  const sz = Float64Array.from(zs).sort();
  const x0 = percentile(sx, 0.02);
  const x1 = percentile(sx, 0.98);
  const y0 = percentile(sy, 0.02);
  const y1 = percentile(sy, 0.98);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const half = Math.max((x1 - x0) / 2, (y1 - y0) / 2, 1e-3) * 1.05;
  const z0 = percentile(sz, 0.02);
  const zRange = Math.max(percentile(sz, 0.98) - z0, 1e-3);

  // Highest z and hit count per pixel.
  const top = new Float32Array(size * size).fill(-Infinity);
  const hits = new Uint16Array(size * size);
  const scale = size / (2 * half);
  for (let i = 0; i < n; i++) {
    const x = positions[i * 3];
    const y = positions[i * 3 + 1];
    const z = positions[i * 3 + 2];
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) continue;
    const col = Math.floor((half - (y - cy)) * scale);
    const row = Math.floor((half - (x - cx)) * scale);
    if (col < 0 || col >= size || row < 0 || row >= size) continue;
    const p = row * size + col;
    if (z > top[p]) top[p] = z;
    if (hits[p] < 65535) hits[p]++;
  }
  for (let p = 0; p < size * size; p++) {
    if (!hits[p]) continue;
    const [r, g, b] = heightColor((top[p] - z0) / zRange);
    // A pixel hit by one return is dimmer than a dense one, so sparse far rings do not dominate.
    const k = 0.55 + 0.45 * Math.min(1, (hits[p] - 1) / 3);
    data[p * 4] = Math.round(bg[0] + (r - bg[0]) * k);
    data[p * 4 + 1] = Math.round(bg[1] + (g - bg[1]) * k);
    data[p * 4 + 2] = Math.round(bg[2] + (b - bg[2]) * k);
  }
  return { width: size, height: size, data };
}
