import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PathGuard } from './pathGuard';
import { ProjectService } from './projectService';
import { ModelService } from './models';
import { DATA, NEEDS_DATA } from './inference/testing/fixtures';
import type { AnnotationObject, Cuboid3D } from '../../core/document/schema';
import { DEFAULT_PROPOSAL_THRESHOLD } from '../../core/lidar/proposalThreshold';

const KITTI = path.join(DATA, 'kitti');
const HAVE_KITTI = existsSync(path.join(KITTI, 'velodyne', '000000.bin'));
const service = new ModelService(null);
afterAll(() => service.close());

/** Raw KITTI points (x, y, z, intensity float32) inside a cuboid, in the file's own frame. */
function pointsInside(file: string, b: Cuboid3D): number {
  const buf = readFileSync(file);
  const f = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const c = Math.cos(-b.yaw), s = Math.sin(-b.yaw);
  let n = 0;
  for (let i = 0; i + 3 < f.length; i += 4) {
    const dx = f[i] - b.center[0], dy = f[i + 1] - b.center[1], dz = f[i + 2] - b.center[2];
    const lx = dx * c - dy * s, ly = dx * s + dy * c;
    if (Math.abs(lx) <= b.size[0] / 2 + 0.05 && Math.abs(ly) <= b.size[1] / 2 + 0.05 && Math.abs(dz) <= b.size[2] / 2 + 0.05) n++;
  }
  return n;
}

describe.skipIf(!HAVE_KITTI)(`3D pre-labelling on the KITTI sample ${NEEDS_DATA}`, () => {
  it('writes cuboids with source model + score for clouds and every sequence frame, in the file frame, resumably', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'prelabel3d-'));
    for (const sub of ['velodyne', 'calib', 'image_2', 'label_2']) {
      mkdirSync(path.join(dir, 'kitti', sub), { recursive: true });
      for (const f of readdirSync(path.join(KITTI, sub)).slice(0, 1)) copyFileSync(path.join(KITTI, sub, f), path.join(dir, 'kitti', sub, f));
    }
    mkdirSync(path.join(dir, 'drive'));
    for (const f of ['000001.bin', '000002.bin']) copyFileSync(path.join(KITTI, 'velodyne', f), path.join(dir, 'drive', f));
    writeFileSync(path.join(dir, 'drive', 'sequence.json'), JSON.stringify({ kind: 'pointcloud', frames: [{ cloud: '000001.bin' }, { cloud: '000002.bin' }] }));
    const projects = new ProjectService(new PathGuard());
    await projects.create(dir, 'prelabel 3d');
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const items = projects.listItems({ offset: 0, limit: 100 } as never).items;
    const cloud = items.find((i) => i.modality === 'pointcloud')!;
    const seq = items.find((i) => i.modality === 'pointcloud-sequence')!;
    expect(cloud && seq).toBeTruthy();

    const r = await service.prelabel(projects, 'proposals3d');
    expect(r).toMatchObject({ items: 2, skipped: 0, failed: [] });
    expect(r.predictions).toBeGreaterThan(3);

    const single = (await projects.loadAnnotations(cloud.id)).objects;
    expect(single.length).toBeGreaterThan(0);
    for (const o of single) {
      expect(o.geometry.kind).toBe('cuboid3d');
      expect(o.source).toMatchObject({ kind: 'model', model: 'proposals3d' });
      // at or above the built-in model's threshold (its manifest), the calibrated default
      expect((o.source as { score: number }).score).toBeGreaterThanOrEqual(DEFAULT_PROPOSAL_THRESHOLD);
    }
    // stored in the file's frame: the raw points of the .bin fall inside the best boxes
    const best = [...single].sort((a, b) => (b.source as { score: number }).score - (a.source as { score: number }).score)[0];
    expect(pointsInside(projects.itemPath(cloud.id), best.geometry as Cuboid3D)).toBeGreaterThan(10);

    const frames = new Set((await projects.loadAnnotations(seq.id)).objects.map((o: AnnotationObject) => o.frame));
    expect([...frames].sort()).toEqual([0, 1]);
    const labels = projects.requireProject().file.ontology.labels;
    expect(labels.length).toBeGreaterThan(0);

    // resumable: a second run proposes again but adds nothing (every proposal matches its own prediction)
    const again = await service.prelabel(projects, 'proposals3d');
    expect(again).toMatchObject({ items: 2, skipped: 2, predictions: 0, known: r.predictions });
  });

  it('re-running never brings back a rejected or deleted prediction and never duplicates an accepted one', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'prelabel3d-again-'));
    for (const sub of ['velodyne', 'calib', 'image_2']) {
      mkdirSync(path.join(dir, 'kitti', sub), { recursive: true });
      for (const f of readdirSync(path.join(KITTI, sub)).slice(0, 1)) copyFileSync(path.join(KITTI, sub, f), path.join(dir, 'kitti', sub, f));
    }
    const projects = new ProjectService(new PathGuard());
    await projects.create(dir, 'prelabel twice');
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const item = projects.listItems({ offset: 0, limit: 10 } as never).items.find((i) => i.modality === 'pointcloud')!;
    const first = await service.prelabel(projects, 'proposals3d');
    expect(first.predictions).toBeGreaterThanOrEqual(4);
    const { rejectionOf, acceptPrediction } = await import('../../core/review/predictions');
    const doc = await projects.loadAnnotations(item.id);
    const [rejected, accepted, deleted, ...rest] = [...doc.objects].sort((a, b) => (b.source as { score: number }).score - (a.source as { score: number }).score);
    // What the review does: reject one (remembered), accept one, accept and then delete one (remembered as deleted).
    await projects.saveAnnotations(item.id, {
      ...doc,
      objects: [acceptPrediction(accepted, 1), ...rest],
      rejected: [rejectionOf(rejected, 2)!, rejectionOf(acceptPrediction(deleted, 1), 3)!],
    });
    const second = await service.prelabel(projects, 'proposals3d');
    expect(second).toMatchObject({ items: 1, skipped: 1, predictions: 0, known: first.predictions, failed: [] });
    const after = await projects.loadAnnotations(item.id);
    expect(after.objects).toHaveLength(first.predictions - 2);
    expect(after.objects.map((o) => o.id)).not.toContain(rejected.id);
    expect(after.objects.filter((o) => o.accepted).map((o) => o.id)).toEqual([accepted.id]);
    expect(after.rejected?.map((x) => [x.id, x.reason])).toEqual([
      [rejected.id, 'rejected'],
      [deleted.id, 'deleted'],
    ]);

    // Forgetting the rejections (a document without them) brings exactly those two back: the matching is what kept them out.
    await projects.saveAnnotations(item.id, { ...after, rejected: [] });
    const third = await service.prelabel(projects, 'proposals3d');
    expect(third).toMatchObject({ predictions: 2 });
  });
});

describe.skipIf(!HAVE_KITTI)(`3D pre-labelling with a learned detector (pointpillars adapter, PointPillars-signature test graph) ${NEEDS_DATA}`, () => {
  it('writes cuboids from the ONNX model for clouds and sequence frames, resumably, and imports with --preset pointpillars', { timeout: 120_000 }, async () => {
    const { writePointPillarsModel, pointPillarsGraph } = await import('./inference/testing/pointPillarsModel');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'prelabel-pp-'));
    mkdirSync(path.join(dir, 'velodyne'));
    copyFileSync(path.join(KITTI, 'velodyne', '000000.bin'), path.join(dir, 'velodyne', '000000.bin'));
    mkdirSync(path.join(dir, 'drive'));
    for (const f of ['000001.bin', '000002.bin']) copyFileSync(path.join(KITTI, 'velodyne', f), path.join(dir, 'drive', f));
    writeFileSync(path.join(dir, 'drive', 'sequence.json'), JSON.stringify({ kind: 'pointcloud', frames: [{ cloud: '000001.bin' }, { cloud: '000002.bin' }] }));
    // a project model: Car where a 2 x 2 pillar block holds more than 40 points (see pointPillarsModel.ts)
    writePointPillarsModel(path.join(dir, 'models'), 'pp-kitti', { layout: 'openpcdet', head: 'anchor', threshold: 40, capacity: 16000 });
    // and one whose file has the wrong input names for its manifest
    writePointPillarsModel(path.join(dir, 'models'), 'pp-broken', { layout: 'openpcdet', head: 'anchor', threshold: 40, capacity: 100, inputOverride: { num: { name: 'num_voxels', dims: [1], type: 'int32' } } });
    const projects = new ProjectService(new PathGuard());
    await projects.create(dir, 'prelabel pointpillars');
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const items = projects.listItems({ offset: 0, limit: 100 } as never).items;
    const cloud = items.find((i) => i.modality === 'pointcloud')!;
    const seq = items.find((i) => i.modality === 'pointcloud-sequence')!;
    expect(cloud && seq).toBeTruthy();
    const models = new ModelService(null);
    try {
      expect((await models.info(dir)).models.find((m) => m.id === 'pp-kitti')).toMatchObject({ task: 'detect3d', adapter: 'pointpillars', source: 'project' });
      await expect(models.prelabel(projects, 'pp-broken')).rejects.toThrow(/pp-broken[\\/]model\.onnx: does not fit a pointpillars model: no input voxel_num \(the openpcdet layout needs inputs voxels, voxel_num, voxel_idxs; the model has voxels, num_voxels, voxel_idxs\)/);
      const r = await models.prelabel(projects, 'pp-kitti');
      expect(r).toMatchObject({ items: 2, skipped: 0, failed: [] });
      const single = (await projects.loadAnnotations(cloud.id)).objects;
      expect(single.length).toBeGreaterThan(0);
      for (const o of single) {
        expect(o.geometry.kind).toBe('cuboid3d');
        expect(o.source).toMatchObject({ kind: 'model', model: 'pp-kitti' });
        expect((o.source as { score: number }).score).toBeGreaterThan(0.5);
      }
      const labels = projects.requireProject().file.ontology.labels;
      const car = labels.find((l) => l.name === 'Car')!;
      expect(car).toBeTruthy();
      // the best box sits over the densest block: many raw points of the file fall inside it
      const best = [...single].sort((a, b) => (b.source as { score: number }).score - (a.source as { score: number }).score)[0];
      expect(best.label).toBe(car.id);
      expect(pointsInside(projects.itemPath(cloud.id), best.geometry as Cuboid3D)).toBeGreaterThan(40);
      const seqObjects = (await projects.loadAnnotations(seq.id)).objects;
      expect([...new Set(seqObjects.map((o: AnnotationObject) => o.frame))].sort()).toEqual([0, 1]);
      expect(r.predictions).toBe(single.length + seqObjects.length);
      // a second run predicts again but adds nothing: every box is known (core/review/predictions.ts)
      expect(await models.prelabel(projects, 'pp-kitti')).toMatchObject({ items: 2, skipped: 2, predictions: 0 });
      // the same export imported with the preset: KITTI classes, anchors and grid filled in
      const onnx = path.join(dir, 'export.onnx');
      writeFileSync(onnx, pointPillarsGraph({ layout: 'openpcdet', head: 'anchor', threshold: 40, capacity: 10000 }));
      const imported = await models.import(onnx, { preset: 'pointpillars', destRoot: path.join(dir, 'user-models') });
      expect(imported.manifest).toMatchObject({ adapter: 'pointpillars', classes: ['Car', 'Pedestrian', 'Cyclist'], voxel: { pointCloudRange: [0, -39.68, -3, 69.12, 39.68, 1] }, head: { type: 'anchor', nms: { classAgnostic: true } } });
    } finally {
      await models.close();
    }
  });
});

describe('click-to-segment over RPC (sam.embed / sam.segment)', () => {
  it('a SAM-signature model in the project library returns the polygon and mask RLE', { timeout: 60_000 }, async () => {
    const { writeTinySam } = await import('./inference/testing/samModel');
    const { createHandlers } = await import('../rpc/handlers');
    const sharp = (await import('sharp')).default;
    const { decodeRle } = await import('../../core/geometry/rle');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sam-rpc-'));
    mkdirSync(path.join(dir, 'images'));
    await sharp({ create: { width: 160, height: 120, channels: 3, background: '#336699' } }).png().toFile(path.join(dir, 'images', 'a.png'));
    writeTinySam(path.join(dir, 'models'), { width: 160, height: 120, rect: [40, 30, 100, 80] });
    const projects = new ProjectService(new PathGuard());
    await projects.create(dir, 'sam');
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const itemId = projects.listItems({ offset: 0, limit: 10 } as never).items.find((i) => i.modality === 'image')!.id;
    const models = new ModelService(null);
    try {
      const h = createHandlers(projects, {} as never, { host: 'headless', version: 'test', demoDir: dir }, models);
      const ctx = { signal: new AbortController().signal, progress: () => {}, emit: () => {} } as never;
      const listed = await h['models.list']({}, ctx);
      expect(listed.models.find((m) => m.id === 'tiny-sam')?.task).toBe('promptable-segment');
      expect(await h['sam.embed']({ itemId, modelId: 'tiny-sam' }, ctx)).toEqual({ width: 160, height: 120 });
      const r = await h['sam.segment']({ itemId, modelId: 'tiny-sam', points: [{ x: 70, y: 50, label: 1 }, { x: 5, y: 5, label: 0 }] }, ctx);
      expect(r.polygon).toEqual([40, 30, 99, 30, 99, 79, 40, 79]);
      expect(r.score).toBeCloseTo(0.93);
      expect(r.box).toEqual([40, 30, 100, 80]);
      expect(decodeRle(r.mask.counts, 160, 120).reduce((s: number, v: number) => s + v, 0)).toBe(60 * 50);
      await expect(h['sam.segment']({ itemId, modelId: 'proposals3d', points: [{ x: 1, y: 1, label: 1 }] }, ctx)).rejects.toThrow(/promptable-segment/);
      await expect(h['sam.segment']({ itemId, modelId: '/etc/x.json', points: [{ x: 1, y: 1, label: 1 }] }, ctx)).rejects.toThrow();
    } finally {
      await models.close();
    }
  });
});
