/**
 * `datum package export`: the selected items of the open project, their documents (with
 * revisions) and the base each document's work started from, the ontology, the model versions
 * pre-labelling needs, and the items' files (or only their hashes) in one verified zip.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { ItemSummary } from '../../../preload/contract';
import type { ItemDocument } from '../../../core/document/schema';
import { DatumError } from '../../rpc/errors';
import { VERSION } from '../../version';
import { atomicWrite } from '../atomicWrite';
import { migrateDocument } from '../documentFile';
import { discoverModels } from '../inference/library';
import type { ProjectService } from '../projectService';
import { buildZip, sha256, type PackageEntry } from './container';
import {
  MANIFEST_ENTRY,
  ORIGIN_FILE,
  PACKAGE_FORMAT,
  PACKAGE_FORMAT_VERSION,
  baseEntry,
  dataEntry,
  documentEntry,
  originBaseFile,
  type OriginRecord,
  type PackageItem,
  type PackageManifest,
  type PackageModel,
  type Selection,
} from './format';
import { selectItems, type RecordReader } from './select';

export interface ExportOptions {
  selection: Selection;
  /** Embed the items' files (default: yes for a home project, no for one imported from a package). */
  withData?: boolean;
  /** Model ids pre-labelling needs besides those that made the documents' predictions. */
  models?: string[];
  createdBy?: string;
  readRecord?: RecordReader;
  userModelsDir?: string;
  progress?: (done: number, total: number, phase: string) => void;
}

export interface ExportResult {
  file: string;
  packageId: string;
  items: number;
  data: 'embedded' | 'references';
  bytes: number;
  models: string[];
}

async function fileSha256(abs: string): Promise<{ size: number; sha256: string }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(abs)) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: h.digest('hex') };
}

/** Every file under a folder, relative to it, sorted (sequence items are folders). */
async function walk(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await fs.readdir(path.join(dir, rel), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(dir, r)));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

/** The item's own files and its companions, relative to its source, with absolute paths. */
async function itemFiles(projects: ProjectService, item: ItemSummary): Promise<Array<{ rel: string; abs: string }>> {
  const abs = projects.itemPath(item.id);
  const st = await fs.stat(abs).catch(() => null);
  if (!st) throw new DatumError('NOT_FOUND', `item ${item.name}: its file is gone (${abs})`);
  const out = st.isDirectory() ? (await walk(abs)).map((r) => ({ rel: `${item.name}/${r}`, abs: path.join(abs, r) })) : [{ rel: item.name, abs }];
  for (const rel of Object.values(item.companions ?? {}).sort()) out.push({ rel, abs: projects.sourceFile(item.source, rel) });
  return out;
}

async function readOrigin(dir: string): Promise<OriginRecord | null> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, ORIGIN_FILE), 'utf8')) as OriginRecord;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DatumError('BAD_FILE', `${ORIGIN_FILE}: ${(e as Error).message}`);
  }
}

/** Model ids named by the documents' predictions ("proposals3d@2" -> proposals3d). */
function modelIdsOf(docs: ItemDocument[]): Set<string> {
  const ids = new Set<string>();
  const add = (m: string) => ids.add(m.split('@')[0]);
  for (const d of docs) {
    for (const o of d.objects) if (o.source.kind !== 'human') add(o.source.model);
    for (const t of d.tracks) if (t.source.kind !== 'human') add(t.source.model);
  }
  return ids;
}

export async function exportPackage(projects: ProjectService, file: string, opts: ExportOptions): Promise<ExportResult> {
  const info = projects.current();
  if (!info) throw new DatumError('NO_PROJECT', 'no project is open');
  const picked = await selectItems(projects, opts.selection, opts.readRecord);
  if (!picked.items.length) throw new DatumError('BAD_REQUEST', 'the selection holds no items');
  const origin = await readOrigin(info.path);
  const embed = opts.withData ?? !origin;
  const entries: PackageEntry[] = [];
  const hashes: PackageManifest['entries'] = {};
  const add = (name: string, data: Uint8Array, compress: boolean) => {
    entries.push({ name, data, compress });
    hashes[name] = { size: data.length, sha256: sha256(data) };
  };
  const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v, null, 1));

  const items: PackageItem[] = [];
  const docs: ItemDocument[] = [];
  const seenData = new Set<string>();
  let done = 0;
  for (const item of picked.items) {
    opts.progress?.(done++, picked.items.length, 'items');
    const files: PackageItem['files'] = [];
    for (const f of await itemFiles(projects, item)) {
      if (embed) {
        const data = new Uint8Array(await fs.readFile(f.abs));
        const h = { size: data.length, sha256: sha256(data) };
        files.push({ path: f.rel, ...h });
        const name = dataEntry(item.source, f.rel);
        // Companions shared by several items (a sequence's calibration) are stored once.
        if (!seenData.has(name)) add(name, data, false), seenData.add(name);
      } else files.push({ path: f.rel, ...(await fileSha256(f.abs)) });
    }
    const doc = await projects.loadAnnotations(item.id);
    docs.push(doc);
    add(documentEntry(item.id), json(doc), true);
    // The base: what the origin had when it packed this item, or this document for a home export.
    let base = doc;
    let baseRevision = doc.revision ?? 0;
    if (origin && origin.baseRevisions[item.id] !== undefined) {
      base = migrateDocument(await fs.readFile(path.join(info.path, originBaseFile(item.id)), 'utf8'), originBaseFile(item.id));
      baseRevision = origin.baseRevisions[item.id];
    }
    add(baseEntry(item.id), json(base), true);
    items.push({ id: item.id, source: item.source, name: item.name, modality: item.modality, files, document: { revision: doc.revision ?? 0 }, base: { revision: baseRevision } });
  }

  // Models for pre-labelling: those that made the predictions, and any asked for. Project models
  // (trained versions) travel in the package; app and user models are named with their hash.
  const wanted = new Set([...modelIdsOf(docs), ...(opts.models ?? [])]);
  const models: PackageModel[] = [];
  if (wanted.size) {
    const lib = await discoverModels({ projectDir: info.path, userDir: opts.userModelsDir });
    for (const id of [...wanted].sort()) {
      const m = lib.models.find((e) => e.manifest.id === id);
      if (!m) {
        if (opts.models?.includes(id)) throw new DatumError('NOT_FOUND', `no model "${id}" in the library`);
        continue; // a prediction of a model this machine no longer has: nothing to carry
      }
      const modelFile = m.acceptance?.modelPath ?? m.modelPath;
      const entry: PackageModel = { id, version: m.version, source: m.source, sha256: modelFile ? (await fileSha256(modelFile)).sha256 : undefined, entries: [] };
      if (m.source === 'project') {
        const root = path.join(info.path, 'models', id);
        for (const rel of await walk(root)) {
          if (rel.startsWith('staging') || rel.includes('/.')) continue;
          const name = `models/${id}/${rel}`;
          add(name, new Uint8Array(await fs.readFile(path.join(root, rel))), !rel.endsWith('.onnx'));
          entry.entries.push(name);
        }
      }
      models.push(entry);
    }
  }

  const manifest: PackageManifest = {
    format: PACKAGE_FORMAT,
    formatVersion: PACKAGE_FORMAT_VERSION,
    packageId: randomUUID(),
    origin: origin ? { packageId: origin.packageId, project: origin.project, copyId: origin.copyId } : undefined,
    project: { name: info.name, sources: info.sources.map((s) => ({ id: s.id })), settings: info.settings },
    ontology: info.ontology,
    selection: picked.selection,
    job: picked.job ?? origin?.job,
    data: embed ? 'embedded' : 'references',
    items,
    models,
    entries: hashes,
    createdBy: opts.createdBy ?? os.userInfo().username,
    createdAt: Date.now(),
    writer: VERSION,
  };
  if (hashes[MANIFEST_ENTRY]) throw new DatumError('INTERNAL', 'manifest entry clash');
  opts.progress?.(done, picked.items.length, 'writing');
  const zip = buildZip(JSON.stringify(manifest, null, 1), entries);
  const abs = path.resolve(file);
  await atomicWrite(abs, zip);
  return { file: abs, packageId: manifest.packageId, items: items.length, data: manifest.data, bytes: zip.length, models: models.map((m) => m.id) };
}
