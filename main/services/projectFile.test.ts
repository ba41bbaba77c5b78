import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_SCHEMA_VERSION, migrateProject, readProjectFile, writeProjectFile } from './projectFile';

describe('datum.json', () => {
  it('migrates the version-1 layout forward', () => {
    const p = migrateProject({ version: 1, name: 'Old', labels: [{ name: 'Traffic Light', color: '#ff0000' }, { name: 'Car' }], dataset: '../data' }, 'datum.json');
    expect(p.schemaVersion).toBe(PROJECT_SCHEMA_VERSION);
    expect(p.ontology.labels.map((l) => [l.id, l.name])).toEqual([
      ['traffic-light', 'Traffic Light'],
      ['car', 'Car'],
    ]);
    expect(p.ontology.labels[1].color).toMatch(/^#[0-9a-f]{6}$/);
    expect(p.sources).toEqual([{ id: 'main', path: '../data' }]);
  });

  it('refuses newer versions and malformed files with the file name in the message', async () => {
    expect(() => migrateProject({ schemaVersion: 99 }, '/p/datum.json')).toThrow(/\/p\/datum\.json: schema version 99 is newer/);
    expect(() => migrateProject([], '/p/datum.json')).toThrow(/not a JSON object/);
    expect(() => migrateProject({ schemaVersion: 2, name: 'x' }, '/p/datum.json')).toThrow(/\/p\/datum\.json: ontology/);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pf-'));
    writeFileSync(path.join(dir, 'datum.json'), '{ "schemaVersion": 2, ');
    await expect(readProjectFile(dir)).rejects.toThrow(/datum\.json: invalid JSON/);
  });

  it('writes and reads back', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pf-'));
    const doc = { schemaVersion: 2 as const, name: 'N', ontology: { labels: [] }, sources: [{ id: 'main', path: '.' }], settings: {} };
    await writeProjectFile(dir, doc);
    expect(await readProjectFile(dir)).toEqual(doc);
  });
});
