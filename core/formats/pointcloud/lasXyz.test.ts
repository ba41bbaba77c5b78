/**
 * LAS x y z are scaled as they are read, with the recentring offset the header's bounds predict
 * (lasXyz.ts), and formats 0-5 go through the wasm kernel (wasm/las.wat). Both must give what the
 * two-pass decoder gave: positions = float32(int * scale + (offset - centre)), the centre from the
 * points' real extent. Checked against that definition computed here from the raw records, for
 * right, stale and zero header bounds (the fix-up and raw-integer paths) and over several kernel
 * blocks and streamed chunks; and the kernel against the JavaScript loops, every column bit for bit.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeLas, type LasPointSpec } from '../../../tests/helpers/pointcloudWriters';
import { chooseOffset, computeBounds } from './columns';
import { parsePointCloud, type PointCloud, type Vec3 } from './index';
import { parsePointCloudChunks } from './streamChunks';
import { setLasKernelEnabled } from './wasm/lasKernel';
import { b64, bits, chunked, lcg } from '../../../tests/helpers/pointcloudStreams';

const DATA = path.resolve(__dirname, '../../../../shared/data');


/** The two-pass definition, from the raw records: integer extents -> centre -> float32(int * s + (offset - centre)). */
function expectedPositions(bytes: Uint8Array): { positions: Float32Array; offset: Vec3 } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = v.getUint32(96, true);
  const len = v.getUint16(105, true);
  const n = v.getUint32(107, true) || v.getUint32(247, true);
  const scale = [0, 1, 2].map((a) => v.getFloat64(131 + a * 8, true));
  const offset = [0, 1, 2].map((a) => v.getFloat64(155 + a * 8, true));
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) {
    const q = v.getInt32(start + i * len + a * 4, true);
    lo[a] = Math.min(lo[a], q);
    hi[a] = Math.max(hi[a], q);
  }
  const realMin = [0, 1, 2].map((a) => Math.min(lo[a] * scale[a], hi[a] * scale[a]) + offset[a]) as Vec3;
  const realMax = [0, 1, 2].map((a) => Math.max(lo[a] * scale[a], hi[a] * scale[a]) + offset[a]) as Vec3;
  const center = chooseOffset(realMin, realMax);
  const positions = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) positions[i * 3 + a] = v.getInt32(start + i * len + a * 4, true) * scale[a] + (offset[a] - center[a]);
  return { positions, offset: center };
}

/** Parses every way (whole bytes with and without the kernel, streamed) and checks them against each other and the definition. */
async function expectDefinition(bytes: Uint8Array, fileName: string, seed = 1): Promise<PointCloud> {
  const whole = await parsePointCloud(bytes, fileName);
  setLasKernelEnabled(false);
  let js: PointCloud;
  try {
    js = await parsePointCloud(bytes, fileName);
  } finally {
    setLasKernelEnabled(true);
  }
  expect(bits(whole)).toEqual(bits(js));
  expect(bits(await parsePointCloudChunks(chunked(bytes, seed), bytes.length, fileName))).toEqual(bits(whole));
  const { positions, offset } = expectedPositions(bytes);
  expect(whole.offset).toEqual(offset);
  expect(b64(whole.positions)).toBe(b64(positions));
  expect(whole.bounds).toEqual(computeBounds(positions, offset));
  return whole;
}

/** Random points with every standard byte of formats 0-5 filled (flags, scan angle, user data, source id). */
function points(n: number, seed: number, at: (i: number, r: () => number) => [number, number, number]): LasPointSpec[] {
  const r = lcg(seed);
  return Array.from({ length: n }, (_, i) => {
    const [x, y, z] = at(i, r);
    return { x, y, z, intensity: (i * 37) & 0xffff, classification: (i * 11) & 255, returnNumber: 1 + (i % 5), numberOfReturns: 1 + ((i >> 3) % 5), gpsTime: 3e8 + i * 1e-4, rgb: [(i * 5) & 0xffff, (i * 7) & 0xffff, 300] };
  });
}

/** Scan angle, user data and point source id (bytes 16-19), which the writer leaves zero. */
function fillLegacyBytes(bytes: Uint8Array): Uint8Array {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = v.getUint32(96, true);
  const len = v.getUint16(105, true);
  for (let i = 0, n = v.getUint32(107, true); i < n; i++) {
    v.setInt8(start + i * len + 16, (i % 181) - 90);
    v.setUint8(start + i * len + 17, (i * 3) & 255);
    v.setUint16(start + i * len + 18, (i * 13) & 0xffff, true);
  }
  return bytes;
}

/** Overwrites the header's bounds (max x, min x, max y, …) with `min` / `max`. */
function setHeaderBounds(bytes: Uint8Array, min: number[], max: number[]): Uint8Array {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let a = 0; a < 3; a++) {
    v.setFloat64(179 + a * 16, max[a], true);
    v.setFloat64(187 + a * 16, min[a], true);
  }
  return bytes;
}

afterAll(() => setLasKernelEnabled(true));

describe('LAS x y z scaled in one pass, formats 0-5 through the wasm kernel', () => {
  it('formats 0-3 over several kernel blocks and stream chunks: every column as the JavaScript loops give it', async () => {
    for (const format of [0, 1, 2, 3]) {
      const pts = points(45_001, format + 1, (_i, r) => [(r() - 0.5) * 160, (r() - 0.5) * 160, r() * 20]);
      const cloud = await expectDefinition(fillLegacyBytes(writeLas(format, pts, [0.001, 0.001, 0.001], [0, 0, 0])), `f${format}.las`, format);
      expect(cloud.offset).toEqual([0, 0, 0]);
      const field = (name: string) => cloud.fields.find((f) => f.name === name)!.data;
      const i = 45_000;
      expect([field('intensity')[i], field('return_number')[i], field('number_of_returns')[i], field('classification')[i], field('classification_flags')[i]]).toEqual([(i * 37) & 0xffff, 1 + (i % 5), 1 + ((i >> 3) % 5), ((i * 11) & 255) & 31, ((i * 11) & 255) >> 5]);
      expect([field('scan_angle')[i], field('user_data')[i], field('point_source_id')[i]]).toEqual([(i % 181) - 90, (i * 3) & 255, (i * 13) & 0xffff]);
      if (format === 1 || format === 3) expect(field('gps_time')[i]).toBe(3e8 + i * 1e-4);
      if (format === 2 || format === 3) expect(Array.from(field('rgb').subarray(i * 3, i * 3 + 3))).toEqual([((i * 5) & 0xffff) >> 8, ((i * 7) & 0xffff) >> 8, 300 >> 8]);
    }
  });

  it('UTM coordinates with right, stale and zero header bounds (the fix-up and the raw-integer paths)', async () => {
    const pts = points(40_000, 7, (i, r) => [500_000 + r() * 300, 4_500_000 + r() * 300, 100 + r() * 40]);
    const make = () => fillLegacyBytes(writeLas(1, pts, [0.001, 0.001, 0.001], [500_000, 4_500_000, 0]));
    const right = await expectDefinition(make(), 'utm.las');
    expect(right.offset).toEqual([500_150, 4_500_150, 0]);
    expect(right.warnings).toEqual([]);
    // Stale by a few metres: the predicted centre is wrong, every value is turned back into its integer.
    const stale = await expectDefinition(setHeaderBounds(make(), [500_010, 4_499_990, 100], [500_290, 4_500_310, 140]), 'stale.las', 3);
    expect(stale.offset).toEqual(right.offset);
    expect(stale.warnings.join()).toMatch(/header bounds do not contain all points/);
    // Zero bounds: values 500 km from the predicted centre cannot be recovered from float32: raw integers.
    const zero = await expectDefinition(setHeaderBounds(make(), [0, 0, 0], [0, 0, 0]), 'zero.las', 4);
    expect(b64(zero.positions)).toBe(b64(right.positions));
    // A far second half: the first chunks are scaled (and fixed up), the far ones kept raw.
    const split = points(40_000, 8, (i, r) => (i < 20_000 ? [10 + r() * 50, 20 + r() * 50, r()] : [900_000 + r() * 50, 20 + r() * 50, r()]));
    const far = await expectDefinition(setHeaderBounds(fillLegacyBytes(writeLas(3, split, [0.01, 0.01, 0.01], [0, 0, 0])), [10, 20, 0], [60, 70, 1]), 'far.las', 5);
    expect(far.offset[0]).toBeGreaterThan(400_000); // recentred on the real extent, not the header's
  });

  it('LAS 1.4 formats (JavaScript loops) and odd counts', async () => {
    for (const [format, n] of [[6, 1], [7, 30_001], [1, 3]] as const) {
      await expectDefinition(writeLas(format, points(n, n, (_i, r) => [r() * 1e5, r(), -r() * 7]), [0.01, 0.001, 0.0001], [1000, 0, -3]), `odd-${format}.las`, n);
    }
  });

  it.skipIf(!existsSync(DATA))('real LAS files: the definition, and the kernel as the JavaScript loops', async () => {
    for (const f of readdirSync(path.join(DATA, 'las')).filter((name) => name.endsWith('.las'))) {
      await expectDefinition(new Uint8Array(readFileSync(path.join(DATA, 'las', f))), f);
    }
  });
});
