/**
 * `datum project migrate <from> --to <to>`: moves a project's documents, ontology, settings and
 * records between back ends (a project folder, or a postgres:// URL), losslessly:
 * - documents travel as their exact JSON text, with their revisions: a folder -> database ->
 *   folder round trip gives byte-identical annotation files;
 * - idempotent: what the target already holds identically is left alone (a second run writes
 *   nothing);
 * - newer work is never overwritten: a target copy with a higher revision than the source's, or
 *   the same revision with other content (the two have diverged), is a CONFLICT for the whole
 *   run unless `overwrite` is set;
 * - all-or-nothing: every source document is validated and every conflict found before anything
 *   is written; PostgreSQL takes the writes in one transaction, a folder stages every file
 *   before renaming them in place.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { DatumError } from '../../rpc/errors';
import { migrateDocument } from '../documentFile';
import { PROJECT_FILE, PROJECT_SCHEMA_VERSION, ProjectFile, readProjectFile, writeProjectFile } from '../projectFile';
import { describeDatabase } from './pgStore';
import { isDatabaseUrl, openStore, type OpenedStore } from './openStore';
import type { RawDocument, RawRecord } from './types';

/** The parts of datum.json a database keeps so a folder can be made from it again. */
const MANIFEST = { collection: 'project', id: 'manifest' } as const;
type Manifest = Pick<ProjectFile, 'schemaVersion' | 'name' | 'sources' | 'createdAt'>;

export interface MigrateReport {
  from: string;
  to: string;
  documents: { written: number; unchanged: number; onlyInTarget: number };
  records: { written: number; unchanged: number };
}

export interface MigrateOptions {
  overwrite?: boolean;
  actor?: string;
}

const where = (s: string) => (isDatabaseUrl(s) ? describeDatabase(s) : path.resolve(s));

async function openSide(spec: string, role: 'from' | 'to', manifest?: Manifest | null, records?: RawRecord[]): Promise<OpenedStore> {
  if (isDatabaseUrl(spec)) return openStore('', spec);
  const dir = path.resolve(spec);
  const hasProject = await fs.stat(path.join(dir, PROJECT_FILE)).then(() => true, () => false);
  if (!hasProject) {
    if (role === 'from' || !manifest) throw new DatumError('NOT_FOUND', `${path.join(dir, PROJECT_FILE)}: no Datum project here (datum.json is missing)`);
    // A folder made from a database: datum.json from the stored manifest, ontology and settings.
    const value = (id: string) => records?.find((r) => r.collection === 'project' && r.id === id)?.value;
    await fs.mkdir(dir, { recursive: true });
    await writeProjectFile(dir, ProjectFile.parse({ ...manifest, ontology: value('ontology'), settings: value('settings') ?? {} }));
  }
  return openStore(dir, null);
}

export async function migrateProject(from: string, to: string, opts: MigrateOptions = {}): Promise<MigrateReport> {
  if (where(from) === where(to)) throw new DatumError('BAD_REQUEST', 'the source and the target are the same');
  const source = await openSide(from, 'from');
  let target: OpenedStore | null = null;
  try {
    // ---- read and check everything in the source
    const ids = await source.listDocumentIds();
    const documents: RawDocument[] = [];
    const unreadable: string[] = [];
    for (const id of ids) {
      const raw = await source.readRawDocument(id);
      if (!raw) continue;
      try {
        migrateDocument(raw.text, `${where(from)}: document ${id}`);
        documents.push(raw);
      } catch (e) {
        unreadable.push((e as Error).message);
      }
    }
    if (unreadable.length) {
      throw new DatumError('BAD_FILE', `${unreadable.length} document(s) cannot be read, nothing was migrated: ${unreadable.slice(0, 5).join('; ')}`);
    }
    let records = await source.listAllRecords();
    let manifest = (records.find((r) => r.collection === MANIFEST.collection && r.id === MANIFEST.id)?.value as Manifest | undefined) ?? null;
    if (!isDatabaseUrl(from)) {
      const file = await readProjectFile(path.resolve(from));
      manifest = { schemaVersion: PROJECT_SCHEMA_VERSION, name: file.name, sources: file.sources, ...(file.createdAt !== undefined ? { createdAt: file.createdAt } : {}) };
      const now = Date.now();
      records = records.filter((r) => !(r.collection === MANIFEST.collection && r.id === MANIFEST.id));
      records.push({ ...MANIFEST, value: manifest, revision: 1, updatedAt: now });
    }
    if (!isDatabaseUrl(to)) records = records.filter((r) => !(r.collection === MANIFEST.collection && r.id === MANIFEST.id));

    // ---- compare with the target
    target = await openSide(to, 'to', manifest, records);
    const conflicts: string[] = [];
    const docsToWrite: RawDocument[] = [];
    let docsSame = 0;
    for (const d of documents) {
      const there = await target.readRawDocument(d.itemId);
      if (there && there.text === d.text) docsSame++;
      else if (there && !opts.overwrite && (there.revision > d.revision || there.revision === d.revision)) {
        conflicts.push(`document ${d.itemId} (revision ${there.revision} in the target, ${d.revision} in the source)`);
      } else docsToWrite.push(d);
    }
    const sourceIds = new Set(documents.map((d) => d.itemId));
    const onlyInTarget = (await target.listDocumentIds()).filter((id) => !sourceIds.has(id)).length;
    const targetRecords = new Map((await target.listAllRecords()).map((r) => [`${r.collection}/${r.id}`, r]));
    const recordsToWrite: RawRecord[] = [];
    let recordsSame = 0;
    for (const r of records) {
      const there = targetRecords.get(`${r.collection}/${r.id}`);
      if (there && isDeepStrictEqual(there.value, r.value)) recordsSame++;
      // The manifest is rewritten from datum.json on every run (its revision means nothing).
      else if (there && !opts.overwrite && there.revision >= r.revision && !(r.collection === MANIFEST.collection && r.id === MANIFEST.id)) {
        conflicts.push(`record ${r.collection}/${r.id} (revision ${there.revision} in the target, ${r.revision} in the source)`);
      } else recordsToWrite.push(there && r.collection === MANIFEST.collection && r.id === MANIFEST.id ? { ...r, revision: there.revision + 1 } : r);
    }
    if (conflicts.length) {
      throw new DatumError(
        'CONFLICT',
        `${where(to)} holds newer or different work for ${conflicts.length} entr${conflicts.length === 1 ? 'y' : 'ies'}, nothing was migrated (pass --overwrite to replace them): ${conflicts.slice(0, 5).join('; ')}${conflicts.length > 5 ? '; ...' : ''}`,
      );
    }

    // ---- write, all at once
    if (docsToWrite.length || recordsToWrite.length) await target.importRaw(docsToWrite, recordsToWrite, opts.actor);
    return {
      from: where(from),
      to: where(to),
      documents: { written: docsToWrite.length, unchanged: docsSame, onlyInTarget },
      records: { written: recordsToWrite.length, unchanged: recordsSame },
    };
  } finally {
    await source.close().catch(() => {});
    await target?.close().catch(() => {});
  }
}
