import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProjectService } from '../projectService';
import { PathGuard } from '../pathGuard';
import type { AnnotationObject, Cuboid3D } from '../../../core/document/schema';
import { decodeSemanticKittiLabels } from '../../../core/formats/semantickitti/labels';
import { parsePointCloud } from '../../../core/formats/pointcloud';
import { encodeLabels } from '../../../core/editing/lidar/pointLabels';
import { getFormat } from '.';

const KITTI = path.resolve(__dirname, '../../../../shared/data/kitti');
const haveKitti = existsSync(path.join(KITTI, 'label_2'));
if (!haveKitti) console.warn(`semantickitti instance tests skipped: ${KITTI} is absent`);
const SUSTECH = path.resolve(__dirname, '../../../../shared/data/sustech');
const haveSustech = existsSync(path.join(SUSTECH, 'label'));
if (!haveSustech) console.warn(`semantickitti sequence instance test skipped: ${SUSTECH} is absent`);

/** A copy of the KITTI sample as a project, label_2 imported (cuboids in the LiDAR frame). */
async function kittiProject() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'skitti-inst-'));
  const data = path.join(root, 'kitti');
  cpSync(KITTI, data, { recursive: true });
  const projects = new ProjectService(new PathGuard());
  await projects.create(data);
  await projects.refreshIndex(() => {}, new AbortController().signal);
  await getFormat('kitti')!.import!(data, { projects, warn: () => {} });
  const item = (stem: string) => projects.listItems({ offset: 0, limit: 10, search: stem, modality: ['pointcloud'] }).items[0];
  // x y z straight from the .bin (float32, 16 bytes a point), independent of the export's parser.
  const points = (stem: string) => {
    const b = readFileSync(path.join(data, 'velodyne', `${stem}.bin`));
    return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  };
  return { root, projects, item, points };
}

/**
 * Where point i lies with respect to a box, written out independently of pointsInBox, with a 1 cm
 * band around the faces left undecided so float rounding cannot make the test flaky.
 */
function side(xyzi: Float32Array, i: number, b: Cuboid3D, grow = 0, stride = 4): 'in' | 'out' | 'edge' {
  const dx = xyzi[i * stride] - b.center[0];
  const dy = xyzi[i * stride + 1] - b.center[1];
  const dz = xyzi[i * stride + 2] - b.center[2];
  const along = Math.abs(dx * Math.cos(b.yaw) + dy * Math.sin(b.yaw));
  const across = Math.abs(-dx * Math.sin(b.yaw) + dy * Math.cos(b.yaw));
  const slack = [along - b.size[0] / 2 - grow, across - b.size[1] / 2 - grow, Math.abs(dz) - b.size[2] / 2 - grow];
  if (slack.every((s) => s < -0.01)) return 'in';
  if (slack.some((s) => s > 0.01)) return 'out';
  return 'edge';
}

const cuboidOf = (objects: AnnotationObject[], label: string) => {
  const o = objects.find((x) => x.label === label && x.geometry.kind === 'cuboid3d');
  if (!o) throw new Error(`no ${label} cuboid`);
  return o;
};

describe('semantickitti exchange format', () => {
  it('writes 4 bytes per point: ontology position in the low 16 bits, 0 instance', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'skitti-x-'));
    const data = path.join(root, 'data');
    mkdirSync(path.join(data, 'velodyne'), { recursive: true });
    const n = 1000;
    const pts = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) pts.set([i * 0.01, 1, 0, 0.5], i * 4);
    writeFileSync(path.join(data, 'velodyne', '000007.bin'), Buffer.from(pts.buffer));
    writeFileSync(path.join(data, 'velodyne', '000008.bin'), Buffer.from(pts.buffer)); // no labels: no file
    const projects = new ProjectService(new PathGuard());
    await projects.create(data);
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const item = projects.listItems({ offset: 0, limit: 10, search: '000007', modality: ['pointcloud'] }).items[0];
    const labels = new Uint16Array(n);
    for (let i = 0; i < n; i++) labels[i] = i % 3; // 0 unlabelled, 1 and 2 the first two ontology labels
    const doc = await projects.loadAnnotations(item.id);
    await projects.saveAnnotations(item.id, { ...doc, pointLabels: [{ frame: 0, count: n, data: encodeLabels(labels) }] });

    const out = path.join(root, 'out');
    const e = await getFormat('semantickitti')!.export!(out, { projects });
    expect(e.warnings).toEqual([]);
    expect(e.files.map((f) => path.relative(out, f)).sort()).toEqual(['classes.json', path.join('labels', '000007.label')]);
    const bytes = readFileSync(path.join(out, 'labels', '000007.label'));
    expect(bytes.byteLength).toBe(4 * n);
    for (let i = 0; i < n; i++) expect(bytes.readUInt32LE(i * 4)).toBe(i % 3);
    const classes = JSON.parse(readFileSync(path.join(out, 'classes.json'), 'utf8')).classes;
    const onto = projects.current()!.ontology.labels;
    expect(classes[0]).toMatchObject({ id: 0, name: 'unlabeled' });
    expect(classes[1]).toMatchObject({ id: 1, label: onto[0].id });
    expect(classes[2]).toMatchObject({ id: 2, label: onto[1].id });
  });

  describe.skipIf(!haveKitti)('instance ids from cuboids (real KITTI frames)', () => {
    it('labelled points inside a cuboid get its track_id; outside, unlabelled and class ids stay as they were', async () => {
      const { root, projects, item, points } = await kittiProject();
      const onto = projects.current()!.ontology.labels;
      const car = onto.findIndex((l) => l.id === 'car') + 1;
      const other = car === 1 ? 2 : 1;
      const it2 = item('000002');
      const xyzi = points('000002');
      const n = xyzi.length / 4;
      const doc = await projects.loadAnnotations(it2.id);
      // 000002.txt: Misc at 8.5 m, Car at 34 m (the one with many points). Only the car is a track.
      const carObj = cuboidOf(doc.objects, 'car');
      const misc = cuboidOf(doc.objects, onto.find((l) => l.name === 'Misc')!.id);
      const carBox = carObj.geometry as Cuboid3D;
      const miscBox = misc.geometry as Cuboid3D;
      // Lasso-like labels: the car and a 1.5 m ring around it as "car", every third point elsewhere
      // (the Misc box included) as another class, the rest unlabelled.
      const classIds = new Uint16Array(n);
      for (let i = 0; i < n; i++) classIds[i] = side(xyzi, i, carBox, 1.5) !== 'out' ? car : i % 3 === 0 ? other : 0;
      const objects = doc.objects.map((o) => (o.id === carObj.id ? { ...o, attributes: { ...o.attributes, track_id: 7 } } : o));
      await projects.saveAnnotations(it2.id, { ...doc, objects, pointLabels: [{ frame: 0, count: n, data: encodeLabels(classIds) }] });

      const out = path.join(root, 'out');
      const e = await getFormat('semantickitti')!.export!(out, { projects });
      expect(e.warnings).toEqual([]);
      const { semantic, instance } = decodeSemanticKittiLabels(readFileSync(path.join(out, 'labels', '000002.label')));
      expect(Array.from(semantic)).toEqual(Array.from(classIds));
      const tally = { car: 0, misc: 0, ring: 0, unlabelledInBox: 0 };
      for (let i = 0; i < n; i++) {
        const inCar = side(xyzi, i, carBox);
        const inMisc = side(xyzi, i, miscBox);
        if (classIds[i] === 0) {
          expect(instance[i], `unlabelled point ${i}`).toBe(0);
          if (inCar === 'in' || inMisc === 'in') tally.unlabelledInBox++;
        } else if (inCar === 'in') {
          expect(instance[i], `point ${i} inside the car`).toBe(7);
          tally.car++;
        } else if (inMisc === 'in') {
          // No track_id: the first generated id.
          expect(instance[i], `point ${i} inside Misc`).toBe(1000);
          tally.misc++;
        } else if (inCar === 'out' && inMisc === 'out') {
          expect(instance[i], `labelled point ${i} outside every box`).toBe(0);
          if (classIds[i] === car) tally.ring++;
        }
      }
      // The scene really exercises every case (a test over empty sets would prove nothing).
      expect(tally.car).toBeGreaterThan(50);
      expect(tally.misc).toBeGreaterThan(20);
      expect(tally.ring).toBeGreaterThan(10);
      expect(tally.unlabelledInBox).toBeGreaterThan(20);
      expect(JSON.parse(readFileSync(path.join(out, 'classes.json'), 'utf8')).note).toMatch(/track_id/);
    });

    it('generates ids for cuboids without a usable track_id, clear of every track id in the export', async () => {
      const { root, projects, item, points } = await kittiProject();
      const onto = projects.current()!.ontology.labels;
      const idOf = (name: string) => onto.find((l) => l.name.toLowerCase() === name.toLowerCase())!.id;
      // 000001: Truck and Cyclist without track_id, Car with track_id "1001" (a string, as
      // SUSTech imports write it). 000002 (a later item) uses track_id 1000 for its car.
      const it1 = item('000001');
      const it2 = item('000002');
      const d1 = await projects.loadAnnotations(it1.id);
      const d2 = await projects.loadAnnotations(it2.id);
      const tag = (objects: AnnotationObject[], label: string, tid: string | number) =>
        objects.map((o) => (o === cuboidOf(objects, label) ? { ...o, attributes: { ...o.attributes, track_id: tid } } : o));
      const all = (n: number) => encodeLabels(new Uint16Array(n).fill(1));
      const n1 = points('000001').length / 4;
      const n2 = points('000002').length / 4;
      await projects.saveAnnotations(it1.id, { ...d1, objects: tag(d1.objects, 'car', '1001'), pointLabels: [{ frame: 0, count: n1, data: all(n1) }] });
      await projects.saveAnnotations(it2.id, { ...d2, objects: tag(d2.objects, 'car', 1000), pointLabels: [{ frame: 0, count: n2, data: all(n2) }] });

      const out = path.join(root, 'out');
      const e = await getFormat('semantickitti')!.export!(out, { projects });
      expect(e.warnings).toEqual([]);
      const check = (stem: string, expected: [string, number][]) => {
        const xyzi = points(stem);
        const doc = stem === '000001' ? d1 : d2;
        const { instance } = decodeSemanticKittiLabels(readFileSync(path.join(out, 'labels', `${stem}.label`)));
        const boxes = expected.map(([label, id]) => ({ box: cuboidOf(doc.objects, idOf(label)).geometry as Cuboid3D, id, label, hits: 0 }));
        for (let i = 0; i < instance.length; i++) {
          const b = boxes.find((x) => side(xyzi, i, x.box) === 'in');
          if (b) {
            expect(instance[i], `${stem} point ${i} in ${b.label}`).toBe(b.id);
            b.hits++;
          } else if (boxes.every((x) => side(xyzi, i, x.box) === 'out')) expect(instance[i], `${stem} point ${i}`).toBe(0);
        }
        for (const b of boxes) expect(b.hits, `${stem} ${b.label} points`).toBeGreaterThan(0);
      };
      // Items are exported in index order: 000001 first. 1000 and 1001 are track ids, so the
      // Truck (first without one) gets 1002 and the Cyclist 1003; then 000002's Misc gets 1004.
      check('000001', [['truck', 1002], ['car', 1001], ['cyclist', 1003]]);
      check('000002', [['car', 1000], ['misc', 1004]]);
    });
  });

  it.skipIf(!haveSustech)('a sequence keeps one instance id per track across frames (real SUSTech frames)', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'skitti-seq-'));
    const data = path.join(root, 'project', 'sustech');
    cpSync(SUSTECH, data, { recursive: true });
    const projects = new ProjectService(new PathGuard());
    await projects.create(path.join(root, 'project'));
    await projects.refreshIndex(() => {}, new AbortController().signal);
    await getFormat('sustech')!.import!(data, { projects });
    const seqItem = projects.listItems({ offset: 0, limit: 10, modality: ['pointcloud-sequence'] }).items[0];
    const doc = await projects.loadAnnotations(seqItem.id);
    const frames = ['000950', '000965'];
    // Positions of the two frames (float32 PCD: no recentring), every point labelled class 1.
    const clouds = await Promise.all(frames.map((f) => parsePointCloud(readFileSync(path.join(data, 'lidar', `${f}.pcd`)), `${f}.pcd`)));
    expect(clouds.map((c) => c.offset)).toEqual([[0, 0, 0], [0, 0, 0]]);
    const pointLabels = clouds.map((c, frame) => ({ frame, count: c.count, data: encodeLabels(new Uint16Array(c.count).fill(1)) }));
    await projects.saveAnnotations(seqItem.id, { ...doc, pointLabels });

    const out = path.join(root, 'out');
    const e = await getFormat('semantickitti')!.export!(out, { projects });
    expect(e.warnings).toEqual([]);
    frames.forEach((stem, frame) => {
      const { instance } = decodeSemanticKittiLabels(readFileSync(path.join(out, 'sequences', 'sustech', 'labels', `${stem}.label`)));
      const boxes = doc.objects.filter((o) => o.frame === frame && o.geometry.kind === 'cuboid3d');
      const ids = new Set(boxes.map((o) => Number(o.attributes.track_id)));
      // SUSTech obj_ids are numeric: only they may appear, no generated id.
      for (const v of new Set(instance)) if (v !== 0) expect(ids.has(v), `frame ${frame} instance ${v}`).toBe(true);
      // Track 8 (a car on every frame): its points that lie in no other box carry 8 on both frames.
      const car8 = boxes.find((o) => o.attributes.track_id === '8')!.geometry as Cuboid3D;
      const others = boxes.filter((o) => o.attributes.track_id !== '8').map((o) => o.geometry as Cuboid3D);
      let hits = 0;
      for (let i = 0; i < instance.length; i++) {
        if (side(clouds[frame].positions, i, car8, 0, 3) !== 'in' || others.some((b) => side(clouds[frame].positions, i, b, 0, 3) !== 'out')) continue;
        expect(instance[i], `frame ${frame} point ${i}`).toBe(8);
        hits++;
      }
      expect(hits, `frame ${frame} track 8 points`).toBeGreaterThan(20);
      expect(instance.filter((v) => v === 0).length).toBeGreaterThan(instance.length / 2); // most points are in no box
    });
  });
});
