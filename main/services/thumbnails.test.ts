import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { ItemSummary } from '../../preload/contract';
import { thumbnail } from './thumbnails';

const KITTI = path.resolve(__dirname, '../../../shared/data/kitti/velodyne');
const item = (id: string, modality: ItemSummary['modality']): ItemSummary => ({ id, name: id, source: 'main', modality, size: 1, mtime: 1, status: 'new' });

describe('point-cloud thumbnails', () => {
  it('a KITTI cloud becomes a 256 px bird\'s-eye PNG, cached in .datum/thumbs', async () => {
    const project = mkdtempSync(path.join(os.tmpdir(), 'thumb-'));
    const t = await thumbnail(project, item('k0', 'pointcloud'), path.join(KITTI, '000000.bin'));
    expect(t?.type).toBe('image/png');
    const meta = await sharp(t!.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 256, 256]);
    const { data } = await sharp(t!.data).raw().toBuffer({ resolveWithObject: true });
    let lit = 0;
    for (let p = 0; p < data.length; p += meta.channels!) if (data[p] !== 14 || data[p + 1] !== 18 || data[p + 2] !== 23) lit++;
    expect(lit).toBeGreaterThan(2000); // a street, not a placeholder
    expect(existsSync(path.join(project, '.datum', 'thumbs', 'k0-1.png'))).toBe(true);
  });

  it('a point-cloud sequence uses its first frame; an unreadable cloud gives none', async () => {
    const project = mkdtempSync(path.join(os.tmpdir(), 'thumb-'));
    const seq = path.join(project, 'drive');
    mkdirSync(seq);
    writeFileSync(path.join(seq, 'sequence.json'), JSON.stringify({ kind: 'pointcloud', frames: [{ cloud: path.relative(seq, path.join(KITTI, '000001.bin')) }] }));
    // The frame lies outside the sequence folder: refused.
    expect(await thumbnail(project, item('s0', 'pointcloud-sequence'), seq)).toBeNull();
    const { copyFileSync } = await import('node:fs');
    copyFileSync(path.join(KITTI, '000001.bin'), path.join(seq, 'a.bin'));
    writeFileSync(path.join(seq, 'sequence.json'), JSON.stringify({ kind: 'pointcloud', frames: [{ cloud: 'a.bin' }, { cloud: 'b.bin' }] }));
    const t = await thumbnail(project, item('s1', 'pointcloud-sequence'), seq);
    expect(t?.type).toBe('image/png');
    writeFileSync(path.join(project, 'bad.pcd'), 'not a cloud');
    expect(await thumbnail(project, item('b', 'pointcloud'), path.join(project, 'bad.pcd'))).toBeNull();
  });
});
