import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { indexSources } from './indexer';
import type { ItemSummary } from '../../preload/contract';

const DATA = path.resolve(__dirname, '../../../shared/data');

function tree(files: string[]): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'idx-'));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), f.endsWith('sequence.json') ? '{"kind":"pointcloud","frames":[{"cloud":"a.bin"},{"cloud":"b.bin"}]}' : 'x');
  }
  return root;
}

const never = new AbortController().signal;

describe('indexSources', () => {
  it('classifies files, treats sequence folders as one item and finds KITTI companions', async () => {
    const root = tree([
      'a.jpg',
      'b.PNG',
      'notes.txt',
      'clip.mp4',
      'brain.nii.gz',
      'ct/1.dcm',
      'kitti/velodyne/000001.bin',
      'kitti/image_2/000001.png',
      'kitti/calib/000001.txt',
      'drive/sequence.json',
      'drive/a.bin',
      'drive/b.bin',
      '.hidden/x.jpg',
      'annotations/ignored.png',
    ]);
    const r = await indexSources([{ spec: { id: 'main', path: '.' }, absPath: root }], [], () => {}, never);
    const byName = Object.fromEntries(r.items.map((i) => [i.name, i]));
    expect(Object.keys(byName).sort()).toEqual(
      ['a.jpg', 'b.PNG', 'brain.nii.gz', 'clip.mp4', 'ct/1.dcm', 'drive', 'kitti/velodyne/000001.bin'].sort(),
    );
    expect(byName['drive'].modality).toBe('pointcloud-sequence');
    expect(byName['drive'].frames).toBe(2);
    expect(byName['brain.nii.gz'].modality).toBe('nifti');
    expect(byName['kitti/velodyne/000001.bin'].companions).toEqual({ image: 'kitti/image_2/000001.png', calib: 'kitti/calib/000001.txt' });
    expect(r.added).toBe(7);
  });

  it('reuses records on a second pass and reports changed and removed files', async () => {
    const root = tree(['a.jpg', 'b.jpg', 'c.jpg']);
    const src = [{ spec: { id: 'main', path: '.' }, absPath: root }];
    const first = await indexSources(src, [], () => {}, never);
    first.items[0].status = 'accepted';
    utimesSync(path.join(root, 'b.jpg'), new Date(), new Date(Date.now() + 5000));
    writeFileSync(path.join(root, 'd.jpg'), 'x');
    const { rmSync } = await import('node:fs');
    rmSync(path.join(root, 'c.jpg'));
    const second = await indexSources(src, first.items, () => {}, never);
    expect(second.items.map((i) => i.name)).toEqual(['a.jpg', 'b.jpg', 'd.jpg']);
    expect(second.items[0].status).toBe('accepted'); // kept from the cache
    expect([second.added, second.changed, second.removed]).toEqual([1, 1, 1]);
  });

  it('stops when aborted', async () => {
    const root = tree(Array.from({ length: 300 }, (_, i) => `d${i % 10}/f${i}.jpg`));
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(indexSources([{ spec: { id: 'main', path: '.' }, absPath: root }], [], () => {}, ctrl.signal)).rejects.toThrow();
  });

  it('keeps images that only look like companions as items (no cloud with that stem, plain image folders)', async () => {
    const root = tree([
      'kitti/velodyne/000001.bin',
      'kitti/image_2/000001.png',
      'kitti/image_2/000002.png', // no velodyne/000002.bin
      'kitti/image_3/000001.png',
      'photos/000001.png',
      'sus/lidar/000010.pcd',
      'sus/camera/front/000010.jpg',
      'sus/camera/front/000011.jpg', // no lidar/000011.pcd
      'sus/calib/camera/front.json',
      'other/camera/front/000010.jpg', // not beside that lidar folder
      'pcds/000010.pcd', // not in a lidar/ folder
      'pcds/000010.jpg',
    ]);
    const r = await indexSources([{ spec: { id: 'main', path: '.' }, absPath: root }], [], () => {}, never);
    const byName = Object.fromEntries(r.items.map((i) => [i.name, i]));
    expect(Object.keys(byName).sort()).toEqual(
      [
        'kitti/image_2/000002.png',
        'kitti/velodyne/000001.bin',
        'other/camera/front/000010.jpg',
        'pcds/000010.jpg',
        'pcds/000010.pcd',
        'photos/000001.png',
        'sus/camera/front/000011.jpg',
        'sus/lidar/000010.pcd',
      ].sort(),
    );
    expect(byName['kitti/velodyne/000001.bin'].companions).toEqual({ image: 'kitti/image_2/000001.png', 'image:image_3': 'kitti/image_3/000001.png' });
    expect(byName['sus/lidar/000010.pcd'].companions).toEqual({ image: 'sus/camera/front/000010.jpg', 'calib:front': 'sus/calib/camera/front.json' });
    expect(byName['pcds/000010.pcd'].companions).toBeUndefined();
  });

  it('an index cached before companions were folded in (images as items) is updated by a rescan', async () => {
    const root = tree(['kitti/velodyne/000001.bin', 'kitti/image_2/000001.png', 'kitti/calib/000001.txt']);
    const src = [{ spec: { id: 'main', path: '.' }, absPath: root }];
    const now = await indexSources(src, [], () => {}, never);
    // What an older host wrote: the companion image as an item, the cloud accepted.
    const old: ItemSummary[] = [
      { ...now.items[0], status: 'accepted' },
      { id: 'old-image-item', name: 'kitti/image_2/000001.png', source: 'main', modality: 'image', size: 1, mtime: 0, status: 'new' },
    ];
    delete old[0].companions;
    const r = await indexSources(src, old, () => {}, never);
    expect(r.items.map((i) => i.name)).toEqual(['kitti/velodyne/000001.bin']);
    expect(r.items[0].status).toBe('accepted');
    expect(r.items[0].companions).toEqual({ image: 'kitti/image_2/000001.png', calib: 'kitti/calib/000001.txt' });
    expect([r.added, r.changed, r.removed]).toEqual([0, 0, 1]);
  });

  describe('real datasets (../shared/data)', () => {
    const index = (rel: string) => indexSources([{ spec: { id: 'main', path: '.' }, absPath: path.join(DATA, rel) }], [], () => {}, never);

    it('KITTI object: 3 clouds, each with image, calib and labels; no image items', async () => {
      const r = await index('kitti');
      expect(r.items.map((i) => [i.name, i.modality])).toEqual(
        ['000000', '000001', '000002'].map((n) => [`velodyne/${n}.bin`, 'pointcloud']),
      );
      expect(r.items[0].companions).toEqual({ image: 'image_2/000000.png', calib: 'calib/000000.txt', labels: 'label_2/000000.txt' });
    });

    it('KITTI tracking 0001: 11 clouds with companions', async () => {
      const r = await index('kitti-tracking-0001/training');
      expect(r.items).toHaveLength(11);
      expect(r.items.every((i) => i.modality === 'pointcloud' && i.companions?.image && i.companions.calib && i.companions.labels)).toBe(true);
    });

    it('SUSTech: one item per lidar frame, the camera JPGs and calibrations as companions', async () => {
      const r = await index('sustech');
      expect(r.items.map((i) => i.name)).toEqual(['lidar/000950.pcd', 'lidar/000965.pcd', 'lidar/000970.pcd', 'lidar/000975.pcd']);
      expect(r.items[0].companions).toBeUndefined(); // 000950 has no camera images
      expect(r.items[1].companions).toEqual({
        image: 'camera/front/000965.jpg',
        'image:left': 'camera/left/000965.jpg',
        'image:right': 'camera/right/000965.jpg',
        'calib:front': 'calib/camera/front.json',
        'calib:left': 'calib/camera/left.json',
        'calib:right': 'calib/camera/right.json',
      });
    });

    it('nuScenes: the LIDAR_TOP sample is one item with its six camera images and the info file', async () => {
      const r = await index('nuscenes');
      expect(r.items.map((i) => [i.name, i.modality])).toEqual([['n015-2018-07-24-11-22-45+0800__LIDAR_TOP__1532402927647951.pcd.bin', 'pointcloud']]);
      const c = r.items[0].companions!;
      expect(c.image).toBe('n015-2018-07-24-11-22-45+0800__CAM_FRONT__1532402927612460.jpg');
      expect(Object.keys(c).sort()).toEqual(['image', 'image:CAM_BACK', 'image:CAM_BACK_LEFT', 'image:CAM_BACK_RIGHT', 'image:CAM_FRONT_LEFT', 'image:CAM_FRONT_RIGHT', 'info']);
      expect(c.info).toBe('n015-2018-07-24-11-22-45+0800.pkl.json');
    });
  });
});
