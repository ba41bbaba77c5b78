/**
 * Every real sample file in shared/data. Expected counts and values were read independently with
 * python (struct / numpy, plus a separate LZF decoder for binary_compressed), not from this parser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAS_SHARED_DATA, SHARED_DATA, SKIP_MESSAGE } from '../../../tests/helpers/sharedData';
import { parsePointCloud, type PointCloud } from './index';

if (!HAS_SHARED_DATA) console.warn(SKIP_MESSAGE);

const read = (rel: string) => parsePointCloud(readFileSync(join(SHARED_DATA, rel)), rel.split('/').pop()!);
const point = (c: PointCloud, i: number) => Array.from(c.positions.subarray(i * 3, i * 3 + 3)).map((v, a) => v + c.offset[a]);
const field = (c: PointCloud, name: string) => c.fields.find((f) => f.name === name)!;
const names = (c: PointCloud) => c.fields.map((f) => `${f.name}:${f.type}x${f.count}`);

function expectClose(actual: number[], expected: number[], digits = 5) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], digits));
}

describe.skipIf(!HAS_SHARED_DATA)('real files: KITTI, nuScenes, SUSTech', () => {
  it('KITTI velodyne .bin', async () => {
    const counts = { '000000.bin': 115384, '000001.bin': 120268, '000002.bin': 126891 };
    for (const [name, count] of Object.entries(counts)) {
      const c = await read(`kitti/velodyne/${name}`);
      expect([c.format, c.count, c.warnings.length]).toEqual(['kitti-bin', count, 0]);
    }
    const c = await read('kitti/velodyne/000000.bin');
    expectClose(point(c, 0), [18.323999, 0.049, 0.829]);
    expectClose(point(c, 115383), [3.967, -1.474, -1.857]);
    expect(names(c)).toEqual(['intensity:float32x1']);
  });

  it('nuScenes LIDAR_TOP .pcd.bin', async () => {
    const c = await read('nuscenes/n015-2018-07-24-11-22-45+0800__LIDAR_TOP__1532402927647951.pcd.bin');
    expect([c.format, c.count]).toEqual(['nuscenes-bin', 34688]);
    expectClose(point(c, 0), [-3.1243734, -0.4341537, -1.867192]);
    expectClose(point(c, 100), [-3.9040313, -0.3567955, -1.8626409]);
    expect([field(c, 'intensity').data[100], field(c, 'ring').data[100]]).toEqual([6, 4]);
  });

  it('SUSTech binary PCD with misplaced padding in the header', async () => {
    const c = await read('sustech/lidar/000950.pcd');
    expect([c.format, c.count]).toEqual(['pcd', 68242]);
    expect(names(c)).toEqual(['intensity:float32x1', 'timestamp:float64x1', 'ring:uint16x1']);
    expectClose(point(c, 10), [-1.0614505, 23.918440, 0.0296685]);
    expect(field(c, 'intensity').data[10]).toBe(23);
    // Bytes 24..31 of record 0 are the float64 0x409c6b3e33d7c8e2; rings count up 0, 1, 2.
    expect(field(c, 'timestamp').data[0]).toBeCloseTo(1818.8, 0);
    expect(Array.from(field(c, 'ring').data.subarray(0, 3))).toEqual([0, 1, 2]);
    expect(c.warnings.join('\n')).toMatch(/timestamp 20->24, ring 34->32/);
    expect(c.warnings.join('\n')).toMatch(/3848 bytes after the last point ignored/);
    for (const [f, n] of [['000965', 66781], ['000970', 66899], ['000975', 67153]] as const) expect((await read(`sustech/lidar/${f}.pcd`)).count).toBe(n);
  });
});

describe.skipIf(!HAS_SHARED_DATA)('real files: PCD', () => {
  it('binary xyz (Zaghetto, curve_close) and ascii (bunny, octants, simple-ascii)', async () => {
    const z = await read('pcd/Zaghetto.pcd');
    expect(z.count).toBe(59750);
    expectClose(point(z, 0), [0.69824, 0.81786, 0.56152]);
    expect(z.viewpoint).toEqual([0, 0, 0, 1, 0, 0, 0]);
    expect((await read('pcd/curve_close.pcd')).count).toBe(110);
    const bunny = await read('pcd/bunny.pcd');
    expect(bunny.count).toBe(397);
    expectClose(point(bunny, 0), [0.0054216, 0.11349, 0.040749]);
    expect((await read('pcd/octants.pcd')).count).toBe(8);
    const simple = await read('pcd/simple-ascii.pcd');
    expect(simple.count).toBe(213);
    expectClose(point(simple, 0), [0.93773, 0.33763, 0]);
    // python: struct.pack('<f', 4.2108e6) is 0x4A8080E0 -> packed colour 0x8080E0.
    expect(Array.from(field(simple, 'rgb').data.subarray(0, 3))).toEqual([128, 128, 224]);
  });

  it('binary with uint rgb and normals (colored_cloud)', async () => {
    const c = await read('pcd/colored_cloud.pcd');
    expect(c.count).toBe(1000);
    expect(names(c)).toEqual(['rgb:uint8x3', 'normal_x:float32x1', 'normal_y:float32x1', 'normal_z:float32x1', 'curvature:float32x1']);
    expectClose(point(c, 0), [-0.8550515, -0.6315086, 1.467]);
    expect(Array.from(field(c, 'rgb').data.subarray(0, 3))).toEqual([108, 109, 105]);
    expect(field(c, 'normal_x').data[0]).toBeCloseTo(0.6966169, 6);
    expect(field(c, 'curvature').data[0]).toBeCloseTo(0.0525428, 6);
  });

  it('binary_compressed: car6, milk_color (rgba), organized office1 and table_scene with NaN', async () => {
    const car = await read('pcd/car6.pcd');
    expect(car.count).toBe(10031);
    expectClose(point(car, 0), [-36.64, -61.93, -6.34]);
    const milk = await read('pcd/milk_color.pcd');
    expect(milk.count).toBe(13704);
    expectClose(point(milk, 0), [-0.1316076, -0.2095429, 0.772]);
    expect([...field(milk, 'rgb').data.subarray(0, 3), field(milk, 'alpha').data[0]]).toEqual([103, 90, 85, 255]);
    const office = await read('pcd/office1.pcd');
    expect([office.count, office.width, office.height]).toEqual([307200, 640, 480]);
    expect(Number.isNaN(office.positions[0])).toBe(true);
    expectClose(point(office, 8979), [-2.240013, -1.681871, 3.907]);
    expect(Array.from(field(office, 'rgb').data.subarray(8979 * 3, 8979 * 3 + 3))).toEqual([166, 157, 147]);
    const dropped = await parsePointCloud(readFileSync(join(SHARED_DATA, 'pcd/office1.pcd')), 'office1.pcd', { dropNaN: true });
    expect(dropped.count).toBe(307200 - 52744);
    expectClose(point(dropped, 0), [-2.240013, -1.681871, 3.907]);
    const table = await read('pcd/table_scene_mug_stereo_textured.pcd');
    expect([table.count, table.width, table.height]).toEqual([307200, 640, 480]);
  });
});

describe.skipIf(!HAS_SHARED_DATA)('real files: PLY', () => {
  it('binary little endian with tristrips, ascii with faces', async () => {
    const b = await read('ply/bunny.ply');
    expect(b.count).toBe(34834);
    expectClose(point(b, 0), [-0.0575, 0.0588269, 0.0212602]);
    expectClose(point(b, 34833), [-0.0614917, 0.0661812, 0.0332998]);
    const z = await read('ply/bun_zipper.ply');
    expect(z.count).toBe(35947);
    expectClose(point(z, 0), [-0.0378297, 0.12794, 0.00447467]);
    expect(field(z, 'confidence').data[0]).toBeCloseTo(0.850855, 6);
    expect(field(z, 'intensity').data[0]).toBe(0.5);
    const cube = await read('ply/cube_att.ply');
    expect(cube.count).toBe(24);
    expect(names(cube)).toEqual(['nx:float32x1', 'ny:float32x1', 'nz:float32x1']);
    expect(cube.bounds).toEqual({ min: [0, 0, 0], max: [1, 1, 1] });
  });
});

describe.skipIf(!HAS_SHARED_DATA)('real files: LAS / LAZ', () => {
  it('LAS 1.4 format 7 with undocumented extra bytes', async () => {
    const c = await read('las/pdrf7-v4-1.4.las');
    expect([c.format, c.count]).toEqual(['las', 1024]);
    expectClose(point(c, 0), [-1500.01, 250, -350.04], 2);
    expectClose(point(c, 1023), [-489.84, 1034.79, 177.24], 2);
    expect(field(c, 'intensity').data[1023]).toBe(15405);
    expect(field(c, 'classification').data[1023]).toBe(227);
    expect(field(c, 'gps_time').data[1023]).toBe(2010485.75);
    expect(Array.from(field(c, 'rgb').data.subarray(1023 * 3))).toEqual([37787 >> 8, 52141 >> 8, 51917 >> 8]);
    expect(Array.from(field(c, 'extra_bytes').data.subarray(1023 * 4))).toEqual([0x4b, 0x98, 0xdc, 0x29]);
    const tiny = await read('las/points-1.4.las');
    expect(tiny.count).toBe(3);
    expect(point(tiny, 1)).toEqual([1, 0.5, 0.25]);
    expect(Array.from(field(tiny, 'rgb').data)).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255]);
  });

  it('LAS 1.4 format 6 with extra-bytes VLR and huge coordinates, and the same points as LAZ', async () => {
    const las = await read('las/pdrf6-1.4.las');
    expect(las.count).toBe(1024);
    expect(names(las).slice(-4)).toEqual(['FIELD_0:uint8x1', 'FIELD_1:uint8x1', 'FIELD_2:uint8x1', 'FIELD_3:uint8x1']);
    // X = 373598160 with scale 1: float32 relative positions keep ~64 units at this 4e9 extent.
    expect(Math.abs(point(las, 0)[0] - 373598160)).toBeLessThan(64);
    expect(las.offset[0]).not.toBe(0);
    expect(field(las, 'intensity').data[1]).toBe(52375);
    expect(field(las, 'classification').data[0]).toBe(243);
    expect([0, 1, 2, 3].map((k) => field(las, `FIELD_${k}`).data[0])).toEqual([0x52, 0x79, 0x63, 0xf2]);
    const laz = await read('las/pdrf6-1.4.laz');
    expect([laz.format, laz.count]).toEqual(['laz', 1024]);
    expect(laz.positions).toEqual(las.positions);
    expect(laz.fields).toEqual(las.fields);
  });

  it('LAZ 1.2 format 3 (indoor, 808k points) and a clean error for waveform format 10', async () => {
    const c = await read('las/indoor.laz');
    expect([c.format, c.count]).toEqual(['laz', 808042]);
    // Header bounds (python struct): x -22.99..5.63, y -1.97..7.55, z -7.9..12.36.
    expectClose(c.bounds.min, [-22.99, -1.97, -7.9], 4);
    expectClose(c.bounds.max, [5.63, 7.55, 12.36], 4);
    expect(names(c)).toContain('rgb:uint8x3');
    await expect(read('las/pdrf10-1.4.laz')).rejects.toThrow('pdrf10-1.4.laz: LAZ point format 10 (with waveform packets) is not supported by the LAZ decoder (laz-perf)');
  });
});
