import { describe, expect, it } from 'vitest';
import { parsePointCloud } from '../../../core/formats/pointcloud';
import { fromPointCloud } from './loadCloud';

describe('fromPointCloud', () => {
  it('keeps positions, picks intensity and turns rgb into 0..1 colours', async () => {
    const ply = [
      'ply', 'format ascii 1.0', 'element vertex 2',
      'property float x', 'property float y', 'property float z', 'property float intensity',
      'property uchar red', 'property uchar green', 'property uchar blue', 'end_header',
      '1 2 3 0.5 255 0 0', '4 5 6 0.25 0 128 255', '',
    ].join('\n');
    const c = fromPointCloud(await parsePointCloud(new TextEncoder().encode(ply), 'two.ply'));
    expect(c.count).toBe(2);
    expect(Array.from(c.positions)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(c.intensity!)).toEqual([0.5, 0.25]);
    expect(c.rgb![0]).toBe(1);
    expect(c.rgb![4]).toBeCloseTo(128 / 255);
  });
});
