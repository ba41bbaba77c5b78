/**
 * accept2d on real predictions: the real YOLOX-nano (../shared/data/models) pre-labels KITTI camera
 * images (tracking 0001, object, cropped) and COCO image 139; review decisions are generated from
 * the ground truth, with the detector's threshold lowered to 0.1 as a team that prefers reviewing to
 * drawing would (a prediction is kept when it overlaps a labelled object of its class at
 * IoU >= 0.5, rejected otherwise; predictions on KITTI DontCare regions are left pending). The
 * trained acceptance model must decide which boxes to show better (keep-F1) than the detector as it
 * is on the validation groups, agree with its ONNX file, and once promoted filter and re-score the
 * detector's pre-labels, which then record the version (`yolox-nano@1`).
 */
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectService } from '../projectService';
import { PathGuard } from '../pathGuard';
import { ModelService } from '../models';
import { TrainingService } from './runner';
import { closeHeadSessions } from './scorerSession';
import { acceptPrediction, rejectionOf } from '../../../core/review/predictions';
import type { AnnotationObject } from '../../../core/document/schema';

const DATA = path.resolve(__dirname, '../../../../shared/data');
const YOLOX = path.join(DATA, 'models/yolox-nano');
const have = existsSync(YOLOX) && existsSync(path.join(DATA, 'kitti-tracking-0001'));
if (!have && process.env.CI) throw new Error(`${DATA}: the shared sample data is missing`);

/** KITTI class -> the COCO classes a YOLOX prediction on it may carry. */
const KITTI_TO_COCO: Record<string, string[]> = { Car: ['car'], Van: ['car', 'truck'], Truck: ['truck'], Tram: ['train', 'bus'], Pedestrian: ['person'], Person_sitting: ['person'], Cyclist: ['person', 'bicycle', 'motorcycle'] };

type Gt = { classes: string[]; box: number[] };
const iou = (a: number[], b: number[]) => {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0])), h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const i = w * h;
  return i / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - i);
};

let dir: string;
let projects: ProjectService;
const truth = new Map<string, { gt: Gt[]; dontCare: number[][] }>();

describe.skipIf(!have)('accept2d on YOLOX-nano predictions reviewed by the ground truth', () => {
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'datum-accept-'));
    const kitti = [['kitti-tracking-0001/training', 'kt'], ['kitti-cropped/training', 'kc'], ['kitti', 'ko']];
    for (const [src, dst] of kitti) {
      await fs.cp(path.join(DATA, src, 'image_2'), path.join(dir, dst, 'image_2'), { recursive: true });
      for (const f of await fs.readdir(path.join(DATA, src, 'label_2'))) {
        const lines = readFileSync(path.join(DATA, src, 'label_2', f), 'utf8').split('\n').filter(Boolean).map((l) => l.split(' '));
        truth.set(`${dst}/image_2/${f.replace('.txt', '.png')}`, {
          gt: lines.filter((l) => l[0] !== 'DontCare' && l[0] !== 'Misc').map((l) => ({ classes: KITTI_TO_COCO[l[0]] ?? [], box: l.slice(4, 8).map(Number) })),
          dontCare: lines.filter((l) => l[0] === 'DontCare' || l[0] === 'Misc').map((l) => l.slice(4, 8).map(Number)),
        });
      }
    }
    await fs.mkdir(path.join(dir, 'coco'));
    await fs.copyFile(path.join(DATA, 'images/coco139/000000000139.jpg'), path.join(dir, 'coco/000000000139.jpg'));
    const coco = JSON.parse(readFileSync(path.join(DATA, 'images/coco139/instances_val2017_image139.json'), 'utf8')) as { annotations: { bbox: number[]; category_id: number; iscrowd: number }[]; categories: { id: number; name: string }[] };
    const cat = new Map(coco.categories.map((c) => [c.id, c.name]));
    truth.set('coco/000000000139.jpg', { gt: coco.annotations.filter((a) => !a.iscrowd).map((a) => ({ classes: [cat.get(a.category_id)!], box: [a.bbox[0], a.bbox[1], a.bbox[0] + a.bbox[2], a.bbox[1] + a.bbox[3]] })), dontCare: [] });
    projects = new ProjectService(new PathGuard());
    await projects.create(dir);
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const models = new ModelService(null);
    try {
      await models.import(path.join(YOLOX, 'yolox_nano.onnx'), { preset: 'yolox', classesFile: path.join(YOLOX, 'coco_classes.txt'), id: 'yolox-nano', destRoot: path.join(dir, 'models'), manifest: { thresholds: { score: 0.1, nms: 0.45, mask: 0.5, unclip: 1.5 } } });
      await models.prelabel(projects, 'yolox-nano');
    } finally {
      await models.close();
    }
    // review every prediction by the ground truth
    const names = () => new Map(projects.requireProject().file.ontology.labels.map((l) => [l.id, l.name]));
    for (const item of projects.listItems({ offset: 0, limit: 100, modality: ['image'] } as never).items) {
      const t = truth.get(item.name)!;
      const doc = await projects.loadAnnotations(item.id);
      const objects: AnnotationObject[] = [];
      const rejected = [...(doc.rejected ?? [])];
      for (const o of doc.objects) {
        if (o.source.kind !== 'model' || o.geometry.kind !== 'box2d') { objects.push(o); continue; }
        const b = [o.geometry.x1, o.geometry.y1, o.geometry.x2, o.geometry.y2];
        // the project's default ontology may already name the class (`Car`); model classes match it case-insensitively
        const cls = (names().get(o.label) ?? o.label).toLowerCase();
        if (t.gt.some((g) => g.classes.includes(cls) && iou(b, g.box) >= 0.5)) objects.push(acceptPrediction(o, 1));
        else if (t.dontCare.some((d) => iou(b, d) >= 0.3)) objects.push(o);
        else rejected.push(rejectionOf(o, 1)!);
      }
      await projects.saveAnnotations(item.id, { ...doc, objects, rejected });
    }
  }, 240_000);
  afterAll(async () => {
    await closeHeadSessions();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('beats the detector score on held-out groups, agrees with its ONNX file, and filters pre-labels once promoted', async () => {
    const training = new TrainingService(projects);
    const losses: number[] = [];
    const r = await training.train({ task: 'accept2d', valFraction: 0.3, jobId: 'acc' }, { progress: (p) => p.metrics?.loss !== undefined && losses.push(p.metrics.loss) });
    expect(r.modelId).toBe('yolox-nano');
    const m = r.version.metrics;
    const base = r.version.comparedWith!.metrics;
    console.log(`accept2d: val n = ${m.n} (${m.kept} kept, ${m.rejected} rejected): keep-F1 ${base.primary.value} (detector, all shown) -> ${m.primary.value}; AUC ${base.auc} -> ${m.auc}; at threshold ${m.threshold}: precision ${base.precision} -> ${m.precision}, recall ${base.recall} -> ${m.recall}, rejected hidden ${m.rejectedHidden}`);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    expect(m.n).toBeGreaterThanOrEqual(30);
    expect(m.onnxMaxDiff as number).toBeLessThan(1e-4);
    expect(m.primary.value).toBeGreaterThan(base.primary.value);
    expect(m.precision).toBeGreaterThan(base.precision!);
    expect(m.recall).toBeGreaterThanOrEqual(0.8);
    expect(r.promoted).toBe(true);

    // promoted: pre-labelling the COCO image again keeps fewer boxes, scored by the acceptance model
    const models = new ModelService(null);
    try {
      const entry = await models.resolve('yolox-nano', dir);
      expect(entry.acceptance?.version).toBe(1);
      const item = projects.listItems({ offset: 0, limit: 100, modality: ['image'] } as never).items.find((i) => i.name.startsWith('kt/image_2/000000'))!;
      const doc = await projects.loadAnnotations(item.id);
      await projects.saveAnnotations(item.id, { ...doc, objects: [], rejected: [] });
      const raw = await models.predictImage(entry, projects.itemPath(item.id));
      await models.prelabel(projects, 'yolox-nano', { itemIds: [item.id] });
      const after = (await projects.loadAnnotations(item.id)).objects;
      expect(after.length).toBeLessThanOrEqual(raw.length);
      expect(after.every((o) => o.source.kind === 'model' && o.source.model === 'yolox-nano@1')).toBe(true);
      // roll back: the detector's own predictions again
      await training.rollback('yolox-nano');
      expect((await models.resolve('yolox-nano', dir)).acceptance).toBeUndefined();
      await projects.saveAnnotations(item.id, { ...(await projects.loadAnnotations(item.id)), objects: [] });
      await models.prelabel(projects, 'yolox-nano', { itemIds: [item.id] });
      const again = (await projects.loadAnnotations(item.id)).objects;
      expect(again.length).toBe(raw.length);
      expect(again.every((o) => o.source.kind === 'model' && o.source.model === 'yolox-nano')).toBe(true);
    } finally {
      await models.close();
    }
  }, 240_000);
});
