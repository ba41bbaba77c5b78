import { existsSync, mkdtempSync, cpSync, readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ProjectService } from '../projectService';
import { PathGuard } from '../pathGuard';
import { getFormat, listFormats } from './index';
import { itemMatcher, mergeOntology } from './formats2d';
import type { ItemSummary } from '../../../preload/contract';

const DATA = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const COCO139 = path.join(DATA, 'images', 'coco139');
const VIDEO = path.join(DATA, 'video', 'highway_720p.mp4');

async function projectOver(dir: string): Promise<ProjectService> {
  const projects = new ProjectService(new PathGuard());
  await projects.create(dir);
  await projects.refreshIndex(() => {}, new AbortController().signal);
  return projects;
}

describe('2D exchange formats are registered', () => {
  it('lists coco, yolo, voc, cvat-images and cvat-video with import and export', () => {
    const names = listFormats().map((f) => f.name);
    for (const n of ['coco', 'yolo', 'voc', 'cvat-images', 'cvat-video']) {
      expect(names).toContain(n);
      expect(getFormat(n)!.import).toBeTypeOf('function');
      expect(getFormat(n)!.export).toBeTypeOf('function');
    }
  });

  it('matches items by path, suffix and unique file name', () => {
    const item = (name: string) => ({ id: name, name }) as ItemSummary;
    const m = itemMatcher([item('images/a.jpg'), item('x/b.jpg'), item('y/b.jpg'), item('c.png')]);
    expect(m('images/a.jpg')?.name).toBe('images/a.jpg');
    expect(m('a.jpg')?.name).toBe('images/a.jpg');
    expect(m('data/c.png')?.name).toBe('c.png');
    expect(m('b.jpg')).toBeUndefined(); // ambiguous
    expect(m('nope.jpg')).toBeUndefined();
  });

  it('merges labels by name and maps ids', () => {
    const r = mergeOntology(
      { labels: [{ id: 'car', name: 'car', color: '#ff0000', kinds: [], attributes: [] }] },
      { labels: [{ id: 'car-1', name: 'car', color: '#00ff00', kinds: [], attributes: [], externalIds: { coco: 3 } }, { id: 'dog-2', name: 'dog', color: '#0000ff', kinds: [], attributes: [] }] },
    );
    expect(r.idMap.get('car-1')).toBe('car');
    expect(r.idMap.get('dog-2')).toBe('dog-2');
    expect(r.ontology.labels.map((l) => l.name)).toEqual(['car', 'dog']);
    expect(r.ontology.labels[0].externalIds).toEqual({ coco: 3 });
  });
});

describe.skipIf(!existsSync(COCO139))('COCO import/export through a project (needs ../shared/data beside the repository, skipped when absent)', () => {
  it('imports the 20 annotations of val2017 image 139 and exports them again', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'fmt2d-')), 'coco139');
    cpSync(COCO139, dir, { recursive: true });
    const projects = await projectOver(dir);
    const coco = getFormat('coco')!;
    const warnings: string[] = [];
    const r = await coco.import!(path.join(dir, 'instances_val2017_image139.json'), { projects, warn: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    expect(r.items).toBe(1);
    expect(r.objects).toBeGreaterThanOrEqual(20);
    expect(projects.current()!.ontology.labels.length).toBeGreaterThanOrEqual(80);
    const annFiles = readdirSync(path.join(dir, 'annotations'));
    expect(annFiles).toHaveLength(1);

    // A fresh service (as a second CLI run) reads what the first one wrote.
    const again = await projectOver(dir);
    const out = path.join(dir, '..', 'out');
    const e = await coco.export!(out, { projects: again, warn: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    expect(e.files.map((f) => path.relative(out, f))).toEqual([path.join('annotations', 'instances_default.json')]);
    const original = JSON.parse(readFileSync(path.join(COCO139, 'instances_val2017_image139.json'), 'utf8'));
    const exported = JSON.parse(readFileSync(e.files[0], 'utf8'));
    expect(exported.images).toHaveLength(1);
    expect(exported.images[0]).toMatchObject({ file_name: '000000000139.jpg', width: 640, height: 426 });
    expect(exported.annotations).toHaveLength(20);
    // The project's own labels (Car, Pedestrian, Cyclist) come first with fresh ids; COCO's keep theirs.
    const names = (cats: Array<{ id: number; name: string }>) => new Map(cats.map((c) => [c.id, c.name]));
    const got = names(exported.categories);
    for (const [id, name] of names(original.categories)) expect(got.get(id)).toBe(name);
    original.annotations.forEach((want: Record<string, any>, i: number) => {
      const got = exported.annotations[i];
      expect(got.category_id).toBe(want.category_id);
      expect(got.iscrowd).toBe(want.iscrowd);
      expect(got.segmentation).toEqual(want.segmentation);
      got.bbox.forEach((v: number, k: number) => expect(v).toBeCloseTo(want.bbox[k], 6));
    });
  });
});

describe.skipIf(!existsSync(VIDEO))('CVAT for video export (needs ../shared/data, skipped when absent)', () => {
  it('writes a track of the MP4 with its size and frame count, and imports it back', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fmt2d-video-'));
    cpSync(VIDEO, path.join(dir, 'highway.mp4'));
    const projects = await projectOver(dir);
    const [item] = projects.listItems({ offset: 0, limit: 10 }).items;
    expect(item.modality).toBe('video');
    const label = projects.current()!.ontology.labels[0] ?? null;
    const ontology = label ? projects.current()!.ontology : { labels: [{ id: 'car', name: 'car', color: '#ff0000', kinds: [], attributes: [] }] };
    if (!label) await projects.updateOntology(ontology);
    const labelId = ontology.labels[0].id;
    const doc = await projects.loadAnnotations(item.id);
    const box = (x: number) => ({ kind: 'box2d' as const, x1: x, y1: 100, x2: x + 50, y2: 150 });
    doc.tracks.push({
      id: 't1',
      label: labelId,
      attributes: {},
      source: { kind: 'human' },
      zOrder: 3, // drawing order: CVAT z_order on every shape, read back onto the track
      locked: true, // app-only: not exported
      keyframes: [
        { frame: 0, geometry: box(10), outside: false, occluded: false, attributes: {} },
        { frame: 10, geometry: box(110), outside: false, occluded: false, attributes: {} },
      ],
    });
    await projects.saveAnnotations(item.id, doc);
    const out = path.join(dir, '..', path.basename(dir) + '-out');
    const warnings: string[] = [];
    const e = await getFormat('cvat-video')!.export!(out, { projects, warn: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    const xml = readFileSync(e.files[0], 'utf8');
    expect(xml).toContain('<width>1280</width>');
    expect(xml).toContain('<height>720</height>');
    expect(xml).toContain('<size>38</size>');
    expect(xml).toContain('<source>highway.mp4</source>');
    // 38 frames: 0..37 held after the last keyframe, each a <box>.
    expect(xml.match(/<box /g)?.length).toBe(38);
    expect(xml).toMatch(/frame="5" keyframe="0"[^>]*xtl="60\.00"/);
    expect(xml.match(/z_order="3"/g)?.length).toBe(38);

    // Import the file into a second copy of the project.
    const dir2 = mkdtempSync(path.join(os.tmpdir(), 'fmt2d-video2-'));
    cpSync(VIDEO, path.join(dir2, 'highway.mp4'));
    mkdirSync(path.join(dir2, 'unused'), { recursive: true });
    writeFileSync(path.join(dir2, 'unused', 'x.txt'), '');
    const p2 = await projectOver(dir2);
    const r = await getFormat('cvat-video')!.import!(e.files[0], { projects: p2 });
    expect(r).toMatchObject({ items: 1, objects: 1 });
    const [item2] = p2.listItems({ offset: 0, limit: 10 }).items;
    const back = await p2.loadAnnotations(item2.id);
    expect(back.tracks[0].keyframes.map((k) => k.frame)).toContain(10);
    expect(back.tracks[0].zOrder).toBe(3);
    expect(back.tracks[0].locked).toBeUndefined();
  });
});
