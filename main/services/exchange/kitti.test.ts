import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProjectService } from '../projectService';
import { PathGuard } from '../pathGuard';
import { getFormat } from '.';

const DATA = path.resolve(__dirname, '../../../../shared/data/kitti');
const have = existsSync(path.join(DATA, 'label_2'));
if (!have) console.warn(`kitti exchange test skipped: ${DATA} is absent`);

function parse(text: string): { type: string; v: number[] }[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [type, ...rest] = l.trim().split(/\s+/);
      return { type, v: rest.map(Number) };
    });
}

describe.skipIf(!have)('kitti exchange format', () => {
  it('imports label_2 into cuboids and exports the same files back', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'kitti-x-'));
    const data = path.join(root, 'kitti');
    cpSync(DATA, data, { recursive: true });
    const projects = new ProjectService(new PathGuard());
    await projects.create(data);
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const kitti = getFormat('kitti')!;
    const warnings: string[] = [];
    const r = await kitti.import!(data, { projects, warn: (w) => warnings.push(w) });
    expect(r.items).toBe(3);
    expect(r.warnings).toEqual([]);
    // Truck, Misc, Van... are added to the ontology; Car stays the default "car" label.
    const labels = projects.current()!.ontology.labels;
    expect(labels.find((l) => l.name === 'Truck')).toBeTruthy();
    expect(labels.filter((l) => l.name.toLowerCase() === 'car')).toHaveLength(1);

    const item = projects.listItems({ offset: 0, limit: 10, search: '000000', modality: ['pointcloud'] }).items[0];
    const doc = await projects.loadAnnotations(item.id);
    expect(doc.objects[0].geometry.kind).toBe('cuboid3d');
    expect(doc.objects[0].label).toBe('pedestrian');

    const out = path.join(root, 'out');
    const e = await kitti.export!(out, { projects });
    expect(e.files).toHaveLength(3);
    expect(e.objects).toBe(r.objects);
    for (const name of readdirSync(path.join(DATA, 'label_2'))) {
      const want = parse(readFileSync(path.join(DATA, 'label_2', name), 'utf8'));
      const got = parse(readFileSync(path.join(out, 'label_2', name), 'utf8'));
      expect(got.map((g) => g.type)).toEqual(want.map((w) => w.type));
      got.forEach((g, i) => {
        expect(g.v.length).toBe(want[i].v.length);
        g.v.forEach((x, k) => expect(Math.abs(x - want[i].v[k]), `${name} line ${i + 1} field ${k + 2}`).toBeLessThanOrEqual(0.011));
      });
    }
  });
});
