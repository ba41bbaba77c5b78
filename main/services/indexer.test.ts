import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { indexSources } from './indexer';

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
      ['a.jpg', 'b.PNG', 'brain.nii.gz', 'clip.mp4', 'ct/1.dcm', 'drive', 'kitti/image_2/000001.png', 'kitti/velodyne/000001.bin'].sort(),
    );
    expect(byName['drive'].modality).toBe('pointcloud-sequence');
    expect(byName['drive'].frames).toBe(2);
    expect(byName['brain.nii.gz'].modality).toBe('nifti');
    expect(byName['kitti/velodyne/000001.bin'].companions).toEqual({ image: 'kitti/image_2/000001.png', calib: 'kitti/calib/000001.txt' });
    expect(r.added).toBe(8);
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
});
