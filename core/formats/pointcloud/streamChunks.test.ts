/**
 * Parsing a cloud as it arrives in chunks of any size (the browser worker's fetch body) gives the
 * cloud that parsing the whole file gives, on real and generated files; a stream that ends early
 * or runs long is an error naming the file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packedRgbFloat, writeLas, writePcd } from '../../../tests/helpers/pointcloudWriters';
import { parsePointCloud } from './index';
import { parsePointCloudChunks } from './streamChunks';
import { bits, chunked as chunkedBy, lcg } from '../../../tests/helpers/pointcloudStreams';

const DATA = path.resolve(__dirname, '../../../../shared/data');

/** The bytes in chunks of random sizes (1 byte to 200 KiB), as a network delivers them. */
const chunked = (bytes: Uint8Array, seed: number) => chunkedBy(bytes, seed, 200_000);

async function expectSame(bytes: Uint8Array, fileName: string, seed = 1): Promise<void> {
  const whole = await parsePointCloud(bytes, fileName);
  expect(bits(await parsePointCloudChunks(chunked(bytes, seed), bytes.length, fileName))).toEqual(bits(whole));
  expect(bits(await parsePointCloudChunks(chunked(bytes, seed + 1), null, fileName))).toEqual(bits(whole));
}

describe('parsePointCloudChunks', () => {
  it('binary, binary_compressed PCD and LAS in random chunks', async () => {
    const r = lcg(7);
    const rows = Array.from({ length: 70_000 }, (_, i) => [(r() - 0.5) * 50, r() * 9, i % 500 ? r() : NaN, r(), packedRgbFloat(i & 255, 1, 2)]);
    const cols = ['x', 'y', 'z', 'intensity', 'rgb'].map((name) => ({ name, type: 'F' as const, size: 4 as const }));
    await expectSame(writePcd(cols, rows, 'binary'), 'a.pcd', 1);
    await expectSame(writePcd(cols, rows, 'binary_compressed'), 'b.pcd', 3);
    const points = Array.from({ length: 40_000 }, (_, i) => ({ x: r() * 100, y: r() * 100, z: r(), intensity: i, gpsTime: i, rgb: [i, 2, 3] as [number, number, number] }));
    await expectSame(writeLas(3, points, [0.01, 0.01, 0.01], [0, 0, 0]), 'c.las', 5);
    // A tail after the last point: read and warned about, as the whole-file parse does.
    const tailed = new Uint8Array([...writePcd(cols.slice(0, 3), rows.slice(0, 30_000).map((p) => p.slice(0, 3)), 'binary'), 1, 2, 3]);
    await expectSame(tailed, 'd.pcd', 9);
  });

  it('a stream that ends early or runs long is an io error naming the file', async () => {
    const bytes = writePcd([{ name: 'x', type: 'F', size: 4 }, { name: 'y', type: 'F', size: 4 }, { name: 'z', type: 'F', size: 4 }], Array.from({ length: 20_000 }, () => [1, 2, 3]), 'binary');
    await expect(parsePointCloudChunks(chunked(bytes.subarray(0, bytes.length - 5), 1), bytes.length, 'e.pcd')).rejects.toThrow(/e\.pcd: the data ended before/);
    await expect(parsePointCloudChunks(chunked(bytes, 1), bytes.length - 12, 'f.pcd')).rejects.toThrow(/f\.pcd: /);
  });

  it.skipIf(!existsSync(DATA))('real sample files (KITTI, nuScenes, SUSTech, PCL, LAS)', async () => {
    const files = [
      ...readdirSync(path.join(DATA, 'kitti/velodyne')).map((f) => path.join(DATA, 'kitti/velodyne', f)),
      ...readdirSync(path.join(DATA, 'sustech/lidar')).map((f) => path.join(DATA, 'sustech/lidar', f)),
      ...readdirSync(path.join(DATA, 'pcd')).map((f) => path.join(DATA, 'pcd', f)),
      ...readdirSync(path.join(DATA, 'las')).filter((f) => f.endsWith('.las')).map((f) => path.join(DATA, 'las', f)),
    ];
    let seed = 11;
    for (const f of files) await expectSame(new Uint8Array(readFileSync(f)), path.basename(f), seed++);
  });
});
