/**
 * Task packages with the home project on PostgreSQL (a team server's store): the KITTI fixture is
 * migrated into a throwaway database, exported from there, imported as a folder project on the
 * "offline machine", edited, and merged back into the database; conflicts and the idempotent
 * second merge behave as on a folder (their records live in the same store).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Cuboid3D, ItemDocument } from '../../../core/document/schema';
import { freshDatabase } from '../../../tests/support/pgCluster';
import { PathGuard } from '../pathGuard';
import { ProjectService } from '../projectService';
import { ReviewService } from '../review';
import { migrateProject } from '../store/migrate';
import { exportPackage } from './export';
import { importPackage } from './import';
import { PackageMerger } from './merge';
import { hasSampleData, homeProject } from './testing/fixture';

const db = await freshDatabase('packages');
const skip = 'problem' in db ? db.problem : !hasSampleData ? 'no ../shared/data' : null;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'datum-pkg-pg-'));

async function open(dir: string, database?: string): Promise<ProjectService> {
  const p = new ProjectService(new PathGuard(), null, { database: database ? { url: database, projectDir: dir } : undefined });
  await p.open(dir);
  await p.refreshIndex(() => {}, new AbortController().signal);
  return p;
}
async function edit(projects: ProjectService, itemId: string, f: (d: ItemDocument) => ItemDocument): Promise<void> {
  const doc = await projects.loadAnnotations(itemId);
  await new ReviewService(projects).saveFromEditor(itemId, f(doc), undefined, doc.revision ?? 0);
}
const cx = (d: ItemDocument, id: string) => (d.objects.find((o) => o.id === id)?.geometry as Cuboid3D | undefined)?.center[0];
const shift = (id: string, dx: number) => (d: ItemDocument): ItemDocument => ({
  ...d,
  objects: d.objects.map((o) => (o.id === id && o.geometry.kind === 'cuboid3d' ? { ...o, geometry: { ...o.geometry, center: [o.geometry.center[0] + dx, o.geometry.center[1], o.geometry.center[2]] as [number, number, number] } } : o)),
});

describe.skipIf(skip)(`task packages with the home project on PostgreSQL${skip ? ` (skipped: ${skip})` : ''}`, () => {
  afterAll(async () => {
    rmSync(tmp, { recursive: true, force: true });
    if (!('problem' in db)) await db.drop();
  });

  it('export from the database, edit offline, merge back into the database', async () => {
    const url = 'url' in db ? db.url : '';
    const homeDir = path.join(tmp, 'home');
    (await homeProject(homeDir)).close();
    await migrateProject(homeDir, url);
    const home = await open(homeDir, url);
    expect(home.requireStore().kind).toBe('postgres');
    const cloud = home.listItems({ offset: 0, limit: 100 }).items.find((i) => i.name === 'kitti/velodyne/000000.bin')!.id;
    const [a, b, c] = (await home.loadAnnotations(cloud)).objects.filter((o) => o.geometry.kind === 'cuboid3d');

    await exportPackage(home, path.join(tmp, 'p1.datumpkg'), { selection: { kind: 'items', items: [cloud] } });
    await importPackage(path.join(tmp, 'p1.datumpkg'), path.join(tmp, 'off'));
    const off = await open(path.join(tmp, 'off'));
    await edit(off, cloud, (d) => shift(b.id, 2)(shift(a.id, 1)(d)));
    await exportPackage(off, path.join(tmp, 'p2.datumpkg'), { selection: { kind: 'filter' } });
    off.close();
    await edit(home, cloud, (d) => shift(c.id, 3)(shift(b.id, -4)(d)));

    const merger = new PackageMerger(home, new ReviewService(home));
    const plan = await merger.inspect(path.join(tmp, 'p2.datumpkg'));
    expect(plan.conflicts.map((x) => `${x.key}:${x.reason}`)).toEqual([`${b.id}:changed-both`]);
    expect((await merger.merge(path.join(tmp, 'p2.datumpkg'), { decisions: { [plan.conflicts[0].id]: 'ours' } })).written).toBe(1);
    const doc = await home.loadAnnotations(cloud);
    const base = (o: typeof a) => (o.geometry as Cuboid3D).center[0];
    expect(cx(doc, a.id)).toBeCloseTo(base(a) + 1, 9); // offline only
    expect(cx(doc, b.id)).toBeCloseTo(base(b) - 4, 9); // conflict, kept ours
    expect(cx(doc, c.id)).toBeCloseTo(base(c) + 3, 9); // home only
    // Again: the decision is remembered in the database, nothing is written.
    const again = await merger.merge(path.join(tmp, 'p2.datumpkg'));
    expect(again.written).toBe(0);
    expect((await home.loadAnnotations(cloud)).revision).toBe(doc.revision);
    home.close();
  }, 120_000);
});
