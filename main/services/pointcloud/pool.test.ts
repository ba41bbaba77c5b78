import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writePcd } from '../../../tests/helpers/pointcloudWriters';
import { PointCloudError } from '../../../core/formats/pointcloud';
import { closePointCloudPool, defaultWorkerUrl, parsePointCloudFile, PointCloudWorkerPool } from './pool';

const dir = mkdtempSync(join(tmpdir(), 'datum-pointcloud-'));
afterAll(async () => {
  await closePointCloudPool();
  rmSync(dir, { recursive: true, force: true });
});

function writeKitti(name: string, points: number): string {
  const data = new Float32Array(points * 4);
  for (let i = 0; i < data.length; i++) data[i] = i;
  const path = join(dir, name);
  writeFileSync(path, new Uint8Array(data.buffer));
  return path;
}

describe('Node point cloud worker pool', () => {
  it('runs the TypeScript worker entry under vitest', () => {
    expect(defaultWorkerUrl().pathname).toMatch(/main\/services\/pointcloud\/worker\.ts$/);
  });

  it('reads and parses files in worker threads, typed arrays intact', async () => {
    const path = writeKitti('scan.bin', 50_000);
    const pcdPath = join(dir, 'small.pcd');
    writeFileSync(pcdPath, writePcd([{ name: 'x', type: 'F', size: 4 }, { name: 'y', type: 'F', size: 4 }, { name: 'z', type: 'F', size: 4 }], [[1, 2, 3]], 'binary_compressed'));
    const [kitti, pcd] = await Promise.all([parsePointCloudFile(path), parsePointCloudFile(pcdPath)]);
    expect(kitti.format).toBe('kitti-bin');
    expect(kitti.count).toBe(50_000);
    expect(kitti.positions).toBeInstanceOf(Float32Array);
    expect(Array.from(kitti.positions.subarray(3, 6))).toEqual([4, 5, 6]);
    expect(kitti.fields[0].data[49_999]).toBe(199_999);
    expect(Array.from(pcd.positions)).toEqual([1, 2, 3]);
  });

  it('reports missing and malformed files as PointCloudError naming the file', async () => {
    const missing = await parsePointCloudFile(join(dir, 'nope.pcd')).catch((e) => e);
    expect(missing).toBeInstanceOf(PointCloudError);
    expect(missing.message).toBe('nope.pcd: cannot read file: ENOENT');
    const bad = join(dir, 'bad.pcd');
    writeFileSync(bad, 'FIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nPOINTS 10\nDATA binary\n');
    await expect(parsePointCloudFile(bad)).rejects.toThrow('bad.pcd: truncated DATA section: header says 10 points (120 bytes), file has 0 bytes');
  });

  it('aborts: before start, and while a worker is busy', async () => {
    const pool = new PointCloudWorkerPool({ size: 1 });
    const path = writeKitti('abort.bin', 1000);
    const early = new AbortController();
    early.abort();
    await expect(pool.parse(path, undefined, early.signal)).rejects.toThrow('abort.bin: parsing aborted');
    const late = new AbortController();
    const running = pool.parse(path, undefined, late.signal);
    late.abort();
    await expect(running).rejects.toThrow(/parsing aborted/);
    // The pool replaces the terminated worker and keeps working.
    expect((await pool.parse(path)).count).toBe(1000);
    await pool.close();
  });
});
