import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAS_SHARED_DATA, SHARED_DATA } from '../../../tests/helpers/sharedData';
import { inspectImage } from './image';
import { inspectPointCloud } from './pointcloud';

describe.skipIf(!HAS_SHARED_DATA)('inspect', () => {
  it('summarises a point cloud with x, y, z listed among the fields', async () => {
    const info = await inspectPointCloud(join(SHARED_DATA, 'pcd/office1.pcd'));
    expect(info).toMatchObject({ format: 'pcd', points: 307200, width: 640, height: 480 });
    expect(info.fields).toEqual([
      { name: 'x', type: 'float32', count: 1 }, { name: 'y', type: 'float32', count: 1 }, { name: 'z', type: 'float32', count: 1 },
      { name: 'rgb', type: 'uint8', count: 3 },
    ]);
    expect(JSON.parse(JSON.stringify(info)).bounds.min[2]).toBeCloseTo(1.833, 3);
    const kitti = await inspectPointCloud(join(SHARED_DATA, 'kitti/velodyne/000000.bin'));
    expect(kitti).toMatchObject({ format: 'kitti-bin', points: 115384 });
    expect(kitti.width).toBeUndefined();
  });

  it('fails with the file name for a missing file', async () => {
    await expect(inspectPointCloud(join(SHARED_DATA, 'pcd/none.pcd'))).rejects.toThrow('none.pcd: cannot read file: ENOENT');
  });

  it('summarises images with sharp', async () => {
    expect(await inspectImage(join(SHARED_DATA, 'images/coco139/000000000139.jpg'))).toEqual({ format: 'jpeg', width: 640, height: 426, channels: 3 });
    // IHDR read with python: 000000.png is 1224 x 370, colour type 2 (RGB).
    expect(await inspectImage(join(SHARED_DATA, 'kitti/image_2/000000.png'))).toEqual({ format: 'png', width: 1224, height: 370, channels: 3 });
  });
});
