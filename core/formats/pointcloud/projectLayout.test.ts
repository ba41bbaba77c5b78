import { describe, expect, it } from 'vitest';
import { KITTI_LAYOUT, NUSCENES_LAYOUT } from './bin';
import { BinLayoutError } from './binLayout';
import { cloudParseOptions, isPlainBin, projectCloudOptions } from './projectLayout';

describe('project cloud options', () => {
  const layout = 'x:f32,y:f32,z:f32,ring:u16,_:2,intensity:f32';

  it('applies the project layout to plain .bin files only', () => {
    expect(isPlainBin('velodyne/000001.bin')).toBe(true);
    expect(isPlainBin('samples/LIDAR_TOP/x.pcd.bin')).toBe(false);
    expect(isPlainBin('scan.pcd')).toBe(false);
    expect(projectCloudOptions(layout, 'a/scan.BIN').binLayout?.stride).toBe(20);
    expect(projectCloudOptions(layout, 'x.pcd.bin')).toEqual({});
    expect(projectCloudOptions(layout, 'x.ply')).toEqual({});
    expect(projectCloudOptions('', 'scan.bin')).toEqual({});
    expect(projectCloudOptions(undefined, 'scan.bin')).toEqual({});
  });

  it("lets a sequence's declared pointFormat win over the project layout", () => {
    expect(cloudParseOptions({ binLayout: layout }, 'kitti-bin', 'f/000000.bin')).toEqual({ binLayout: KITTI_LAYOUT });
    expect(cloudParseOptions({ binLayout: layout }, 'nuscenes-bin', 'f/x.pcd.bin')).toEqual({ binLayout: NUSCENES_LAYOUT });
    expect(cloudParseOptions({ binLayout: layout }, undefined, 'f/000000.bin').binLayout?.stride).toBe(20);
    expect(cloudParseOptions({}, undefined, 'f/000000.bin')).toEqual({});
  });

  it('throws on a layout that does not parse', () => {
    expect(() => projectCloudOptions('x:f32', 'scan.bin')).toThrow(BinLayoutError);
  });
});
