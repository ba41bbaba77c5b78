/**
 * Imports are all-or-nothing and idempotent (issue #12, "Nothing lost, nothing leaked"): every
 * import validates its inputs before it writes, leaves nothing behind when it fails, and a second
 * run (or a run after a crash) updates what the first one imported instead of adding copies.
 * Real parsers on copies of the real files in ../shared/data.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProjectService } from '../projectService';
import { PathGuard } from '../pathGuard';
import { getFormat } from './index';

const DATA = path.resolve(__dirname, '../../../../shared/data');
const have = existsSync(path.join(DATA, 'kitti', 'label_2')) && existsSync(path.join(DATA, 'sustech', 'label')) && existsSync(path.join(DATA, 'images', 'coco139'));
if (!have) console.warn(`import safety tests skipped: ${DATA} is absent`);
const COCO_JSON = 'instances_val2017_image139.json';
const NUS_INFO = 'n015-2018-07-24-11-22-45+0800.pkl.json';

const tmp = (p: string) => mkdtempSync(path.join(os.tmpdir(), p));

async function projectOver(dir: string): Promise<ProjectService> {
  const projects = new ProjectService(new PathGuard());
  await projects.create(dir);
  await projects.refreshIndex(() => {}, new AbortController().signal);
  return projects;
}

/** sha1 of every file under dir (relative path -> hash). */
function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(dir, r)).isDirectory()) walk(r);
      else out[r] = createHash('sha1').update(readFileSync(path.join(dir, r))).digest('hex');
    }
  };
  walk('');
  return out;
}

/** Objects + tracks over every document of the project. */
async function countAll(projects: ProjectService): Promise<number> {
  let n = 0;
  for (const item of projects.listItems({ offset: 0, limit: 10_000 }).items) {
    const doc = await projects.loadAnnotations(item.id);
    n += doc.objects.length + doc.tracks.length;
  }
  return n;
}

/** Adds one hand-drawn object to an item's document; a re-import must keep it. */
async function addHumanObject(projects: ProjectService, itemId: string, kind: 'box2d' | 'cuboid3d'): Promise<void> {
  const doc = await projects.loadAnnotations(itemId);
  const geometry =
    kind === 'box2d' ? { kind, x1: 1, y1: 1, x2: 20, y2: 20 } : { kind, center: [5, 5, 0] as [number, number, number], size: [4, 2, 1.5] as [number, number, number], yaw: 0 };
  doc.objects.push({ id: 'hand-made-1', label: projects.current()!.ontology.labels[0].id, geometry, frame: 0, attributes: {}, source: { kind: 'human' }, zOrder: 0 });
  await projects.saveAnnotations(itemId, doc);
}

async function hasHumanObject(projects: ProjectService, itemId: string): Promise<boolean> {
  return (await projects.loadAnnotations(itemId)).objects.some((o) => o.id === 'hand-made-1');
}

afterEach(() => vi.restoreAllMocks());

describe.skipIf(!have)('imports validate everything before they write', () => {
  it('a KITTI import with one malformed label file fails and leaves the project byte-identical', async () => {
    const data = path.join(tmp('kitti-bad-'), 'kitti');
    cpSync(path.join(DATA, 'kitti'), data, { recursive: true });
    const bad = path.join(data, 'label_2', '000001.txt');
    writeFileSync(bad, 'Car 0.00 0 -1.58 587.01 173.33 614.12 200.12 1.65 1.67\n');
    const projects = await projectOver(data);
    const before = hashTree(data);
    const err = await getFormat('kitti')!.import!(data, { projects }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(bad);
    expect((err as Error).message).toContain('expected 15 or 16 fields');
    expect(hashTree(data)).toEqual(before);
  });

  it('a SUSTech import from outside the project that fails leaves nothing behind and names the user\'s file', async () => {
    const root = tmp('sustech-bad-');
    const src = path.join(root, 'scene');
    cpSync(path.join(DATA, 'sustech'), src, { recursive: true });
    const bad = path.join(src, 'label', '000965.json');
    writeFileSync(bad, '[{"psr": {"position": {"x": 1}}');
    const project = path.join(root, 'project');
    mkdirSync(project);
    const projects = await projectOver(project);
    const before = hashTree(project);
    const err = await getFormat('sustech')!.import!(src, { projects }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(bad);
    expect(hashTree(project)).toEqual(before);
  });
});

describe.skipIf(!have)('importing the same source twice changes nothing', () => {
  it('COCO, YOLO, VOC and CVAT for images: counts unchanged, hand-made objects kept', async () => {
    // COCO from the real file; the other formats from our own export of that import.
    const first = path.join(tmp('twice-coco-'), 'coco139');
    cpSync(path.join(DATA, 'images', 'coco139'), first, { recursive: true });
    const p1 = await projectOver(first);
    const exports = tmp('twice-exports-');
    const sources: Record<string, string> = { coco: path.join(first, COCO_JSON) };
    await getFormat('coco')!.import!(sources.coco, { projects: p1 });
    // COCO139 has polygons only; one box gives Pascal VOC (boxes only) something to carry.
    await addHumanObject(p1, p1.listItems({ offset: 0, limit: 1 }).items[0].id, 'box2d');
    for (const f of ['yolo', 'voc', 'cvat-images']) {
      sources[f] = path.join(exports, f);
      await getFormat(f)!.export!(sources[f], { projects: p1, warn: () => {} });
    }
    for (const [name, src] of Object.entries(sources)) {
      const dir = path.join(tmp(`twice-${name}-`), 'coco139');
      mkdirSync(dir);
      cpSync(path.join(DATA, 'images', 'coco139', '000000000139.jpg'), path.join(dir, '000000000139.jpg'));
      const projects = await projectOver(dir);
      const fmt = getFormat(name)!;
      const r1 = await fmt.import!(src, { projects, warn: () => {} });
      expect(r1.objects, name).toBeGreaterThan(0);
      const once = await countAll(projects);
      const [item] = projects.listItems({ offset: 0, limit: 1 }).items;
      await addHumanObject(projects, item.id, 'box2d');
      const r2 = await fmt.import!(src, { projects, warn: () => {} });
      expect(r2.objects, name).toBe(r1.objects);
      expect(await countAll(projects), name).toBe(once + 1);
      expect(await hasHumanObject(projects, item.id), name).toBe(true);
      // A fresh service (a second CLI run) reads the source keys back from disk.
      const again = await projectOver(dir);
      await fmt.import!(src, { projects: again, warn: () => {} });
      expect(await countAll(again), name).toBe(once + 1);
    }
  });

  it('KITTI: counts unchanged and a hand-made cuboid survives the second import', async () => {
    const data = path.join(tmp('twice-kitti-'), 'kitti');
    cpSync(path.join(DATA, 'kitti'), data, { recursive: true });
    const projects = await projectOver(data);
    const kitti = getFormat('kitti')!;
    await kitti.import!(data, { projects });
    const once = await countAll(projects);
    const item = projects.listItems({ offset: 0, limit: 10, modality: ['pointcloud'] }).items[0];
    await addHumanObject(projects, item.id, 'cuboid3d');
    await kitti.import!(data, { projects });
    expect(await countAll(projects)).toBe(once + 1);
    expect(await hasHumanObject(projects, item.id)).toBe(true);
  });

  it('SUSTech from outside the project: one copy, one item, counts unchanged', async () => {
    const root = tmp('twice-sustech-');
    const src = path.join(root, 'scene');
    cpSync(path.join(DATA, 'sustech'), src, { recursive: true });
    const project = path.join(root, 'project');
    mkdirSync(project);
    const projects = await projectOver(project);
    const fmt = getFormat('sustech')!;
    const r1 = await fmt.import!(src, { projects });
    const once = await countAll(projects);
    expect(once).toBe(r1.objects);
    const seq = projects.listItems({ offset: 0, limit: 10, modality: ['pointcloud-sequence'] }).items;
    expect(seq).toHaveLength(1);
    await addHumanObject(projects, seq[0].id, 'cuboid3d');
    await fmt.import!(src, { projects });
    expect(readdirSync(project).filter((n) => !n.startsWith('.') && n !== 'datum.json' && n !== 'annotations')).toEqual(['scene']);
    expect(projects.listItems({ offset: 0, limit: 10, modality: ['pointcloud-sequence'] }).items).toHaveLength(1);
    expect(await countAll(projects)).toBe(once + 1);
    expect(await hasHumanObject(projects, seq[0].id)).toBe(true);
  });

  it('nuScenes: counts unchanged and a hand-made cuboid survives', async () => {
    const data = path.join(tmp('twice-nus-'), 'nuscenes');
    cpSync(path.join(DATA, 'nuscenes'), data, { recursive: true });
    const projects = await projectOver(data);
    const fmt = getFormat('nuscenes')!;
    await fmt.import!(path.join(data, NUS_INFO), { projects });
    const once = await countAll(projects);
    const [item] = projects.listItems({ offset: 0, limit: 10, modality: ['pointcloud'] }).items;
    await addHumanObject(projects, item.id, 'cuboid3d');
    await fmt.import!(path.join(data, NUS_INFO), { projects });
    expect(await countAll(projects)).toBe(once + 1);
    expect(await hasHumanObject(projects, item.id)).toBe(true);
  });

  it('--replace removes objects imported earlier from that format that the source no longer has', async () => {
    const dir = path.join(tmp('replace-'), 'coco139');
    cpSync(path.join(DATA, 'images', 'coco139'), dir, { recursive: true });
    const projects = await projectOver(dir);
    const coco = getFormat('coco')!;
    const full = JSON.parse(readFileSync(path.join(dir, COCO_JSON), 'utf8'));
    await coco.import!(path.join(dir, COCO_JSON), { projects });
    const [item] = projects.listItems({ offset: 0, limit: 1 }).items;
    await addHumanObject(projects, item.id, 'box2d');
    const all = await countAll(projects);
    // The same file with only the first 5 annotations (box-only so each is one object).
    const smaller = path.join(tmp('replace-src-'), 'five.json');
    const five = full.annotations.slice(0, 5).map((a: Record<string, unknown>) => ({ ...a, segmentation: [] }));
    writeFileSync(smaller, JSON.stringify({ ...full, annotations: five }));
    await coco.import!(smaller, { projects }); // merge: adds nothing new, removes nothing
    expect(await countAll(projects)).toBe(all);
    await coco.import!(smaller, { projects, mode: 'replace' });
    const doc = await projects.loadAnnotations(item.id);
    expect(doc.objects.filter((o) => o.importKey?.startsWith('coco:'))).toHaveLength(5);
    expect(doc.objects.some((o) => o.id === 'hand-made-1')).toBe(true);
    expect(doc.objects).toHaveLength(6);
  });
});

describe.skipIf(!have)('an import that dies halfway', () => {
  it('COCO killed after two documents, then run again, ends with the counts of a clean run', async () => {
    const make = () => {
      const dir = path.join(tmp('killed-'), 'ds');
      mkdirSync(dir);
      const coco = JSON.parse(readFileSync(path.join(DATA, 'images', 'coco139', COCO_JSON), 'utf8'));
      const images = [];
      const annotations = [];
      for (let k = 1; k <= 4; k++) {
        const name = `frame${k}.jpg`;
        cpSync(path.join(DATA, 'images', 'coco139', '000000000139.jpg'), path.join(dir, name));
        images.push({ ...coco.images[0], id: k, file_name: name });
        for (const a of coco.annotations) annotations.push({ ...a, id: annotations.length + 1, image_id: k });
      }
      const src = path.join(dir, 'instances.json');
      writeFileSync(src, JSON.stringify({ ...coco, images, annotations }));
      return { dir, src };
    };
    const clean = make();
    const cleanProject = await projectOver(clean.dir);
    await getFormat('coco')!.import!(clean.src, { projects: cleanProject });
    const want = await countAll(cleanProject);

    const killed = make();
    const projects = await projectOver(killed.dir);
    const save = projects.saveAnnotations.bind(projects);
    let saves = 0;
    vi.spyOn(projects, 'saveAnnotations').mockImplementation(async (id, doc) => {
      if (++saves > 2) throw new Error('killed');
      return save(id, doc);
    });
    await expect(getFormat('coco')!.import!(killed.src, { projects })).rejects.toThrow('killed');
    vi.restoreAllMocks();
    expect(readdirSync(path.join(killed.dir, 'annotations')).filter((n) => n.endsWith('.json'))).toHaveLength(2);
    const rerun = await projectOver(killed.dir);
    await getFormat('coco')!.import!(killed.src, { projects: rerun });
    expect(await countAll(rerun)).toBe(want);
  });
});
