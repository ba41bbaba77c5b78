import { describe, expect, it } from 'vitest';
import { detectPointCloudFormat, parsePointCloud, PointCloudError, transferablesOf } from './index';

function kitti(points: number[][]): Uint8Array {
  return new Uint8Array(new Float32Array(points.flat()).buffer);
}

describe('headerless .bin', () => {
  it('reads KITTI x y z intensity', async () => {
    const cloud = await parsePointCloud(kitti([[1, 2, 3, 0.5], [-4, 5, -6, 0.25]]), '000123.bin');
    expect(cloud.format).toBe('kitti-bin');
    expect(Array.from(cloud.positions)).toEqual([1, 2, 3, -4, 5, -6]);
    expect(cloud.fields).toEqual([{ name: 'intensity', type: 'float32', count: 1, data: new Float32Array([0.5, 0.25]) }]);
    expect(cloud.bounds).toEqual({ min: [-4, 2, -6], max: [1, 5, 3] });
  });

  it('reads from an unaligned view (e.g. a Node Buffer slice)', async () => {
    const raw = kitti([[1, 2, 3, 4]]);
    const padded = new Uint8Array(raw.length + 1);
    padded.set(raw, 1);
    const cloud = await parsePointCloud(padded.subarray(1), 'a.bin');
    expect(Array.from(cloud.positions)).toEqual([1, 2, 3]);
  });

  it('warns and ignores a partial last record', async () => {
    const bytes = new Uint8Array([...kitti([[1, 2, 3, 4]]), 9, 9, 9]);
    const cloud = await parsePointCloud(bytes, 'p.bin');
    expect(cloud.count).toBe(1);
    expect(cloud.warnings[0]).toMatch(/^p\.bin: file size 19 is not a multiple of the 16-byte record/);
  });

  it('reads nuScenes .pcd.bin with its ring column', async () => {
    const bytes = new Uint8Array(new Float32Array([1, 2, 3, 40, 7, -1, -2, -3, 50, 31]).buffer);
    const cloud = await parsePointCloud(bytes, 'LIDAR_TOP__1.pcd.bin');
    expect(cloud.format).toBe('nuscenes-bin');
    expect(cloud.fields.map((f) => [f.name, Array.from(f.data)])).toEqual([['intensity', [40, 50]], ['ring', [7, 31]]]);
  });

  it('reads a generic .bin with a user layout (float64 xyz, uint16 ring, uint8 rgb)', async () => {
    const stride = 32;
    const buf = new ArrayBuffer(stride * 2);
    const v = new DataView(buf);
    [[700000.5, 10, 1, 3, 1, 2, 3], [700001.5, 11, 2, 4, 4, 5, 6]].forEach(([x, y, z, ring, r, g, b], i) => {
      v.setFloat64(i * stride, x, true);
      v.setFloat64(i * stride + 8, y, true);
      v.setFloat64(i * stride + 16, z, true);
      v.setUint16(i * stride + 24, ring, true);
      [r, g, b].forEach((c, k) => v.setUint8(i * stride + 26 + k, c));
    });
    const cloud = await parsePointCloud(buf, 'custom.bin', {
      binLayout: {
        stride,
        fields: [
          { name: 'x', type: 'float64', offset: 0 }, { name: 'y', type: 'float64', offset: 8 }, { name: 'z', type: 'float64', offset: 16 },
          { name: 'ring', type: 'uint16', offset: 24 }, { name: 'rgb', type: 'uint8', offset: 26, count: 3 },
        ],
      },
    });
    expect(cloud.format).toBe('bin');
    expect(cloud.offset).toEqual([700001, 0, 0]);
    expect(cloud.positions[3]).toBe(0.5);
    expect(Array.from(cloud.fields[1].data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(transferablesOf(cloud)).toHaveLength(3);
  });

  it('rejects bad layouts, empty files and unknown formats', async () => {
    await expect(parsePointCloud(new Uint8Array(8), 'c.bin', { binLayout: { stride: 4, fields: [{ name: 'x', type: 'float64', offset: 0 }] } })).rejects.toThrow(/does not fit/);
    await expect(parsePointCloud(new Uint8Array(0), 'e.bin')).rejects.toThrow('e.bin: file is empty');
    const err = await parsePointCloud(new Uint8Array(10), 'notes.txt').catch((e) => e);
    expect(err).toBeInstanceOf(PointCloudError);
    expect(err.code).toBe('unknown-format');
  });

  it('detects formats from content before the file name', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(detectPointCloudFormat('x.bin', enc('# .PCD v0.7\nVERSION 0.7\n'))).toBe('pcd');
    expect(detectPointCloudFormat('x.dat', enc('ply\nformat ascii 1.0\n'))).toBe('ply');
    expect(detectPointCloudFormat('x.las', enc('LASF'))).toBe('las');
    expect(detectPointCloudFormat('x.laz', enc('LASF'))).toBe('laz');
    expect(detectPointCloudFormat('a.pcd.bin', new Uint8Array(20))).toBe('nuscenes-bin');
    expect(detectPointCloudFormat('a.bin', new Uint8Array(16))).toBe('kitti-bin');
    expect(detectPointCloudFormat('a.xyz', new Uint8Array(16))).toBeNull();
  });
});
