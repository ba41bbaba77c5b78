import { describe, expect, it } from 'vitest';
import { KITTI_LAYOUT, NUSCENES_LAYOUT, parsePointCloud } from './index';
import { BinLayoutError, formatBinLayoutSpec, parseBinLayoutSpec } from './binLayout';

describe('bin layout spec', () => {
  it('reads the KITTI and nuScenes layouts and writes them back', () => {
    expect(parseBinLayoutSpec('x:f32,y:f32,z:f32,intensity:f32')).toEqual(KITTI_LAYOUT);
    expect(parseBinLayoutSpec(formatBinLayoutSpec(NUSCENES_LAYOUT))).toEqual(NUSCENES_LAYOUT);
    expect(formatBinLayoutSpec(KITTI_LAYOUT)).toBe('x:f32,y:f32,z:f32,intensity:f32');
  });

  it('handles padding, component counts, long type names and a larger stride', () => {
    const layout = parseBinLayoutSpec(' x:float64, y:f64 ,z:f64,_:2,ring:u16,normal:f32x3 ; stride=48');
    expect(layout).toEqual({
      stride: 48,
      fields: [
        { name: 'x', type: 'float64', offset: 0 },
        { name: 'y', type: 'float64', offset: 8 },
        { name: 'z', type: 'float64', offset: 16 },
        { name: 'ring', type: 'uint16', offset: 26 },
        { name: 'normal', type: 'float32', offset: 28, count: 3 },
      ],
    });
    expect(parseBinLayoutSpec(formatBinLayoutSpec(layout))).toEqual(layout);
  });

  it.each([
    ['', /empty/],
    ['x:f32,y:f32', /no "z" field/],
    ['x:f32,y:f32,z:f16', /unknown type "f16"/],
    ['x:f32,y:f32,z:f32,x:f32', /appears twice/],
    ['x:f32,y:f32,z:f32,_:0', /positive byte count/],
    ['x:f32,y:f32,z:f32;stride=8', /shorter than the 12 bytes/],
    ['x:f32,y:f32,z:f32;endian=big', /unknown option/],
    ['x f32', /cannot read "x f32"/],
    ['x:f32x2,y:f32,z:f32', /one component/],
  ])('rejects %j with a clear message', (spec, message) => {
    expect(() => parseBinLayoutSpec(spec)).toThrow(BinLayoutError);
    expect(() => parseBinLayoutSpec(spec)).toThrow(message);
  });

  it('reads a file with the layout it describes (float64 x y z, padding, uint16 ring)', async () => {
    const layout = parseBinLayoutSpec('x:f64,y:f64,z:f64,_:2,ring:u16;stride=32');
    const bytes = new Uint8Array(32 * 2);
    const v = new DataView(bytes.buffer);
    [[1.5, -2, 3, 7], [500_000.25, 5_400_000.5, 101, 9]].forEach(([x, y, z, ring], i) => {
      v.setFloat64(i * 32, x, true);
      v.setFloat64(i * 32 + 8, y, true);
      v.setFloat64(i * 32 + 16, z, true);
      v.setUint16(i * 32 + 26, ring, true);
    });
    const cloud = await parsePointCloud(bytes, 'scan.bin', { binLayout: layout });
    expect(cloud.format).toBe('bin');
    expect(cloud.count).toBe(2);
    expect(cloud.bounds.max).toEqual([500_000.25, 5_400_000.5, 101]);
    expect(Array.from(cloud.fields.find((f) => f.name === 'ring')!.data)).toEqual([7, 9]);
  });
});
