import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { PathGuard } from './pathGuard';
import { ProjectService } from './projectService';
import { ModelService } from './models';
import { serveBlob } from './blobs';
import { DATA, NEEDS_DATA } from './inference/testing/fixtures';
import { CROP_SIZE } from './predictionCrops';

const KITTI = path.join(DATA, 'kitti');
const service = new ModelService(null);
afterAll(() => service.close());

describe.skipIf(!existsSync(path.join(KITTI, 'velodyne', '000000.bin')))(`3D prediction crops for the review strip ${NEEDS_DATA}`, () => {
  it('serves the bird\'s-eye and camera crops of a real KITTI prediction, cached, and refuses bad requests', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'crops-'));
    for (const [sub, f] of [['velodyne', '000000.bin'], ['calib', '000000.txt'], ['image_2', '000000.png']]) {
      mkdirSync(path.join(dir, sub), { recursive: true });
      copyFileSync(path.join(KITTI, sub, f), path.join(dir, sub, f));
    }
    const projects = new ProjectService(new PathGuard());
    await projects.create(dir, 'crops');
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const item = projects.listItems({ offset: 0, limit: 10 } as never).items.find((i) => i.modality === 'pointcloud')!;
    await service.prelabel(projects, 'proposals3d');
    const objects = (await projects.loadAnnotations(item.id)).objects;
    // the most confident prediction in front of the car (+x) and well inside camera 2's ±41° view
    const front = objects.filter((o) => o.geometry.kind === 'cuboid3d' && o.geometry.center[0] > 5 && Math.abs(o.geometry.center[1]) < 0.7 * o.geometry.center[0]).sort((a, b) => (b.source as { score: number }).score - (a.source as { score: number }).score)[0];
    const behind = objects.find((o) => o.geometry.kind === 'cuboid3d' && o.geometry.center[0] < -5);
    expect(front).toBeTruthy();

    const get = (p: string) => serveBlob(projects, p, undefined);
    const bev = await get(`/thumb/prediction/${item.id}/${front.id}/bev`);
    expect(bev.status).toBe(200);
    expect(bev.headers['content-type']).toBe('image/png');
    const meta = await sharp(bev.body as Buffer).metadata();
    expect([meta.width, meta.height]).toEqual([CROP_SIZE, CROP_SIZE]);
    // the box's own points are there: more than a few pixels differ from the background and the outline
    const { data } = await sharp(bev.body as Buffer).raw().toBuffer({ resolveWithObject: true });
    let lit = 0;
    for (let i = 0; i < data.length; i += meta.channels!) if (data[i] !== 14 && data[i] !== 240) lit++;
    expect(lit).toBeGreaterThan(20);

    const cam = await get(`/thumb/prediction/${item.id}/${front.id}/camera`);
    expect(cam.status).toBe(200);
    const camMeta = await sharp(cam.body as Buffer).metadata();
    expect(camMeta.height).toBeLessThanOrEqual(CROP_SIZE);
    expect(camMeta.width).toBeGreaterThan(10);
    if (behind) expect((await get(`/thumb/prediction/${item.id}/${behind.id}/camera`)).status).toBe(404); // not in the image

    // cached under .datum/crops, and the same bytes come back
    expect(readdirSync(path.join(dir, '.datum', 'crops')).filter((f) => f.startsWith(`${item.id}-`)).length).toBeGreaterThanOrEqual(2);
    expect(Buffer.compare((await get(`/thumb/prediction/${item.id}/${front.id}/bev`)).body as Buffer, bev.body as Buffer)).toBe(0);

    expect((await get(`/thumb/prediction/${item.id}/${front.id}/side`)).status).toBe(400);
    expect((await get(`/thumb/prediction/${item.id}/${encodeURIComponent('../../datum.json')}/bev`)).status).toBe(400);
    expect((await get(`/thumb/prediction/${item.id}/no-such-object/bev`)).status).toBe(404);
    expect((await get(`/thumb/prediction/no-such-item/${front.id}/bev`)).status).toBe(404);
  });
});

describe.skipIf(!existsSync(path.join(DATA, 'sustech', 'calib', 'camera', 'front.json')))(`camera crops of a raw SUSTech frame ${NEEDS_DATA}`, () => {
  it('cuts the crop from the camera whose calibration shows the box (calib:<cam> + camera/<cam>/N.jpg)', { timeout: 120_000 }, async () => {
    const src = path.join(DATA, 'sustech');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'crops-sustech-'));
    mkdirSync(path.join(dir, 'lidar'));
    copyFileSync(path.join(src, 'lidar', '000965.pcd'), path.join(dir, 'lidar', '000965.pcd'));
    for (const cam of ['front', 'left', 'right']) {
      mkdirSync(path.join(dir, 'camera', cam), { recursive: true });
      copyFileSync(path.join(src, 'camera', cam, '000965.jpg'), path.join(dir, 'camera', cam, '000965.jpg'));
      mkdirSync(path.join(dir, 'calib', 'camera'), { recursive: true });
      copyFileSync(path.join(src, 'calib', 'camera', `${cam}.json`), path.join(dir, 'calib', 'camera', `${cam}.json`));
    }
    const projects = new ProjectService(new PathGuard());
    await projects.create(dir, 'crops sustech');
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const item = projects.listItems({ offset: 0, limit: 10 } as never).items.find((i) => i.modality === 'pointcloud')!;
    expect(Object.keys(item.companions ?? {})).toEqual(expect.arrayContaining(['calib:front', 'calib:left', 'calib:right']));
    await service.prelabel(projects, 'proposals3d', { itemIds: [item.id] });
    const objects = (await projects.loadAnnotations(item.id)).objects;
    const statuses = await Promise.all(objects.map(async (o) => (await serveBlob(projects, `/thumb/prediction/${item.id}/${o.id}/camera`, undefined)).status));
    // Some predictions are seen by one of the three cameras, some by none (behind, out of view).
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200 || s === 404)).toBe(true);
  });
});
