/**
 * Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher 2012): one 1-D
 * lower-envelope pass per column, then per row. Linear in pixels; used for shape
 * interpolation between annotated slices.
 */

const INF = 1e20;

/** 1-D squared distance transform of f (length n) into d, with scratch arrays v and z. */
function transform1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -INF;
  z[1] = INF;
  for (let q = 1; q < n; q++) {
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = INF;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    const dq = q - v[k];
    d[q] = dq * dq + f[v[k]];
  }
}

/** Squared distance (pixels) from each pixel to the nearest pixel where `isSeed` holds. */
export function squaredDistanceTo(mask: Uint8Array, width: number, height: number, seedValue: 0 | 1): Float64Array {
  const out = new Float64Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = (mask[i] !== 0 ? 1 : 0) === seedValue ? 0 : INF;
  const n = Math.max(width, height);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = out[y * width + x];
    transform1d(f, height, d, v, z);
    for (let y = 0; y < height; y++) out[y * width + x] = d[y];
  }
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) f[x] = out[row + x];
    transform1d(f, width, d, v, z);
    for (let x = 0; x < width; x++) out[row + x] = d[x];
  }
  return out;
}

/**
 * Signed distance of a binary mask: negative inside, positive outside, measured to the
 * boundary between pixel centres (hence the half-pixel offsets).
 */
export function signedDistance(mask: Uint8Array, width: number, height: number): Float32Array {
  const toInside = squaredDistanceTo(mask, width, height, 1);
  const toOutside = squaredDistanceTo(mask, width, height, 0);
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = mask[i] ? 0.5 - Math.sqrt(toOutside[i]) : Math.sqrt(toInside[i]) - 0.5;
  return out;
}
