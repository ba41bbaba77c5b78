/**
 * LiDAR points drawn onto a camera image, coloured by depth, straight into an RGBA buffer (the
 * renderer hands it to a canvas as ImageData): no per-point objects, one pass to find the colour
 * range and one to draw, with a depth buffer so the nearest point wins a pixel (the LiDAR sees
 * around things the camera cannot, and far points must not paint over a near car).
 */
import { DEFAULT_NEAR, projectionMatrix, type CameraModel } from './camera';

export interface DepthOverlayOptions {
  /** Output pixels per image pixel (the overlay may be drawn smaller than the image). */
  scale?: number;
  /** Clouds above this many points are decimated (every k-th point) to keep drawing fast. */
  maxPoints?: number;
  /** Side of the square drawn per point, in output pixels. */
  dot?: number;
  /** Colour range in metres; by default 0 .. the 98th percentile of the depths in the image. */
  maxDepth?: number;
  /** Opacity of a drawn point, 0-255 (the picture shows through a little). */
  alpha?: number;
}

export interface DepthOverlay {
  width: number;
  height: number;
  rgba: Uint8ClampedArray<ArrayBuffer>;
  /** Points drawn (after decimation). */
  drawn: number;
  maxDepth: number;
}

/** Turbo (Mikhailov, Google 2019), polynomial fit; t in [0, 1] from dark blue to dark red. */
export function turbo(t: number, out: Uint8Array | number[] = [0, 0, 0], o = 0): Uint8Array | number[] {
  const x = Math.min(1, Math.max(0, t));
  const r = 0.13572138 + x * (4.6153926 + x * (-42.66032258 + x * (132.13108234 + x * (-152.94239396 + x * 59.28637943))));
  const g = 0.09140261 + x * (2.19418839 + x * (4.84296658 + x * (-14.18503333 + x * (4.27729857 + x * 2.82956604))));
  const b = 0.1066733 + x * (12.64194608 + x * (-60.58204836 + x * (110.36276771 + x * (-89.90310912 + x * 27.34824973))));
  out[o] = Math.round(255 * Math.min(1, Math.max(0, r)));
  out[o + 1] = Math.round(255 * Math.min(1, Math.max(0, g)));
  out[o + 2] = Math.round(255 * Math.min(1, Math.max(0, b)));
  return out;
}

const LUT = (() => {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) turbo(i / 255, lut, i * 3);
  return lut;
})();

const HIST_BIN = 0.5; // metres
const HIST_BINS = 400; // up to 200 m

/** Depths below this share the nearest colour (metres). */
const NEAR_COLOUR = 2;

/**
 * Rasterizes the points that project into the image. Near points are red, far ones blue
 * (turbo reversed), so what is close to the camera stands out over the picture. The colour runs
 * with log depth: most of a street scene lies within 20 m, and a linear scale over 80 m would
 * paint all of it one red.
 */
export function rasterizeDepth(positions: Float32Array, count: number, camera: CameraModel, options: DepthOverlayOptions = {}): DepthOverlay {
  const scale = options.scale ?? 1;
  const width = Math.max(1, Math.round(camera.width * scale));
  const height = Math.max(1, Math.round(camera.height * scale));
  const step = Math.max(1, Math.ceil(count / (options.maxPoints ?? 200_000)));
  const dot = Math.max(1, Math.round(options.dot ?? 2));
  const P = projectionMatrix(camera);
  const T = camera.lidarToCamera;
  // Pass 1: pixel and depth of every kept point in the image (NaN u when not), and the depth histogram.
  const n = Math.ceil(count / step);
  const px = new Float32Array(n * 3);
  const hist = new Uint32Array(HIST_BINS);
  let inImage = 0;
  for (let i = 0, k = 0; i < count; i += step, k++) {
    const x = positions[i * 3], y = positions[i * 3 + 1], z = positions[i * 3 + 2];
    const depth = T[8] * x + T[9] * y + T[10] * z + T[11];
    px[k * 3] = NaN;
    if (!(depth > DEFAULT_NEAR)) continue;
    const w = P[8] * x + P[9] * y + P[10] * z + P[11];
    const u = ((P[0] * x + P[1] * y + P[2] * z + P[3]) / w) * scale;
    const v = ((P[4] * x + P[5] * y + P[6] * z + P[7]) / w) * scale;
    if (!(u >= 0 && v >= 0 && u < width && v < height)) continue;
    px[k * 3] = u;
    px[k * 3 + 1] = v;
    px[k * 3 + 2] = depth;
    hist[Math.min(HIST_BINS - 1, Math.floor(depth / HIST_BIN))]++;
    inImage++;
  }
  let maxDepth = options.maxDepth ?? 0;
  if (!maxDepth) {
    let acc = 0, b = 0;
    while (b < HIST_BINS - 1 && acc + hist[b] < inImage * 0.98) acc += hist[b++];
    maxDepth = Math.max(10, (b + 1) * HIST_BIN);
  }
  // Pass 2: nearest point wins each pixel.
  const rgba = new Uint8ClampedArray(width * height * 4);
  const zbuf = new Float32Array(width * height).fill(Infinity);
  const half = (dot - 1) >> 1;
  const alpha = options.alpha ?? 230;
  const logSpan = Math.log(Math.max(maxDepth, NEAR_COLOUR * 2) / NEAR_COLOUR);
  let drawn = 0;
  for (let k = 0; k < n; k++) {
    const u = px[k * 3];
    if (u !== u) continue; // NaN: not in the image
    const v = px[k * 3 + 1], depth = px[k * 3 + 2];
    const t = Math.min(1, Math.max(0, Math.log(depth / NEAR_COLOUR) / logSpan));
    const c = Math.round(255 * (1 - t)) * 3;
    const cx = Math.floor(u) - half, cy = Math.floor(v) - half;
    drawn++;
    for (let yy = Math.max(0, cy); yy < Math.min(height, cy + dot); yy++)
      for (let xx = Math.max(0, cx); xx < Math.min(width, cx + dot); xx++) {
        const p = yy * width + xx;
        if (zbuf[p] <= depth) continue;
        zbuf[p] = depth;
        rgba[p * 4] = LUT[c];
        rgba[p * 4 + 1] = LUT[c + 1];
        rgba[p * 4 + 2] = LUT[c + 2];
        rgba[p * 4 + 3] = alpha;
      }
  }
  return { width, height, rgba, drawn, maxDepth };
}
