/**
 * binary_compressed PCD through the windowed LZF decoder that scatters straight into the output
 * columns (columnScatter.ts, issue #19) must give, bit for bit, the cloud of the whole-block path
 * it replaced (decompress the whole block with the JavaScript LZF decoder, then extract the
 * columns): on the real PCL files, and on generated files with odd point counts, fields of every
 * size (so x y z sit misaligned in the block), COUNT > 1, padding, packed colour, NaN / infinite /
 * -0 coordinates and back references that cross the window's slides. Every path is checked: whole
 * bytes, streamed in chunks of random sizes (the browser worker). Truncated and corrupt files stop
 * with the same error naming the file (for corrupt LZF: the wasm decoder's message, input offset included).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packedRgbFloat, writePcd, type PcdColumnSpec } from '../../../tests/helpers/pointcloudWriters';
import { parsePointCloud, type PointCloud } from './index';
import { lzfDecompress } from './lzf';
import { parsePcdHeader } from './pcd';
import { parsePointCloudChunks } from './streamChunks';
import { setLzfKernelEnabled } from './wasm/lzfKernel';
import { b64, bits, chunked, lcg } from '../../../tests/helpers/pointcloudStreams';

const DATA = path.resolve(__dirname, '../../../../shared/data');


/** The cloud as the replaced path gives it: the whole block decompressed by the JavaScript decoder, then the columns extracted. */
async function reference(bytes: Uint8Array, fileName: string): Promise<PointCloud> {
  setLzfKernelEnabled(false);
  try {
    return await parsePointCloud(bytes, fileName);
  } finally {
    setLzfKernelEnabled(true);
  }
}

async function expectSameAsReference(bytes: Uint8Array, fileName: string, seed = 1): Promise<PointCloud> {
  const expected = bits(await reference(bytes, fileName));
  const whole = await parsePointCloud(bytes, fileName);
  expect(bits(whole)).toEqual(expected);
  expect(bits(await parsePointCloudChunks(chunked(bytes, seed), bytes.length, fileName))).toEqual(expected);
  return whole;
}

afterAll(() => setLzfKernelEnabled(true));

describe('binary_compressed PCD: windowed LZF scattered into the columns', () => {
  it('fields of every size before, between and after x y z (misaligned axes), odd point counts', async () => {
    const columns: PcdColumnSpec[] = [
      { name: 'label', type: 'U', size: 1 }, // odd count of 1-byte values: x starts misaligned in the block
      { name: 'x', type: 'F', size: 4 },
      { name: 't', type: 'I', size: 2 },
      { name: 'y', type: 'F', size: 4 },
      { name: '_', type: 'U', size: 1, count: 3 },
      { name: 'z', type: 'F', size: 4 },
      { name: 'normal', type: 'F', size: 4, count: 3 },
      { name: 'stamp', type: 'F', size: 8 },
      { name: 'rgb', type: 'F', size: 4 },
      { name: 'ring', type: 'U', size: 2 },
      { name: 'label', type: 'I', size: 1 }, // a duplicate name: renamed with a warning, as before
    ];
    for (const n of [1, 7, 4099, 100_003]) {
      const r = lcg(n);
      const rows = Array.from({ length: n }, (_, i) => {
        const special = [NaN, Infinity, -Infinity, -0, 0][i % 997]; // a few of each, spread out
        const x = special !== undefined && i % 3 === 0 ? special : (r() - 0.5) * 200;
        return [i & 255, x, (i % 60_000) - 30_000, (r() - 0.5) * 200, 1, 2, 3, r() * 3, r(), r(), r(), i * 0.1 + 1e9, packedRgbFloat(i & 255, (i >> 8) & 255, 7), i & 0xffff, (i % 200) - 100];
      });
      const bytes = writePcd(columns, rows, 'binary_compressed');
      const cloud = await expectSameAsReference(bytes, `mixed-${n}.pcd`, n);
      expect(cloud.count).toBe(n);
      expect(cloud.fields.map((f) => `${f.name}:${f.type}x${f.count}`)).toEqual(['label:uint8x1', 't:int16x1', 'normal:float32x3', 'stamp:float64x1', 'rgb:uint8x3', 'ring:uint16x1', 'label_1:int8x1']);
      // Spot values against the rows written (not through any decoder).
      const last = n - 1;
      expect(cloud.positions[last * 3 + 1]).toBe(Math.fround(rows[last][3]));
      expect(cloud.fields[3].data[last]).toBe(rows[last][11]);
      expect(cloud.fields[1].data[last]).toBe(rows[last][2]);
    }
  });

  it('x y z in another order and not first; repetitive columns (back references across the window slides)', async () => {
    const n = 250_001;
    const r = lcg(5);
    // Quantised values repeat a lot, so the compressed stream is full of back references, many of
    // them reaching far (up to 8 KiB) back across the 256 KiB window's boundaries.
    const rows = Array.from({ length: n }, (_, i) => [Math.floor(r() * 8) / 4, Math.round(Math.sin(i / 50) * 100) / 8, (i % 4096) / 16, i % 2048 < 1024 ? 1.5 : Math.floor(r() * 4)]);
    const columns: PcdColumnSpec[] = [{ name: 'intensity', type: 'F', size: 4 }, { name: 'Z', type: 'F', size: 4 }, { name: 'X', type: 'F', size: 4 }, { name: 'Y', type: 'F', size: 4 }];
    const bytes = writePcd(columns, rows, 'binary_compressed');
    expect(bytes.length).toBeLessThan(n * 16 * 0.6); // it did compress: back references dominate
    const cloud = await expectSameAsReference(bytes, 'reordered.pcd', 11);
    expect([cloud.positions[0], cloud.positions[1], cloud.positions[2]]).toEqual([rows[0][2], rows[0][3], rows[0][1]]);
  });

  it.skipIf(!existsSync(DATA))('real PCL files: car6, milk_color (rgba), office1 and table_scene (organized, NaN)', async () => {
    for (const f of ['car6.pcd', 'milk_color.pcd', 'office1.pcd', 'table_scene_mug_stereo_textured.pcd']) {
      const bytes = new Uint8Array(readFileSync(path.join(DATA, 'pcd', f)));
      expect(new TextDecoder().decode(bytes.subarray(0, 400))).toMatch(/DATA binary_compressed/);
      await expectSameAsReference(bytes, f, f.length);
    }
  });

  it('a truncated or corrupt file stops with the same error as before, naming the file', async () => {
    const r = lcg(9);
    const rows = Array.from({ length: 60_001 }, () => [r() * 10, r() * 10, r() * 10, r()]);
    const columns = ['x', 'y', 'z', 'intensity'].map((name) => ({ name, type: 'F' as const, size: 4 as const }));
    const bytes = writePcd(columns, rows, 'binary_compressed');
    const outcome = (p: Promise<PointCloud>) => p.then(() => 'parsed', (e: Error) => e.message);
    const cut = bytes.subarray(0, bytes.length - 1000);
    const expectedCut = await outcome(reference(cut, 'cut.pcd'));
    expect(expectedCut).toMatch(/^cut\.pcd: truncated DATA section: compressed size is \d+ bytes, file has \d+/);
    expect(await outcome(parsePointCloud(cut, 'cut.pcd'))).toBe(expectedCut);
    expect(await outcome(parsePointCloudChunks(chunked(cut, 2), cut.length, 'cut.pcd'))).toBe(expectedCut);
    for (const at of [0.3, 0.75, 0.999]) {
      const bad = bytes.slice();
      for (let i = 0; i < 40; i++) bad[Math.floor(bad.length * at) + i - 20] = 0xff;
      // The wasm whole-block decoder the windowed one replaced (its messages name the input offset).
      const start = parsePcdHeader(bad, 'bad.pcd').dataStart;
      const sizes = new DataView(bad.buffer, start, 8);
      let message = '';
      try {
        lzfDecompress(bad.subarray(start + 8, start + 8 + sizes.getUint32(0, true)), sizes.getUint32(4, true));
      } catch (e) {
        message = (e as Error).message;
      }
      const expectedBad = `bad.pcd: corrupt LZF data: ${message}`;
      expect(message).not.toBe('');
      expect(await outcome(reference(bad, 'bad.pcd'))).toMatch(/^bad\.pcd: corrupt LZF data: /);
      expect(await outcome(parsePointCloud(bad, 'bad.pcd'))).toBe(expectedBad);
      expect(await outcome(parsePointCloudChunks(chunked(bad, 3), bad.length, 'bad.pcd'))).toBe(expectedBad);
    }
  });
});
