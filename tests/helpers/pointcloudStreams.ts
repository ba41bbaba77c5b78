/**
 * Helpers the point-cloud reader tests share: a seeded generator, file bytes cut into chunks of
 * random sizes (as a network or a file stream delivers them), and a cloud reduced to comparable
 * bits (base64 of every typed array, so deep equality compares bytes, NaN payloads included).
 */
import type { PointCloud } from '../../core/formats/pointcloud/index';

/** Numerical Recipes' LCG, values in [0, 1). */
export function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
}

/** The bytes in chunks of random sizes, 1 byte to `maxChunk`, mostly small (r³). */
export async function* chunked(bytes: Uint8Array, seed: number, maxChunk = 300_000): AsyncGenerator<Uint8Array> {
  const r = lcg(seed);
  for (let at = 0; at < bytes.length; ) {
    const n = Math.max(1, Math.floor(r() ** 3 * maxChunk));
    yield bytes.slice(at, at + n);
    at += n;
  }
}

export const b64 = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/** The cloud with its arrays as base64 and no decode timing, for byte-exact comparison. */
export const bits = (c: PointCloud) => ({ ...c, decode: null, positions: b64(c.positions), fields: c.fields.map((f) => ({ ...f, data: b64(f.data) })) });
