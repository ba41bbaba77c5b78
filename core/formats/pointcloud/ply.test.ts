import { describe, expect, it } from 'vitest';
import { writePly, type PlyPropertySpec } from '../../../tests/helpers/pointcloudWriters';
import { parsePointCloud } from './index';

const PROPS: PlyPropertySpec[] = [
  { name: 'x', type: 'float' }, { name: 'y', type: 'float' }, { name: 'z', type: 'float' },
  { name: 'c', type: 'char' }, { name: 'red', type: 'uchar' }, { name: 'green', type: 'uchar' }, { name: 'blue', type: 'uchar' },
  { name: 's', type: 'short' }, { name: 'us', type: 'ushort' }, { name: 'i', type: 'int' }, { name: 'ui', type: 'uint' },
  { name: 'd', type: 'double' },
];
const ROWS = Array.from({ length: 21 }, (_, i) => [i, -i, i / 4, -i, 250 - i, i, 7, -300 * i, 65000 - i, -1e9 + i, 3e9 + i, 1e12 + i]);

describe('PLY', () => {
  for (const format of ['ascii', 'binary_little_endian', 'binary_big_endian'] as const) {
    it(`reads every vertex property type in ${format}, merging colours and skipping faces and other elements`, async () => {
      const bytes = writePly(PROPS, ROWS, format, { faces: [[0, 1, 2], [2, 3, 4]], leadingListElement: [[1, 2, 3], []] });
      const cloud = await parsePointCloud(bytes, `v.${format}.ply`);
      expect(cloud.format).toBe('ply');
      expect(cloud.count).toBe(21);
      expect(cloud.fields.map((f) => `${f.name}:${f.type}x${f.count}`)).toEqual([
        'rgb:uint8x3', 'c:int8x1', 's:int16x1', 'us:uint16x1', 'i:int32x1', 'ui:uint32x1', 'd:float64x1',
      ]);
      const f = (name: string) => cloud.fields.find((x) => x.name === name)!.data;
      const i = 20;
      expect(Array.from(cloud.positions.subarray(i * 3, i * 3 + 3))).toEqual([20, -20, 5]);
      expect(Array.from(f('rgb').subarray(i * 3, i * 3 + 3))).toEqual([230, 20, 7]);
      expect([f('c')[i], f('s')[i], f('us')[i], f('i')[i], f('ui')[i], f('d')[i]]).toEqual([-20, -6000, 64980, -1e9 + 20, 3e9 + 20, 1e12 + 20]);
      expect(cloud.bounds).toEqual({ min: [0, -20, 0], max: [20, 0, 5] });
    });
  }

  it('recentres double coordinates', async () => {
    const props: PlyPropertySpec[] = [{ name: 'x', type: 'double' }, { name: 'y', type: 'double' }, { name: 'z', type: 'double' }];
    const cloud = await parsePointCloud(writePly(props, [[600000.25, 5.5, 1], [600100.75, 6.5, 2]], 'binary_big_endian'), 'utm.ply');
    expect(cloud.offset).toEqual([600051, 0, 0]);
    expect(cloud.positions[0] + cloud.offset[0]).toBeCloseTo(600000.25, 4);
    expect(cloud.bounds.max[0]).toBeCloseTo(600100.75, 4);
  });

  it('fails cleanly on a missing header, truncated vertices and unknown types', async () => {
    await expect(parsePointCloud(new TextEncoder().encode('ply\nformat ascii 1.0\n'), 'h.ply')).rejects.toThrow(/^h\.ply: missing PLY header/);
    const full = writePly(PROPS, ROWS, 'binary_little_endian');
    await expect(parsePointCloud(full.subarray(0, full.length - 10), 't.ply')).rejects.toThrow(/^t\.ply: truncated vertex data: header says 21 vertices/);
    const odd = 'ply\nformat ascii 1.0\nelement vertex 1\nproperty float128 x\nend_header\n1\n';
    await expect(parsePointCloud(new TextEncoder().encode(odd), 'u.ply')).rejects.toThrow('u.ply: unknown PLY property type "float128"');
  });
});
