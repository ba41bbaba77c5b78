/**
 * The streamed reader (chunks into a reused buffer, decoded into the outputs) must give exactly
 * the cloud that parsing the whole file gives: on the real sample files and on generated files of
 * several chunks with NaN runs, packed colour, LAS 1.2 / 1.4 records and odd record sizes.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePointCloud, planStream, resolveFormat, STREAM_HEAD_BYTES, type ParseOptions, type PointCloud } from '../../../core/formats/pointcloud';
import { computeBounds } from '../../../core/formats/pointcloud/columns';
import { packedRgbFloat, writeLas, writePcd } from '../../../tests/helpers/pointcloudWriters';
import { readCloudFile } from './readCloudFile';

const DATA = path.resolve(__dirname, '../../../../shared/data');
const dir = mkdtempSync(path.join(tmpdir(), 'datum-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Everything but the timing. */
function comparable(c: PointCloud) {
  const { decode: _d, ...rest } = c;
  return { ...rest, positions: Array.from(c.positions.subarray(0, 3000)), positionsBytes: Buffer.from(c.positions.buffer, c.positions.byteOffset, c.positions.byteLength).toString('base64').length, fields: c.fields.map((f) => ({ ...f, data: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength).toString('base64') })) };
}

function streamed(file: string, options: ParseOptions = {}): boolean {
  const bytes = readFileSync(file);
  if (bytes.length <= STREAM_HEAD_BYTES) return false;
  const head = bytes.subarray(0, STREAM_HEAD_BYTES);
  return planStream(resolveFormat(path.basename(file), head, options), head, bytes.length, path.basename(file), options) !== null;
}

async function expectSame(file: string, options: ParseOptions = {}): Promise<void> {
  const whole = await parsePointCloud(readFileSync(file), path.basename(file), options);
  const viaStream = await readCloudFile(file, options);
  expect(comparable(viaStream)).toEqual(comparable(whole));
  // Bit-exact positions, NaN included.
  expect(Buffer.compare(Buffer.from(viaStream.positions.buffer, viaStream.positions.byteOffset, viaStream.positions.byteLength), Buffer.from(whole.positions.buffer, whole.positions.byteOffset, whole.positions.byteLength))).toBe(0);
}

/** LCG values so the files are the same every run. */
function lcg(seed: number) {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('readCloudFile streams record formats and matches the whole-file parse', () => {
  it('binary PCD over several chunks, with NaN runs and packed rgb', async () => {
    const r = lcg(1);
    const rows: number[][] = [];
    for (let i = 0; i < 90_000; i++) {
      const nan = i >= 40_000 && i < 75_000; // a whole chunk (and more) of NaN points
      rows.push([nan ? NaN : (r() - 0.5) * 100, nan ? NaN : (r() - 0.5) * 100, nan ? NaN : r() * 5, r(), packedRgbFloat((i * 7) & 255, (i * 3) & 255, i & 255)]);
    }
    const file = path.join(dir, 'nan-rgb.pcd');
    writeFileSync(file, writePcd([{ name: 'x', type: 'F', size: 4 }, { name: 'y', type: 'F', size: 4 }, { name: 'z', type: 'F', size: 4 }, { name: 'intensity', type: 'F', size: 4 }, { name: 'rgb', type: 'F', size: 4 }], rows, 'binary'));
    expect(streamed(file)).toBe(true);
    await expectSame(file);
    await expectSame(file, { dropNaN: true });
    const cloud = await readCloudFile(file);
    expect(cloud.bounds.max[2]).toBeLessThanOrEqual(5);
    expect(cloud.bounds.min[2]).toBeGreaterThanOrEqual(0);
  });

  it('binary PCD with an odd record size (x y z float32 + uint8 + int16)', async () => {
    const r = lcg(2);
    const rows = Array.from({ length: 120_000 }, (_, i) => [(r() - 0.5) * 10, r() * 10, -r(), i & 255, (i % 5000) - 2500]);
    const file = path.join(dir, 'odd.pcd');
    writeFileSync(file, writePcd([{ name: 'x', type: 'F', size: 4 }, { name: 'y', type: 'F', size: 4 }, { name: 'z', type: 'F', size: 4 }, { name: 'label', type: 'U', size: 1 }, { name: 't', type: 'I', size: 2 }], rows, 'binary'));
    expect(streamed(file)).toBe(true);
    await expectSame(file);
  });

  it('binary_compressed PCD over several chunks (the LZF block fed as it is read), and a corrupt one', async () => {
    const r = lcg(4);
    const rows = Array.from({ length: 80_000 }, (_, i) => [(r() - 0.5) * 100, (r() - 0.5) * 100, i % 1000 === 0 ? NaN : r() * 4, r(), packedRgbFloat(i & 255, 3, 9)]);
    const cols = ['x', 'y', 'z', 'intensity', 'rgb'].map((name) => ({ name, type: 'F' as const, size: 4 as const }));
    const file = path.join(dir, 'compressed.pcd');
    const bytes = writePcd(cols, rows, 'binary_compressed');
    writeFileSync(file, bytes);
    expect(streamed(file)).toBe(true);
    await expectSame(file);
    // Corrupt the middle of the LZF block: same error, same offset, either path.
    const bad = Buffer.from(bytes);
    for (let i = 0; i < 64; i++) bad[Math.floor(bad.length * 0.6) + i] = 0xff;
    const badFile = path.join(dir, 'corrupt.pcd');
    writeFileSync(badFile, bad);
    const whole = await parsePointCloud(bad, 'corrupt.pcd').then(() => 'parsed', (e: Error) => e.message);
    const viaStream = await readCloudFile(badFile).then(() => 'parsed', (e: Error) => e.message);
    expect(whole).toMatch(/corrupt LZF data/);
    expect(viaStream).toBe(whole);
  });

  it('float64 coordinates (not streamed) and trailing bytes read as before', async () => {
    const rows = Array.from({ length: 70_000 }, (_, i) => [i * 1e-3, 2, 3]);
    const cols = [{ name: 'x', type: 'F', size: 8 }, { name: 'y', type: 'F', size: 8 }, { name: 'z', type: 'F', size: 8 }] as const;
    const f64 = path.join(dir, 'f64.pcd');
    writeFileSync(f64, writePcd([...cols], rows, 'binary'));
    expect(streamed(f64)).toBe(false);
    await expectSame(f64);
    const trailing = path.join(dir, 'trailing.pcd');
    writeFileSync(trailing, Buffer.concat([writePcd([{ name: 'x', type: 'F', size: 4 }, { name: 'y', type: 'F', size: 4 }, { name: 'z', type: 'F', size: 4 }], rows, 'binary'), Buffer.from('junk')]));
    expect(streamed(trailing)).toBe(true); // the tail is read and checked on its own
    await expectSame(trailing);
    expect((await readCloudFile(trailing)).warnings.join()).toMatch(/4 bytes after the last point ignored/);
  });

  it('LAS 1.2 (format 3: gps, rgb) and 1.4 (format 7) over several chunks', async () => {
    const r = lcg(3);
    for (const format of [3, 7]) {
      const points = Array.from({ length: 60_000 }, (_, i) => ({
        x: 500_000 + r() * 100, y: 4_000_000 + r() * 100, z: r() * 30, intensity: i & 0xffff, classification: i % 20,
        returnNumber: 1 + (i % 3), numberOfReturns: 3, gpsTime: i * 0.01, rgb: [i & 0xffff, (i * 3) & 0xffff, 256] as [number, number, number],
      }));
      const file = path.join(dir, `f${format}.las`);
      writeFileSync(file, writeLas(format, points, [0.001, 0.001, 0.001], [500_000, 4_000_000, 0]));
      expect(streamed(file)).toBe(true);
      await expectSame(file);
      const cloud = await readCloudFile(file);
      expect(cloud.offset[1]).toBe(4_000_050); // recentred: UTM-sized coordinates keep millimetres
      // The decoder's bounds (from the integer extremes) are those of the stored positions.
      expect(cloud.bounds).toEqual(computeBounds(cloud.positions, cloud.offset));
    }
  });

  it('a file that is missing bytes is an error naming it, as before', async () => {
    const bytes = writePcd([{ name: 'x', type: 'F', size: 4 }, { name: 'y', type: 'F', size: 4 }, { name: 'z', type: 'F', size: 4 }], Array.from({ length: 70_000 }, () => [1, 2, 3]), 'binary');
    const file = path.join(dir, 'short.pcd');
    writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    await expect(readCloudFile(file)).rejects.toThrow(/short\.pcd: truncated DATA section/);
  });

  it.skipIf(!existsSync(DATA))('real sample files: KITTI, nuScenes, SUSTech, PCL and loaders.gl PCD / LAS', async () => {
    const files = [
      ...readdirSync(path.join(DATA, 'kitti/velodyne')).map((f) => path.join(DATA, 'kitti/velodyne', f)),
      ...readdirSync(path.join(DATA, 'nuscenes')).filter((f) => f.endsWith('.pcd.bin')).map((f) => path.join(DATA, 'nuscenes', f)),
      ...readdirSync(path.join(DATA, 'sustech/lidar')).map((f) => path.join(DATA, 'sustech/lidar', f)),
      ...readdirSync(path.join(DATA, 'pcd')).map((f) => path.join(DATA, 'pcd', f)),
      ...readdirSync(path.join(DATA, 'las')).filter((f) => f.endsWith('.las')).map((f) => path.join(DATA, 'las', f)),
    ];
    let streamedCount = 0;
    for (const f of files) {
      if (streamed(f)) streamedCount++;
      await expectSame(f);
    }
    // KITTI (3), nuScenes (1), SUSTech (4, with trailing bytes) at least take the streamed path.
    expect(streamedCount).toBeGreaterThanOrEqual(8);
  });
});
