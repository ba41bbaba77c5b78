import { afterAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FolderStore, EVENTS_FILE } from './folderStore';
import { storeConformance, itemId, sampleDocument } from './store.conformance';
import { PROJECT_SCHEMA_VERSION, defaultOntology, writeProjectFile, readProjectFile } from '../projectFile';

const roots: string[] = [];
async function projectDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'datum-folderstore-'));
  roots.push(dir);
  await writeProjectFile(dir, { schemaVersion: PROJECT_SCHEMA_VERSION, name: 'p', ontology: defaultOntology(), sources: [{ id: 'main', path: '.' }], settings: {} });
  return dir;
}

storeConformance('folder', {
  make: async () => FolderStore.open(await projectDir()),
  cleanup: async () => {
    for (const r of roots) await fs.rm(r, { recursive: true, force: true });
  },
});

describe('FolderStore on disk', () => {
  afterAll(async () => {
    for (const r of roots) await fs.rm(r, { recursive: true, force: true });
  });

  it('writes annotations/<id>.json in the format it always had', async () => {
    const dir = await projectDir();
    const store = await FolderStore.open(dir);
    const id = itemId();
    const saved = await store.saveDocument(id, sampleDocument(id, 2), 0);
    const text = await fs.readFile(path.join(dir, 'annotations', `${id}.json`), 'utf8');
    // What ProjectService.saveAnnotations wrote before the store: atomicWriteJson({...doc, updatedAt, revision}).
    expect(text).toBe(JSON.stringify({ ...sampleDocument(id, 2), updatedAt: saved.updatedAt, revision: 1 }, null, 1) + '\n');
  });

  it('keeps ontology and settings in datum.json, revisions beside it', async () => {
    const dir = await projectDir();
    const store = await FolderStore.open(dir);
    await store.putRecord('project', 'settings', { pointSize: 3 }, 0, 'me');
    const file = await readProjectFile(dir);
    expect(file.settings).toEqual({ pointSize: 3 });
    expect(file.name).toBe('p');
    expect((await store.getRecord('project', 'settings'))?.revision).toBe(1);
    await expect(store.deleteRecord('project', 'ontology', 0)).rejects.toThrow(/cannot be deleted/);
  });

  it('events survive a reopen; a torn last line (crash mid-append) is cut off', async () => {
    const dir = await projectDir();
    const store = await FolderStore.open(dir);
    const id = itemId();
    await store.saveDocument(id, sampleDocument(id), 0);
    await store.saveDocument(id, sampleDocument(id), 1);
    await store.close();
    await fs.appendFile(path.join(dir, EVENTS_FILE), '{"seq":3,"at":1,"ki');
    const again = await FolderStore.open(dir);
    expect((await again.eventsSince(0)).map((e) => e.seq)).toEqual([1, 2]);
    await again.saveDocument(id, sampleDocument(id), 2);
    expect((await again.eventsSince(0)).map((e) => [e.seq, e.revision])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    const lines = (await fs.readFile(path.join(dir, EVENTS_FILE), 'utf8')).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
  });

  it('a corrupt file counts as revision 0 (the caller quarantines it); a newer schema is never overwritten', async () => {
    const dir = await projectDir();
    const store = await FolderStore.open(dir);
    const a = itemId();
    await fs.mkdir(path.join(dir, 'annotations'), { recursive: true });
    await fs.writeFile(path.join(dir, 'annotations', `${a}.json`), '{ not json');
    await expect(store.loadDocument(a)).rejects.toMatchObject({ code: 'BAD_FILE' });
    expect((await store.saveDocument(a, sampleDocument(a), 0)).revision).toBe(1);
    const b = itemId();
    await fs.writeFile(path.join(dir, 'annotations', `${b}.json`), JSON.stringify({ schemaVersion: 999, itemId: b }));
    await expect(store.saveDocument(b, sampleDocument(b), 0)).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });
});
