/**
 * Test/bench access to the shared real data (../shared/data beside the repository root). Node-only;
 * the product code under core never imports this.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DATA = resolve(repoRoot, '..', 'shared', 'data');
export const HAS_DATA = existsSync(join(DATA, 'kitti')) && existsSync(join(DATA, 'nuscenes'));
export const SKIP_MESSAGE = `shared data not found at ${DATA}; skipping real-data tests`;
export const KITTI_FRAMES = ['000000', '000001', '000002'];

export interface Cloud {
  positions: Float32Array;
  count: number;
}

export function dataPath(...parts: string[]): string {
  return join(DATA, ...parts);
}

export function readText(...parts: string[]): string {
  return readFileSync(dataPath(...parts), 'utf8');
}

/** Float32 records of `stride` values starting with x y z, repacked as x,y,z interleaved. */
export function readFloatRecords(path: string, stride: number): Cloud {
  const buf = readFileSync(path);
  const f = new Float32Array(buf.buffer, buf.byteOffset, Math.floor(buf.byteLength / 4));
  const count = Math.floor(f.length / stride);
  const positions = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    positions[i * 3] = f[i * stride];
    positions[i * 3 + 1] = f[i * stride + 1];
    positions[i * 3 + 2] = f[i * stride + 2];
  }
  return { positions, count };
}

export function readKittiCloud(frame: string): Cloud {
  return readFloatRecords(dataPath('kitti', 'velodyne', `${frame}.bin`), 4);
}

export const NUSCENES_INFO = 'n015-2018-07-24-11-22-45+0800.pkl.json';
export const NUSCENES_LIDAR = 'n015-2018-07-24-11-22-45+0800__LIDAR_TOP__1532402927647951.pcd.bin';

export function readNuScenesCloud(): Cloud {
  return readFloatRecords(dataPath('nuscenes', NUSCENES_LIDAR), 5);
}

/**
 * Minimal reader for the SUSTech binary PCDs (test-only; the product PCD parser lives elsewhere):
 * takes the record size from SIZE x COUNT and x y z as the first three float fields. The files
 * carry trailing bytes after POINTS records, which are ignored.
 */
export function readSustechCloud(frame: string): Cloud {
  const buf = readFileSync(dataPath('sustech', 'lidar', `${frame}.pcd`));
  const headerEnd = buf.indexOf('DATA binary\n') + 'DATA binary\n'.length;
  const header = buf.subarray(0, headerEnd).toString('latin1');
  const field = (name: string) => (header.match(new RegExp(`^${name} (.*)$`, 'm'))?.[1] ?? '').trim().split(/\s+/).map(Number);
  const sizes = field('SIZE');
  const counts = field('COUNT');
  const recordSize = sizes.reduce((s, v, i) => s + v * counts[i], 0);
  const count = field('POINTS')[0];
  const view = new DataView(buf.buffer, buf.byteOffset + headerEnd);
  const positions = new Float32Array(count * 3);
  for (let i = 0; i < count; i++)
    for (let k = 0; k < 3; k++) positions[i * 3 + k] = view.getFloat32(i * recordSize + k * 4, true);
  return { positions, count };
}
