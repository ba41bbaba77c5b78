/**
 * `datum package import <file> <folder>`: a package becomes a project the offline machine opens.
 * The whole package is verified first (container.ts); with references only, every referenced file
 * is checked (size and sha256) in the data folder the user points to. The project is assembled in
 * a temporary folder beside the target, indexed (every package item must come back with its id),
 * and renamed into place: a refused package leaves nothing behind.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { DatumError } from '../../rpc/errors';
import { PathGuard, canonical } from '../pathGuard';
import { ProjectService } from '../projectService';
import { PROJECT_SCHEMA_VERSION, writeProjectFile } from '../projectFile';
import type { SourceConsent } from '../grants';
import { migrateDocument } from '../documentFile';
import { readPackage, type VerifiedPackage } from './container';
import { ORIGIN_FILE, baseEntry, dataEntry, documentEntry, originBaseFile, type OriginRecord } from './format';

export interface ImportOptions {
  /** References only: where each source's files are (`{main: '/data/kitti'}`); '*' for every source. */
  dataDirs?: Record<string, string>;
}

export interface ImportResult {
  project: string;
  packageId: string;
  items: number;
  data: 'embedded' | 'references';
}

async function fileHash(abs: string): Promise<{ size: number; sha256: string } | null> {
  try {
    const h = createHash('sha256');
    let size = 0;
    for await (const c of createReadStream(abs)) h.update(c as Buffer), (size += (c as Buffer).length);
    return { size, sha256: h.digest('hex') };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EISDIR') return null;
    throw e;
  }
}

/** With references only: every file of every item must be in the data folder, byte for byte. */
export async function checkReferences(pkg: VerifiedPackage, dataDirs: Record<string, string>): Promise<Record<string, string>> {
  const roots: Record<string, string> = {};
  for (const s of pkg.manifest.project.sources) {
    const dir = dataDirs[s.id] ?? dataDirs['*'];
    if (!dir) throw new DatumError('BAD_REQUEST', `the package holds references only: say where source "${s.id}"'s files are (--data ${s.id}=<folder>)`);
    roots[s.id] = path.resolve(dir);
  }
  for (const item of pkg.manifest.items) {
    for (const f of item.files) {
      const abs = path.join(roots[item.source], f.path);
      const h = await fileHash(abs);
      if (!h) throw new DatumError('NOT_FOUND', `${abs}: referenced by item ${item.name} of the package, not found`);
      if (h.size !== f.size || h.sha256 !== f.sha256) throw new DatumError('BAD_FILE', `${abs}: differs from the file the package references for item ${item.name} (size ${h.size} vs ${f.size}, or its sha256)`);
    }
  }
  return roots;
}

/** Consent for exactly these folders, for this process only (the import's own index check). */
export function allowOnly(dirs: string[]): SourceConsent {
  const allowed = new Set(dirs.map((d) => canonical(d)));
  return {
    sourceStatus: async (_p, dir) => (allowed.has(canonical(dir)) ? 'allowed' : 'pending'),
    grantSources: async () => {},
    revokeSource: async () => {},
  };
}

async function emptyOrAbsent(dir: string): Promise<boolean> {
  try {
    return (await fs.readdir(dir)).length === 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw e;
  }
}

export async function importPackage(file: string, folder: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const target = path.resolve(folder);
  if (!(await emptyOrAbsent(target))) throw new DatumError('BAD_REQUEST', `${target} is not empty: import into a new folder`);
  const pkg = await readPackage(file);
  const m = pkg.manifest;
  // Documents must parse and belong to their item before anything is written.
  const docs = new Map<string, { doc: ReturnType<typeof migrateDocument>; base: ReturnType<typeof migrateDocument> }>();
  for (const item of m.items) {
    const text = (name: string) => new TextDecoder().decode(pkg.entries.get(name) ?? new Uint8Array());
    const doc = migrateDocument(text(documentEntry(item.id)), `${file}: ${documentEntry(item.id)}`);
    const base = migrateDocument(text(baseEntry(item.id)), `${file}: ${baseEntry(item.id)}`);
    if (doc.itemId !== item.id || base.itemId !== item.id) throw new DatumError('BAD_FILE', `${file}: entry "${documentEntry(item.id)}" is for another item`);
    docs.set(item.id, { doc, base });
  }
  if (m.data === 'embedded') {
    for (const item of m.items)
      for (const f of item.files)
        if (!pkg.entries.has(dataEntry(item.source, f.path))) throw new DatumError('BAD_FILE', `${file}: entry "${dataEntry(item.source, f.path)}" of item ${item.name} is missing`);
  }
  const roots = m.data === 'references' ? await checkReferences(pkg, opts.dataDirs ?? {}) : null;

  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.importing-${randomUUID().slice(0, 8)}`);
  await fs.mkdir(tmp, { recursive: true });
  try {
    const write = async (rel: string, data: Uint8Array | string) => {
      const abs = path.join(tmp, rel);
      await fs.mkdir(path.dirname(abs), { recursive: true });
      await fs.writeFile(abs, data);
    };
    for (const [name, data] of pkg.entries) {
      if (name.startsWith('data/') && m.data === 'embedded') await write(name, data);
      else if (name.startsWith('models/')) await write(name, data);
    }
    for (const [id, { doc, base }] of docs) {
      // Stored as it came, revision included: the offline copy continues the home numbering.
      await write(`annotations/${id}.json`, JSON.stringify(doc));
      await write(originBaseFile(id), JSON.stringify(base));
    }
    const origin: OriginRecord = {
      packageId: m.packageId,
      copyId: randomUUID(),
      project: m.project.name,
      importedAt: Date.now(),
      job: m.job,
      baseRevisions: Object.fromEntries(m.items.map((i) => [i.id, i.base?.revision ?? 0])),
    };
    await write(ORIGIN_FILE, JSON.stringify(origin, null, 1));
    await writeProjectFile(tmp, {
      schemaVersion: PROJECT_SCHEMA_VERSION,
      name: m.project.name,
      ontology: m.ontology,
      sources: m.project.sources.map((s) => ({ id: s.id, path: roots ? roots[s.id] : `data/${s.id}` })),
      settings: (m.project.settings ?? {}) as never,
      createdAt: Date.now(),
    });
    // Index the copy: every package item must be found under the same id (same source and path).
    // References: the data folders are the user's choice on the command line (their consent for this check).
    const projects = new ProjectService(new PathGuard(), allowOnly(Object.values(roots ?? {})));
    await projects.open(tmp);
    await projects.refreshIndex(() => {}, new AbortController().signal);
    for (const item of m.items) {
      try {
        projects.getItem(item.id);
      } catch {
        throw new DatumError('BAD_FILE', `${file}: item ${item.name} (${item.id}) is not found in the imported data`);
      }
    }
    projects.close();
    await fs.rm(target, { recursive: true, force: true }); // empty or absent (checked above)
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return { project: target, packageId: m.packageId, items: m.items.length, data: m.data };
}
