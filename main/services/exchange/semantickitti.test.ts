import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProjectService } from '../projectService';
import { PathGuard } from '../pathGuard';
import { encodeLabels } from '../../../renderer/editors/lidar/pointLabels';
import { getFormat } from '.';

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
});
