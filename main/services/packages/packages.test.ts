/**
 * Task packages end to end on real sample data (KITTI clouds with cameras and calibrations, KITTI
 * tracking images): export at home, import on the "offline machine" (a fresh folder), edit there
 * while home edits some of the same objects, export the work, merge it back; checked object by
 * object. Tampering (a byte flipped in an item, a document, the manifest; a truncated file) is
 * refused with the entry named, and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AnnotationObject, Cuboid3D, ItemDocument } from '../../../core/document/schema';
import { PathGuard } from '../pathGuard';
import { ProjectService } from '../projectService';
import { ReviewService } from '../review';
import { buildZip, readPackage, sha256 } from './container';
import { exportPackage } from './export';
import { importPackage } from './import';
import { PackageMerger } from './merge';
import { jobRecordReader } from './jobs';
import { hasSampleData, homeProject, zipEntries } from './testing/fixture';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'datum-pkg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const profile = { id: 'ann', name: 'offline annotator', roles: ['annotator' as const] };

async function open(dir: string): Promise<ProjectService> {
  const p = new ProjectService(new PathGuard());
  await p.open(dir);
  await p.refreshIndex(() => {}, new AbortController().signal);
  return p;
}

const moved = (o: AnnotationObject, dx: number): AnnotationObject => {
  const g = o.geometry as Cuboid3D;
  return { ...o, geometry: { ...g, center: [g.center[0] + dx, g.center[1], g.center[2]] } };
};
const cx = (o: AnnotationObject | undefined) => (o ? (o.geometry as Cuboid3D).center[0] : undefined);

/** Save through the review service (what the editor does), from the document on disk. */
async function edit(projects: ProjectService, itemId: string, f: (d: ItemDocument) => ItemDocument): Promise<void> {
  const doc = await projects.loadAnnotations(itemId);
  await new ReviewService(projects).saveFromEditor(itemId, f(doc), undefined, doc.revision ?? 0);
}

describe.skipIf(!hasSampleData)('task packages on real KITTI data', () => {
  const homeDir = path.join(tmp, 'home');
  const offlineDir = path.join(tmp, 'offline');
  const pkg1 = path.join(tmp, 'batch.datumpkg');
  const pkg2 = path.join(tmp, 'back.datumpkg');
  let home: ProjectService;
  let cloudA: string; // tracking frame 000000
  let cloudB: string; // tracking frame 000003
  let image: string; // first tracking image
  let homeBefore: Map<string, ItemDocument>;

  beforeAll(async () => {
    home = await homeProject(homeDir);
    const items = home.listItems({ offset: 0, limit: 100 }).items;
    cloudA = items.find((i) => i.name === 'kitti/velodyne/000000.bin')!.id;
    cloudB = items.find((i) => i.name === 'kitti/velodyne/000003.bin')!.id;
    image = items.filter((i) => i.name.startsWith('drive/')).sort((a, b) => a.name.localeCompare(b.name))[0].id;
  }, 60_000);

  it('exports the batch with data, companions, documents and hashes', async () => {
    const r = await exportPackage(home, pkg1, { selection: { kind: 'filter' }, createdBy: 'manager' });
    expect(r).toMatchObject({ items: 6, data: 'embedded' });
    const p = await readPackage(pkg1);
    const a = p.manifest.items.find((i) => i.id === cloudA)!;
    // The cloud and its companions (camera image, calibration, label file) travel with it.
    expect(a.files.map((f) => f.path).sort()).toEqual(['kitti/calib/000000.txt', 'kitti/image_2/000000.png', 'kitti/label_2/000000.txt', 'kitti/velodyne/000000.bin']);
    expect(p.entries.get('data/main/kitti/velodyne/000000.bin')!.length).toBe(readFileSync(path.join(homeDir, 'kitti/velodyne/000000.bin')).length);
    expect(a.base!.revision).toBe(a.document!.revision);
    expect(a.document!.revision).toBeGreaterThan(0);
  });

  it('--job J: the job record of the store names the items (units of frames carry the whole item)', async () => {
    const store = home.requireStore();
    await store.putRecord('jobs', 'job-7', { id: 'job-7', name: 'Batch 7', units: [{ itemId: cloudB }, { itemId: image, frames: [0, 0] }], status: 'open' }, 0);
    const file = path.join(tmp, 'job.datumpkg');
    const r = await exportPackage(home, file, { selection: { kind: 'job', job: 'job-7' }, readRecord: jobRecordReader(home) });
    expect(r.items).toBe(2);
    const m = (await readPackage(file)).manifest;
    expect(m.items.map((i) => i.id).sort()).toEqual([cloudB, image].sort());
    expect(m.job).toEqual({ id: 'job-7', name: 'Batch 7' });
    await expect(exportPackage(home, file, { selection: { kind: 'job', job: 'nope' }, readRecord: jobRecordReader(home) })).rejects.toThrow(/no job "nope"/);
  });

  it('imports as a project with the same items and documents', async () => {
    const r = await importPackage(pkg1, offlineDir);
    expect(r.items).toBe(6);
    const offline = await open(offlineDir);
    for (const item of home.listItems({ offset: 0, limit: 100 }).items) {
      expect(offline.getItem(item.id).name).toBe(item.name);
      expect(await offline.loadAnnotations(item.id)).toEqual(await home.loadAnnotations(item.id));
    }
    // The cloud keeps its companions on the offline machine.
    expect(offline.getItem(cloudA).companions).toEqual(home.getItem(cloudA).companions);
    offline.close();
  });

  it('a folder that is not empty is refused', async () => {
    await expect(importPackage(pkg1, offlineDir)).rejects.toThrow(/not empty/);
  });

  it('offline and home edit; the work merges back object by object; conflicts are listed and decided', async () => {
    const offline = await open(offlineDir);
    const all0 = (await home.loadAnnotations(cloudA)).objects; // cuboids and their camera boxes
    const a0 = all0.filter((o) => o.geometry.kind === 'cuboid3d');
    expect(a0.length).toBeGreaterThanOrEqual(5);
    const [o0, o1, o2, o3, o4] = a0;
    const added: AnnotationObject = { ...o0, id: 'offline-new', label: 'cyclist', geometry: { kind: 'cuboid3d', center: [12, 3, -1], size: [1.8, 0.6, 1.7], yaw: 0.3 } };
    // Offline: move o0, delete o1, change o2, delete o3, add one; on the image: relabel one box,
    // add one, and submit the item.
    await edit(offline, cloudA, (d) => ({
      ...d,
      objects: [...d.objects.filter((o) => o.id !== o1.id && o.id !== o3.id).map((o) => (o.id === o0.id ? moved(o, 1) : o.id === o2.id ? moved(o, 2) : o)), added],
    }));
    const img0 = (await offline.loadAnnotations(image)).objects;
    await edit(offline, image, (d) => ({
      ...d,
      objects: [...d.objects.map((o) => (o.id === img0[0].id ? { ...o, label: 'van' } : o)), { ...img0[0], id: 'offline-box', geometry: { kind: 'box2d', x1: 10, y1: 20, x2: 60, y2: 80 } }],
    }));
    await new ReviewService(offline).transition(image, 'in_progress', profile);
    await new ReviewService(offline).transition(image, 'submitted', profile);
    // Home meanwhile: o2 changed differently (conflict), o3 edited (conflict: deleted offline),
    // o4 changed (home only); cloud B changed at home only.
    await edit(home, cloudA, (d) => ({ ...d, objects: d.objects.map((o) => (o.id === o2.id ? moved(o, -5) : o.id === o3.id ? { ...o, label: 'van' } : o.id === o4.id ? moved(o, 7) : o)) }));
    const b0 = (await home.loadAnnotations(cloudB)).objects.find((o) => o.geometry.kind === 'cuboid3d')!;
    await edit(home, cloudB, (d) => ({ ...d, objects: d.objects.map((o) => (o.id === b0.id ? moved(o, 3) : o)) }));

    // The work goes back as a references-only package (home has the data).
    const back = await exportPackage(offline, pkg2, { selection: { kind: 'filter' }, createdBy: 'offline annotator' });
    expect(back.data).toBe('references');
    expect((await readPackage(pkg2)).manifest.origin).toBeDefined();
    offline.close();

    homeBefore = new Map();
    for (const i of home.listItems({ offset: 0, limit: 100 }).items) homeBefore.set(i.id, await home.loadAnnotations(i.id));
    const merger = new PackageMerger(home, new ReviewService(home));
    const plan = await merger.inspect(pkg2);
    expect(plan.conflicts.map((c) => `${c.kind}:${c.key}:${c.reason}`).sort()).toEqual([`object:${o2.id}:changed-both`, `object:${o3.id}:deleted-offline-edited-home`].sort());
    expect(plan.counts.takeTheirs).toBe(5); // o0, o1 (deleted), added; image: relabelled box, new box

    // Undecided conflicts: nothing is written.
    await expect(merger.merge(pkg2)).rejects.toThrow(/2 conflict\(s\) need a decision/);
    for (const [id, doc] of homeBefore) expect(await home.loadAnnotations(id)).toEqual(doc);

    const c2 = plan.conflicts.find((c) => c.key === o2.id)!.id;
    const c3 = plan.conflicts.find((c) => c.key === o3.id)!.id;
    const r = await merger.merge(pkg2, { decisions: { [c2]: 'theirs', [c3]: 'ours' } });
    expect(r.written).toBe(2); // cloud A and the image; cloud B had no offline change

    const a = new Map((await home.loadAnnotations(cloudA)).objects.map((o) => [o.id, o]));
    expect(cx(a.get(o0.id))).toBeCloseTo(cx(o0)! + 1, 9); // changed offline only -> theirs
    expect(a.has(o1.id)).toBe(false); // deleted offline only -> deleted
    expect(cx(a.get(o2.id))).toBeCloseTo(cx(o2)! + 2, 9); // conflict decided theirs
    expect(a.get(o3.id)?.label).toBe('van'); // conflict (deleted offline, edited home) decided ours
    expect(cx(a.get(o4.id))).toBeCloseTo(cx(o4)! + 7, 9); // changed at home only -> ours
    expect(a.get('offline-new')?.label).toBe('cyclist'); // added offline
    for (const o of all0.filter((x) => ![o0, o1, o2, o3, o4].includes(x))) expect(a.get(o.id)).toMatchObject({ geometry: o.geometry, label: o.label }); // untouched
    expect(a.size).toBe(all0.length); // -o1 +offline-new

    const img = await home.loadAnnotations(image);
    expect(img.objects.find((o) => o.id === img0[0].id)?.label).toBe('van');
    expect(img.objects.find((o) => o.id === 'offline-box')?.geometry).toEqual({ kind: 'box2d', x1: 10, y1: 20, x2: 60, y2: 80 });
    expect(img.objects.length).toBe(img0.length + 1);
    expect(img.status).toBe('submitted'); // review history merged as the review service does
    expect(img.history?.map((h) => h.to)).toEqual(['in_progress', 'submitted']);
    expect(cx((await home.loadAnnotations(cloudB)).objects.find((o) => o.id === b0.id))).toBeCloseTo(cx(b0)! + 3, 9); // home's change kept
  });

  it('merging the same package again changes nothing', async () => {
    const before = new Map<string, ItemDocument>();
    for (const i of home.listItems({ offset: 0, limit: 100 }).items) before.set(i.id, await home.loadAnnotations(i.id));
    const merger = new PackageMerger(home, new ReviewService(home));
    const plan = await merger.inspect(pkg2);
    expect(plan.conflicts.every((c) => c.decided)).toBe(true); // the earlier decisions are reused
    const r = await merger.merge(pkg2);
    expect(r.written).toBe(0);
    for (const [id, doc] of before) expect(await home.loadAnnotations(id)).toEqual(doc);
    // And the home export merged back into home is no change either.
    expect((await merger.merge(pkg1, { resolve: 'ours' })).written).toBe(0);
  });

  it('a second return package from the same offline copy continues from the first (no false conflict)', async () => {
    const offline = await open(offlineDir);
    const target = (await offline.loadAnnotations(cloudA)).objects.find((o) => o.geometry.kind === 'cuboid3d')!; // o0, which the first return moved
    await edit(offline, cloudA, (d) => ({ ...d, objects: d.objects.map((o) => (o.id === target.id ? moved(o, 0.5) : o)) }));
    const pkg3 = path.join(tmp, 'back2.datumpkg');
    await exportPackage(offline, pkg3, { selection: { kind: 'filter' } });
    offline.close();
    const merger = new PackageMerger(home, new ReviewService(home));
    const plan = await merger.inspect(pkg3);
    expect(plan.conflicts).toEqual([]);
    expect(plan.counts.takeTheirs).toBe(1);
    expect((await merger.merge(pkg3)).written).toBe(1);
    expect(cx((await home.loadAnnotations(cloudA)).objects.find((o) => o.id === target.id))).toBeCloseTo(cx(target)! + 0.5, 9);
    // The older return merged again after the newer one: planned against its own base, changes nothing it should not.
    expect((await merger.inspect(pkg2)).counts.takeTheirs).toBe(0);
  });

  it('a references-only package imports against the data folder and refuses a changed file', async () => {
    const dir = path.join(tmp, 'offline-refs');
    await expect(importPackage(pkg2, dir)).rejects.toThrow(/references only/);
    const r = await importPackage(pkg2, dir, { dataDirs: { main: homeDir } });
    expect(r).toMatchObject({ data: 'references', items: 6 });
    // A data folder whose calibration differs by one byte.
    const copy = path.join(tmp, 'data-copy');
    for (const f of ['velodyne', 'image_2', 'calib', 'label_2']) for (const n of readdirSync(path.join(homeDir, 'kitti', f))) {
      const to = path.join(copy, 'kitti', f, n);
      const b = readFileSync(path.join(homeDir, 'kitti', f, n));
      mkdirSync(path.dirname(to), { recursive: true });
      writeFileSync(to, b);
    }
    cpSync(path.join(homeDir, 'drive'), path.join(copy, 'drive'), { recursive: true });
    const calib = path.join(copy, 'kitti/calib/000003.txt');
    const b = readFileSync(calib);
    b[10] ^= 1;
    writeFileSync(calib, b);
    await expect(importPackage(pkg2, path.join(tmp, 'offline-bad'), { dataDirs: { main: copy } })).rejects.toThrow(/calib\/000003\.txt: differs/);
    expect(existsSync(path.join(tmp, 'offline-bad'))).toBe(false);
  });

  it('a package whose paths leave their folder is refused, even with correct hashes', async () => {
    const good = await readPackage(pkg1);
    const evil = new TextEncoder().encode('pwned');
    const m = structuredClone(good.manifest);
    m.entries['data/main/../../../escape.txt'] = { size: evil.length, sha256: sha256(evil) };
    const f = path.join(tmp, 'slip.datumpkg');
    writeFileSync(f, buildZip(JSON.stringify(m), [...[...good.entries].map(([name, data]) => ({ name, data, compress: false })), { name: 'data/main/../../../escape.txt', data: evil, compress: false }]));
    await expect(readPackage(f)).rejects.toThrow(/entry "data\/main\/\.\.\/\.\.\/\.\.\/escape\.txt" has a path that leaves its folder/);
    await expect(importPackage(f, path.join(tmp, 'slip'))).rejects.toThrow(/leaves its folder/);
    expect(existsSync(path.join(tmp, '..', 'escape.txt'))).toBe(false);
  });

  describe('tampering is refused with the entry named, and nothing is written', () => {
    const tampered = (name: string, mutate: (b: Buffer) => Buffer) => {
      const f = path.join(tmp, `${name}.datumpkg`);
      writeFileSync(f, mutate(Buffer.from(readFileSync(pkg1))));
      return f;
    };
    const flipIn = (entry: string | RegExp) => (b: Buffer) => {
      const e = zipEntries(b).find((x) => (typeof entry === 'string' ? x.name === entry : entry.test(x.name)))!;
      b[e.data + Math.floor(e.size / 2)] ^= 0x40;
      return b;
    };
    const cases: Array<[string, (b: Buffer) => Buffer, RegExp]> = [
      ['item byte', flipIn('data/main/kitti/velodyne/000003.bin'), /entry "data\/main\/kitti\/velodyne\/000003\.bin" does not match its sha256/],
      ['companion byte', flipIn('data/main/kitti/calib/000006.txt'), /entry "data\/main\/kitti\/calib\/000006\.txt" does not match its sha256/],
      ['document byte', flipIn(/^documents\//), /entry "documents\/[0-9a-f]{16}\.json" (is damaged|does not match its sha256|has \d+ bytes)/],
      ['manifest byte', flipIn('manifest.json'), /entry "manifest\.json" (is damaged|does not match "manifest\.sha256"|is not JSON)/],
      ['truncated in an entry', (b) => b.subarray(0, zipEntries(b).find((e) => e.name === 'data/main/kitti/velodyne/000006.bin')!.data + 1000), /truncated: entry "data\/main\/kitti\/velodyne\/000006\.bin" is incomplete/],
      ['truncated at the end', (b) => b.subarray(0, b.length - 10), /truncated/],
    ];
    for (const [name, mutate, reason] of cases) {
      it(`${name}: import and merge refuse it`, async () => {
        const f = tampered(name.replace(/ /g, '-'), mutate);
        const dir = path.join(tmp, `import-${name.replace(/ /g, '-')}`);
        await expect(importPackage(f, dir)).rejects.toThrow(reason);
        expect(existsSync(dir)).toBe(false);
        expect(readdirSync(tmp).filter((n) => n.includes('.importing-'))).toEqual([]);
        const before = await home.loadAnnotations(cloudA);
        await expect(new PackageMerger(home, new ReviewService(home)).merge(f, { resolve: 'theirs' })).rejects.toThrow(reason);
        expect(await home.loadAnnotations(cloudA)).toEqual(before);
      });
    }
  });
});
