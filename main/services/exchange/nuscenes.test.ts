import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProjectService } from '../projectService';
import { PathGuard } from '../pathGuard';
import { parseInfoJson } from '../../../core/formats/nuscenes/infoJson';
import { getFormat } from '.';

const DATA = path.resolve(__dirname, '../../../../shared/data/nuscenes');
const INFO = 'n015-2018-07-24-11-22-45+0800.pkl.json';
const have = existsSync(path.join(DATA, INFO));
if (!have) console.warn(`nuscenes exchange test skipped: ${DATA} is absent`);

type Info = { metainfo: { categories: Record<string, number> }; data_list: { instances: { bbox_3d: number[]; bbox_label_3d: number; num_lidar_pts: number; velocity: (number | null)[] }[]; ego2global: unknown }[] };

describe.skipIf(!have)('nuscenes exchange format', () => {
  it('imports the info file onto its point cloud and exports it back', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'nus-x-'));
    const data = path.join(root, 'nuscenes');
    cpSync(DATA, data, { recursive: true });
    const projects = new ProjectService(new PathGuard());
    await projects.create(data);
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const fmt = getFormat('nuscenes')!;
    const r = await fmt.import!(path.join(data, INFO), { projects });
    expect(r.warnings).toEqual([]);
    expect(r.items).toBe(1);
    const want = parseInfoJson(readFileSync(path.join(DATA, INFO), 'utf8'), INFO) as Info;
    expect(r.objects).toBe(want.data_list[0].instances.length);
    const item = projects.listItems({ offset: 0, limit: 10, modality: ['pointcloud'] }).items[0];
    const doc = await projects.loadAnnotations(item.id);
    expect(doc.objects.some((o) => o.label === 'car' && o.geometry.kind === 'cuboid3d')).toBe(true);
    expect(projects.current()!.ontology.labels.some((l) => l.name === 'traffic_cone')).toBe(true);

    const out = path.join(root, 'out.pkl.json');
    const e = await fmt.export!(out, { projects });
    expect(e.warnings).toEqual([]);
    expect(e.objects).toBe(r.objects);
    const got = parseInfoJson(readFileSync(out, 'utf8'), out) as Info;
    expect(got.metainfo.categories).toEqual(want.metainfo.categories);
    expect(got.data_list[0].ego2global).toEqual(want.data_list[0].ego2global);
    const a = got.data_list[0].instances;
    const b = want.data_list[0].instances;
    expect(a).toHaveLength(b.length);
    a.forEach((g, i) => {
      expect(g.bbox_label_3d).toBe(b[i].bbox_label_3d);
      expect(g.num_lidar_pts).toBe(b[i].num_lidar_pts);
      g.bbox_3d.forEach((v, k) => expect(Math.abs(v - b[i].bbox_3d[k])).toBeLessThan(1e-9));
      g.velocity.forEach((v, k) => expect(v).toBe(b[i].velocity[k]));
    });
  });
});
