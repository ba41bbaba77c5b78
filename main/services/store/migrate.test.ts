/**
 * `datum project migrate` with real parts: KITTI labels imported into a project folder (real
 * data, ../shared/data/kitti), more documents saved through the store, a file from before
 * revisions; folder -> PostgreSQL -> folder must give byte-identical annotation files.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freshDatabase } from '../../../tests/support/pgCluster';
import { DOCUMENT_SCHEMA_VERSION } from '../../../core/document/schema';
import { ProjectService } from '../projectService';
import { PathGuard } from '../pathGuard';
import { getFormat } from '../exchange';
import { readProjectFile } from '../projectFile';
import { migrateProject } from './migrate';
import { PgStore } from './pgStore';
import { sampleDocument } from './store.conformance';

const KITTI = path.resolve(__dirname, '../../../../shared/data/kitti');
const db = await freshDatabase('migrate_store');
const skip = 'problem' in db ? db.problem : !existsSync(path.join(KITTI, 'label_2')) ? `${KITTI} is absent` : null;
const url = 'url' in db ? db.url : '';
const roots: string[] = [];

async function annotationFiles(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const names = await fs.readdir(path.join(dir, 'annotations')).catch(() => [] as string[]);
  for (const n of names.filter((n) => /^[0-9a-f]{16}\.json$/.test(n)).sort()) out.set(n, await fs.readFile(path.join(dir, 'annotations', n)));
  return out;
}

describe.skipIf(skip)(`datum project migrate${skip ? ` (skipped: ${skip})` : ''}`, () => {
  afterAll(async () => {
    for (const r of roots) await fs.rm(r, { recursive: true, force: true });
    if (!('problem' in db)) await db.drop();
  });

  it('folder -> postgres -> folder is byte-identical, idempotent, and never overwrites newer work', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'datum-migrate-'));
    roots.push(root);
    const dir = path.join(root, 'kitti');
    cpSync(KITTI, dir, { recursive: true });
    const projects = new ProjectService(new PathGuard());
    await projects.create(dir);
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const imported = await getFormat('kitti')!.import!(dir, { projects, warn: () => {} });
    expect(imported.items).toBe(3);
    // More revisions and a settings change through the service (what the app does).
    const items = projects.listItems({ offset: 0, limit: 100 }).items;
    for (const item of items) {
      const doc = await projects.loadAnnotations(item.id);
      await projects.saveAnnotations(item.id, { ...doc, status: 'submitted' });
    }
    await projects.updateSettings({ pointSize: 2.5 });
    await projects.close();
    // A file written before revisions existed (no revision, no updatedAt, another indent).
    const legacyId = 'abcdefabcdef0001';
    await fs.writeFile(
      path.join(dir, 'annotations', `${legacyId}.json`),
      JSON.stringify({ schemaVersion: DOCUMENT_SCHEMA_VERSION, itemId: legacyId, status: 'new', objects: [], tracks: [], pointLabels: [] }, null, 2),
    );
    const before = await annotationFiles(dir);
    expect(before.size).toBe(4);

    const first = await migrateProject(dir, url);
    expect(first.documents).toEqual({ written: 4, unchanged: 0, onlyInTarget: 0 });
    const again = await migrateProject(dir, url);
    expect(again.documents).toEqual({ written: 0, unchanged: 4, onlyInTarget: 0 });
    expect(again.records.written).toBe(0);

    // Back into a new folder made from the database alone.
    const back = path.join(root, 'back');
    await migrateProject(url, back);
    const after = await annotationFiles(back);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [name, bytes] of before) expect(after.get(name)!.equals(bytes), name).toBe(true);
    const file = await readProjectFile(back);
    expect(file.settings.pointSize).toBe(2.5);
    expect(file.ontology).toEqual((await readProjectFile(dir)).ontology);
    expect(file.sources).toEqual([{ id: 'main', path: '.' }]);

    // The team works on the database; migrating the old folder again must not undo it.
    const store = await PgStore.open(url);
    const id = items[0].id;
    const cur = (await store.loadDocument(id))!;
    await store.saveDocument(id, { ...cur.value, status: 'accepted' }, cur.revision, 'reviewer');
    await store.close();
    const otherFile = path.join(dir, 'annotations', `${items[1].id}.json`);
    const otherBefore = await fs.readFile(otherFile, 'utf8');
    // Change another document in the folder too: the refused run must not write it either.
    const other = JSON.parse(otherBefore);
    await fs.writeFile(otherFile, JSON.stringify({ ...other, revision: other.revision + 1, status: 'rejected' }, null, 1) + '\n');
    await expect(migrateProject(dir, url)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(`document ${id}`) });
    const check = await PgStore.open(url);
    expect((await check.loadDocument(items[1].id))!.value.status).toBe('submitted');
    await check.close();
    // Database -> the original folder: the reviewer's acceptance arrives there.
    const r = await migrateProject(url, dir, { overwrite: true });
    expect(r.documents.written).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(await fs.readFile(path.join(dir, 'annotations', `${id}.json`), 'utf8')).status).toBe('accepted');
  });

  it('refuses the whole run when a source document is unreadable', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'datum-migrate-bad-'));
    roots.push(root);
    const projects = new ProjectService(new PathGuard());
    await projects.create(root);
    await projects.close();
    await fs.mkdir(path.join(root, 'annotations'));
    const ok = 'abcdefabcdef0002';
    await fs.writeFile(path.join(root, 'annotations', `${ok}.json`), JSON.stringify(sampleDocument(ok)));
    await fs.writeFile(path.join(root, 'annotations', 'abcdefabcdef0003.json'), '{ torn');
    const fresh = await freshDatabase('migrate_bad');
    if ('problem' in fresh) throw new Error(fresh.problem);
    await expect(migrateProject(root, fresh.url)).rejects.toThrow(/1 document\(s\) cannot be read, nothing was migrated/);
    const c = new pg.Client({ connectionString: fresh.url });
    await c.connect();
    const n = await c.query(`SELECT to_regclass('documents') AS t`);
    if (n.rows[0].t) expect((await c.query('SELECT count(*)::int AS n FROM documents')).rows[0].n).toBe(0);
    await c.end();
    await fresh.drop();
  });
});
