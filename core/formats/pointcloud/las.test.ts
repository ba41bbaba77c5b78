import { describe, expect, it } from 'vitest';
import { writeLas } from '../../../tests/helpers/pointcloudWriters';
import { parsePointCloud } from './index';

describe('LAS', () => {
  it('reads format 3 (1.2) with scale, offset, gps time and 16-bit colour, recentring UTM coordinates', async () => {
    const points = [
      { x: 512345.67, y: 5412345.01, z: 250.5, intensity: 1000, classification: 2, gpsTime: 123.5, rgb: [65535, 32768, 256] as [number, number, number] },
      { x: 512445.12, y: 5412355.99, z: 260.25, intensity: 2000, classification: 6, gpsTime: 124.5, rgb: [0, 512, 1024] as [number, number, number], returnNumber: 2, numberOfReturns: 3 },
    ];
    const cloud = await parsePointCloud(writeLas(3, points, [0.01, 0.01, 0.01], [500000, 5400000, 0]), 'utm.las');
    expect(cloud.format).toBe('las');
    expect(cloud.count).toBe(2);
    expect(cloud.offset).toEqual([512395, 5412351, 0]);
    expect(cloud.positions[0] + cloud.offset[0]).toBeCloseTo(512345.67, 2);
    expect(cloud.positions[4] + cloud.offset[1]).toBeCloseTo(5412355.99, 2);
    expect(cloud.bounds.min[0]).toBeCloseTo(512345.67, 2);
    expect(cloud.bounds.max[2]).toBeCloseTo(260.25, 2);
    const f = (name: string) => Array.from(cloud.fields.find((x) => x.name === name)!.data);
    expect(f('intensity')).toEqual([1000, 2000]);
    expect(f('classification')).toEqual([2, 6]);
    expect(f('return_number')).toEqual([1, 2]);
    expect(f('number_of_returns')).toEqual([1, 3]);
    expect(f('gps_time')).toEqual([123.5, 124.5]);
    expect(f('rgb')).toEqual([255, 128, 1, 0, 2, 4]);
  });

  it('reads format 6 (1.4, 64-bit count) with documented and scaled extra bytes', async () => {
    const extra = (a: number, b: number) => {
      const e = new Uint8Array(6);
      new DataView(e.buffer).setInt16(0, a, true);
      new DataView(e.buffer).setFloat32(2, b, true);
      return e;
    };
    const las = writeLas(
      6,
      [{ x: 1, y: 2, z: 3, classification: 40, extra: extra(-5, 1.5) }, { x: 4, y: 5, z: 6, extra: extra(100, -2.25) }],
      [0.001, 0.001, 0.001],
      [0, 0, 0],
      [{ name: 'height', dataType: 4, scale: 0.1, offset: 10 }, { name: 'range', dataType: 9 }],
      6,
    );
    const cloud = await parsePointCloud(las, 'eb.las');
    expect(cloud.count).toBe(2);
    expect(Array.from(cloud.positions)).toEqual([1, 2, 3, 4, 5, 6]);
    const height = cloud.fields.find((x) => x.name === 'height')!;
    expect(height.type).toBe('float64');
    expect(Array.from(height.data)).toEqual([9.5, 20]);
    const range = cloud.fields.find((x) => x.name === 'range')!;
    expect([range.type, ...range.data]).toEqual(['float32', 1.5, -2.25]);
    expect(Array.from(cloud.fields.find((x) => x.name === 'classification')!.data)).toEqual([40, 0]);
  });

  it('keeps undocumented extra bytes raw', async () => {
    const cloud = await parsePointCloud(writeLas(0, [{ x: 1, y: 1, z: 1, extra: new Uint8Array([7, 8]) }], [1, 1, 1], [0, 0, 0], [], 2), 'raw.las');
    expect(cloud.fields.at(-1)).toEqual({ name: 'extra_bytes', type: 'uint8', count: 2, data: new Uint8Array([7, 8]) });
  });

  it('fails cleanly on truncated points, bad formats and missing signature', async () => {
    const las = writeLas(1, [{ x: 1, y: 1, z: 1 }, { x: 2, y: 2, z: 2 }], [1, 1, 1], [0, 0, 0]);
    await expect(parsePointCloud(las.subarray(0, las.length - 5), 't.las')).rejects.toThrow(/^t\.las: truncated point data: header says 2 points/);
    const bad = las.slice();
    bad[104] = 12;
    await expect(parsePointCloud(bad, 'f.las')).rejects.toThrow('f.las: unsupported LAS point data record format 12');
    await expect(parsePointCloud(las.subarray(0, 100), 'h.las')).rejects.toThrow(/^h\.las: truncated LAS header/);
  });
});
