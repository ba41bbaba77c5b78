import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProjectService } from '../projectService';
import { PathGuard } from '../pathGuard';
import { getFormat } from '.';

const DATA = path.resolve(__dirname, '../../../../shared/data/sustech');
const have = existsSync(path.join(DATA, 'label'));
if (!have) console.warn(`sustech exchange test skipped: ${DATA} is absent`);

describe.skipIf(!have)('sustech exchange format', () => {
  it('imports the example as one sequence item with track ids and exports the labels back', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'sustech-x-'));
    const data = path.join(root, 'project', 'sustech');
    cpSync(DATA, data, { recursive: true });
    const projects = new ProjectService(new PathGuard());
    await projects.create(path.join(root, 'project'));
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const fmt = getFormat('sustech')!;
    const r = await fmt.import!(data, { projects });
    expect(r.warnings).toEqual([]);
    expect(r.items).toBe(1);
    expect(r.objects).toBe(19 + 21 + 23 + 24);

    const seq = JSON.parse(readFileSync(path.join(data, 'sequence.json'), 'utf8'));
    expect(seq.kind).toBe('pointcloud');
    expect(seq.frames).toHaveLength(4);
    expect(seq.frames[1]).toMatchObject({ cloud: 'lidar/000965.pcd', labels: 'label/000965.json' });
    expect(seq.frames[1].images.front).toBe('camera/front/000965.jpg');
    const calib = JSON.parse(readFileSync(path.join(data, 'calibration.json'), 'utf8'));
    expect(Object.keys(calib.cameras)[0]).toBe('front');
    expect(calib.cameras.front).toMatchObject({ width: 2048, height: 1536 });

    // One item: the sequence (its .pcd files are frames, not items of their own).
    const all = projects.listItems({ offset: 0, limit: 100 }).items;
    const seqItems = all.filter((i) => i.modality === 'pointcloud-sequence');
    expect(seqItems).toHaveLength(1);
    expect(all.filter((i) => i.modality === 'pointcloud')).toHaveLength(0);
    const doc = await projects.loadAnnotations(seqItems[0].id);
    const car8 = doc.objects.filter((o) => o.attributes.track_id === '8');
    expect(car8.map((o) => o.frame).sort()).toEqual([0, 1, 2, 3]);
    expect(car8[0].label).toBe('car');
    expect(car8[0].geometry.kind).toBe('cuboid3d');
    expect(projects.current()!.ontology.labels.find((l) => l.name === 'Bus')).toBeTruthy();

    const out = path.join(root, 'out');
    const e = await fmt.export!(out, { projects });
    expect(e.files).toHaveLength(4);
    for (const name of readdirSync(path.join(DATA, 'label'))) {
      const want = JSON.parse(readFileSync(path.join(DATA, 'label', name), 'utf8'));
      const got = JSON.parse(readFileSync(path.join(out, 'label', name), 'utf8'));
      expect(got).toHaveLength(want.length);
      want.forEach((w: any, i: number) => {
        expect(got[i].obj_type).toBe(w.obj_type);
        expect(got[i].obj_id).toBe(String(w.obj_id));
        for (const k of ['position', 'scale', 'rotation'])
          for (const a of ['x', 'y', 'z']) expect(Math.abs(got[i].psr[k][a] - w.psr[k][a]), `${name} #${i} ${k}.${a}`).toBeLessThan(1e-9);
      });
    }
  });
});
