/**
 * Exports are ground truth: pending model predictions (source model, not accepted) stay out
 * unless asked for, and the report says how many were left out. Documents are built with the
 * real schema on the real COCO 139 import and the real KITTI frames.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ItemDocument } from '../../../core/document/schema';
import { ProjectService } from '../projectService';
import { PathGuard } from '../pathGuard';
import { getFormat } from './index';

const DATA = path.resolve(__dirname, '../../../../shared/data');
const have = existsSync(path.join(DATA, 'images', 'coco139')) && existsSync(path.join(DATA, 'kitti', 'label_2'));
if (!have) console.warn(`export predictions tests skipped: ${DATA} is absent`);
const tmp = (p: string) => mkdtempSync(path.join(os.tmpdir(), p));
const PENDING = 0.31;
const ACCEPTED = 0.77;

async function projectOver(dir: string): Promise<ProjectService> {
  const projects = new ProjectService(new PathGuard());
  await projects.create(dir);
  await projects.refreshIndex(() => {}, new AbortController().signal);
  return projects;
}

/** Turns objects [0, pending) into pending predictions and the next `accepted` into accepted ones. */
async function markPredictions(projects: ProjectService, itemId: string, pending: number, accepted: number): Promise<void> {
  const doc = await projects.loadAnnotations(itemId);
  doc.objects.forEach((o, i) => {
    if (i < pending) o.source = { kind: 'model', model: 'yolox-nano', score: PENDING };
    else if (i < pending + accepted) {
      o.source = { kind: 'model', model: 'yolox-nano', score: ACCEPTED };
      o.accepted = true;
    }
  });
  await projects.saveAnnotations(itemId, ItemDocument.parse(doc));
}

describe.skipIf(!have)('exports leave unreviewed predictions out', () => {
  it('COCO and YOLO: human and accepted objects by default, pending ones (with their score) on request', async () => {
    const dir = path.join(tmp('pred-coco-'), 'coco139');
    cpSync(path.join(DATA, 'images', 'coco139'), dir, { recursive: true });
    const projects = await projectOver(dir);
    await getFormat('coco')!.import!(path.join(dir, 'instances_val2017_image139.json'), { projects });
    const [item] = projects.listItems({ offset: 0, limit: 1 }).items;
    // Single-part annotations only, so objects and COCO annotations correspond one to one.
    const doc = await projects.loadAnnotations(item.id);
    doc.objects = doc.objects.filter((o) => !o.group);
    await projects.saveAnnotations(item.id, doc);
    const total = doc.objects.length;
    await markPredictions(projects, item.id, 5, 3);

    const warnings: string[] = [];
    const out = tmp('pred-coco-out-');
    const e = await getFormat('coco')!.export!(out, { projects, warn: (w) => warnings.push(w) });
    expect(e.predictionsLeftOut).toBe(5);
    expect(e.objects).toBe(total - 5);
    expect(warnings.join('\n')).toContain('5 unreviewed model predictions left out');
    const coco = JSON.parse(readFileSync(e.files[0], 'utf8'));
    expect(coco.annotations).toHaveLength(total - 5);
    expect(coco.annotations.filter((a: { score?: number }) => a.score === PENDING)).toHaveLength(0);
    expect(coco.annotations.filter((a: { score?: number }) => a.score === ACCEPTED)).toHaveLength(3);

    const all = await getFormat('coco')!.export!(tmp('pred-coco-all-'), { projects, includePredictions: true, warn: () => {} });
    expect(all.predictionsLeftOut).toBe(0);
    const withPred = JSON.parse(readFileSync(all.files[0], 'utf8'));
    expect(withPred.annotations).toHaveLength(total);
    expect(withPred.annotations.filter((a: { score?: number }) => a.score === PENDING)).toHaveLength(5);

    // YOLO detect: one line per object; pending boxes get the confidence column on request only.
    const lines = (d: string) => readFileSync(path.join(d, 'labels', '000000000139.txt'), 'utf8').trim().split('\n');
    const y1 = tmp('pred-yolo-');
    await getFormat('yolo')!.export!(y1, { projects, warn: () => {} });
    expect(lines(y1)).toHaveLength(total - 5);
    expect(lines(y1).every((l) => l.split(' ').length !== 6)).toBe(true);
    // A pending predicted box keeps its confidence as the 6th column, on request only.
    const d2 = await projects.loadAnnotations(item.id);
    d2.objects.push({ id: 'pred-box', label: d2.objects[0].label, geometry: { kind: 'box2d', x1: 10, y1: 10, x2: 50, y2: 60 }, frame: 0, attributes: {}, source: { kind: 'model', model: 'yolox-nano', score: PENDING }, zOrder: 0 });
    await projects.saveAnnotations(item.id, d2);
    const y2 = tmp('pred-yolo-all-');
    await getFormat('yolo')!.export!(y2, { projects, includePredictions: true, warn: () => {} });
    expect(lines(y2)).toHaveLength(total + 1);
    expect(lines(y2).filter((l) => l.split(' ').length === 6 && l.endsWith(' 0.310000'))).toHaveLength(1);
  });

  it('KITTI: a pending predicted cuboid is not in label_2 unless asked for, then with its score column', async () => {
    const data = path.join(tmp('pred-kitti-'), 'kitti');
    cpSync(path.join(DATA, 'kitti'), data, { recursive: true });
    const projects = await projectOver(data);
    await getFormat('kitti')!.import!(data, { projects });
    const item = projects.listItems({ offset: 0, limit: 10, search: '000000', modality: ['pointcloud'] }).items[0];
    const before = (await projects.loadAnnotations(item.id)).objects.length;
    await markPredictions(projects, item.id, 1, 0);
    const out = tmp('pred-kitti-out-');
    const e = await getFormat('kitti')!.export!(out, { projects });
    expect(e.predictionsLeftOut).toBe(1);
    const file = path.join(out, 'label_2', '000000.txt');
    expect(readFileSync(file, 'utf8').split('\n').filter((l) => l.trim())).toHaveLength(before - 1);
    expect(e.warnings.join('\n')).toContain('1 unreviewed model prediction left out');
    const all = tmp('pred-kitti-all-');
    await getFormat('kitti')!.export!(all, { projects, includePredictions: true });
    const rows = readFileSync(path.join(all, 'label_2', '000000.txt'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(before);
    expect(rows.filter((r) => r.trim().split(/\s+/).length === 16)).toHaveLength(1);
  });
});

describe('exporters write through the atomic writer', () => {
  it('no exchange module writes a file with fs.writeFile', () => {
    for (const name of readdirSync(__dirname).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
      const text = readFileSync(path.join(__dirname, name), 'utf8');
      expect(text, name).not.toMatch(/\bwriteFile(Sync)?\(/);
    }
  });
});
