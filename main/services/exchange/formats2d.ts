/**
 * The 2D exchange formats (COCO, YOLO, Pascal VOC, CVAT for images, CVAT for video) bound to
 * project I/O. The converters themselves are pure (core/formats/2d); this module reads
 * the source files into a map, matches dataset items to the project's indexed items by relative
 * path (then by unique file name), merges labels into the ontology by name and saves documents
 * through the ProjectService (atomic writes). Export builds a Dataset2D from the project and writes
 * the returned files under <out>.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { createFile, MP4BoxBuffer } from 'mp4box';
import type { ItemSummary } from '../../../preload/contract';
import type { LabelSpec, Ontology } from '../../../core/document/schema';
import {
  type Dataset2D,
  type Dataset2DItem,
  type FormatFiles,
  exportCoco,
  exportCvatImages,
  exportCvatVideo,
  exportVoc,
  exportYolo,
  importCoco,
  importCvatImages,
  importCvatVideo,
  importVoc,
  importYolo,
} from '../../../core/formats/2d';
import { atomicWrite } from '../atomicWrite';
import { exportFolders, inExportFolder } from '../exportRecord';
import { DatumError } from '../../rpc/errors';
import type { ProjectService } from '../projectService';
import { registerFormat, type ExchangeContext, type ExportResult, type ImportResult } from './registry';
import { exportableDocument, leftOutWarning } from './predictions';
import { applyPlan, badFile, importKey, type ImportPlan, type PlannedItem } from './importPlan';

type Kind = 'image' | 'video';

interface Format2D {
  name: string;
  description: string;
  kind: Kind;
  /** File extensions read from a source folder (lower case, with the dot). */
  extensions: string[];
  read(files: FormatFiles, images: () => Promise<Array<{ name: string; width: number; height: number }>>): Promise<Dataset2D>;
  write(ds: Dataset2D, warn: (m: string) => void): FormatFiles;
}

const FORMATS: Format2D[] = [
  {
    name: 'coco',
    description: 'COCO instances JSON (boxes, polygons, RLE masks, keypoints)',
    kind: 'image',
    extensions: ['.json'],
    read: async (files) => importCoco(files),
    write: (ds, warn) => exportCoco(ds, { onWarning: warn }),
  },
  {
    name: 'yolo',
    description: 'Ultralytics YOLO (data.yaml + labels/*.txt; boxes and polygons)',
    kind: 'image',
    extensions: ['.txt', '.yaml', '.yml', '.names'],
    read: async (files, images) => importYolo(files, { images: await images() }),
    write: (ds, warn) => exportYolo(ds, { onWarning: warn }),
  },
  {
    name: 'voc',
    description: 'Pascal VOC XML (boxes)',
    kind: 'image',
    extensions: ['.xml', '.txt'],
    read: async (files) => importVoc(files),
    write: (ds, warn) => exportVoc(ds, { onWarning: warn }),
  },
  {
    name: 'cvat-images',
    description: 'CVAT for images 1.1 XML',
    kind: 'image',
    extensions: ['.xml'],
    read: async (files) => importCvatImages(files),
    write: (ds, warn) => exportCvatImages(ds, { onWarning: warn }),
  },
  {
    name: 'cvat-video',
    description: 'CVAT for video 1.1 XML (tracks with keyframes)',
    kind: 'video',
    extensions: ['.xml'],
    read: async (files) => importCvatVideo(files),
    write: (ds, warn) => exportCvatVideo(ds, { onWarning: warn }),
  },
];

const MAX_SOURCE_FILES = 200_000;

/** Read the annotation files of `src` (a file, or a folder searched recursively) into a map. */
export async function readSourceFiles(src: string, extensions: string[], skipFolders: string[] = []): Promise<FormatFiles> {
  const files: FormatFiles = new Map();
  const st = await fs.stat(src).catch(() => null);
  if (!st) throw new DatumError('NOT_FOUND', `${src}: no such file or folder`);
  if (st.isFile()) {
    files.set(path.basename(src), new Uint8Array(await fs.readFile(src)));
    return files;
  }
  const queue = [''];
  while (queue.length) {
    const rel = queue.shift()!;
    const entries = await fs.readdir(path.join(src, rel), { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      // Our own exports inside a project folder are not the dataset's annotations.
      if (e.isDirectory()) {
        if (!inExportFolder(skipFolders, path.join(src, childRel))) queue.push(childRel);
      }
      else if (e.isFile() && extensions.some((x) => e.name.toLowerCase().endsWith(x))) {
        // A project folder holds datum.json and annotations/<item-id>.json: those are ours, not the dataset's.
        if (childRel === 'datum.json' || /^annotations\/[0-9a-f]{16}\.json$/.test(childRel)) continue;
        files.set(childRel, new Uint8Array(await fs.readFile(path.join(src, childRel))));
        if (files.size > MAX_SOURCE_FILES) throw new DatumError('BAD_REQUEST', `${src}: more than ${MAX_SOURCE_FILES} annotation files`);
      }
    }
  }
  return files;
}

/** Every indexed item of the project (items.list pages through the index). */
export function allItems(projects: ProjectService, modality?: ItemSummary['modality'][]): ItemSummary[] {
  const out: ItemSummary[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = projects.listItems({ offset, limit: 1000, modality });
    out.push(...page.items);
    if (page.items.length < 1000) return out;
  }
}

/** Matches dataset names to project items: exact relative path, then path suffix, then a unique file name. */
export function itemMatcher(items: ItemSummary[]): (name: string) => ItemSummary | undefined {
  const byName = new Map(items.map((i) => [i.name, i]));
  const byBase = new Map<string, ItemSummary | null>();
  for (const i of items) {
    const base = path.posix.basename(i.name);
    byBase.set(base, byBase.has(base) ? null : i);
  }
  return (name) => {
    const clean = name.replace(/\\/g, '/').replace(/^\.\//, '');
    const exact = byName.get(clean);
    if (exact) return exact;
    const suffix = items.filter((i) => i.name.endsWith(`/${clean}`) || clean.endsWith(`/${i.name}`));
    if (suffix.length === 1) return suffix[0];
    return byBase.get(path.posix.basename(clean)) ?? undefined;
  };
}

/**
 * Merge imported labels into the project's ontology by name. Returns the new ontology and the
 * mapping from the dataset's label ids to the project's.
 */
export function mergeOntology(project: Ontology, imported: Ontology): { ontology: Ontology; idMap: Map<string, string>; added: number } {
  const labels: LabelSpec[] = project.labels.map((l) => ({ ...l }));
  const byName = new Map(labels.map((l) => [l.name, l]));
  const ids = new Set(labels.map((l) => l.id));
  const idMap = new Map<string, string>();
  let added = 0;
  for (const l of imported.labels) {
    const existing = byName.get(l.name);
    if (existing) {
      idMap.set(l.id, existing.id);
      if (l.externalIds) existing.externalIds = { ...l.externalIds, ...existing.externalIds };
      if (!existing.skeleton && l.skeleton) existing.skeleton = l.skeleton;
      const known = new Set(existing.attributes.map((a) => a.id));
      const extra = l.attributes.filter((a) => !known.has(a.id));
      if (extra.length) existing.attributes = [...existing.attributes, ...extra];
      continue;
    }
    let id = l.id;
    for (let n = 2; ids.has(id); n++) id = `${l.id}-${n}`;
    ids.add(id);
    const label = { ...l, id };
    labels.push(label);
    byName.set(label.name, label);
    idMap.set(l.id, id);
    added++;
  }
  return { ontology: { labels }, idMap, added };
}

async function imageSizeOf(file: string): Promise<{ width: number; height: number } | null> {
  try {
    const m = await sharp(file, { failOn: 'none', limitInputPixels: 1e9 }).metadata();
    if (!m.width || !m.height) return null;
    // EXIF orientations 5-8 swap the displayed axes; annotation tools work on the displayed image.
    return m.orientation && m.orientation >= 5 ? { width: m.height, height: m.width } : { width: m.width, height: m.height };
  } catch {
    return null;
  }
}

/** Width, height and frame count of an MP4 (mp4box); null for containers we cannot probe. */
export async function videoInfo(file: string): Promise<{ width: number; height: number; frames: number } | null> {
  if (!/\.(mp4|m4v|mov)$/i.test(file)) return null;
  const buf = await fs.readFile(file);
  const mp4 = createFile();
  type Info = { videoTracks: Array<{ video?: { width: number; height: number }; nb_samples: number }> };
  const box: { info: Info | null } = { info: null };
  mp4.onReady = (i: unknown) => (box.info = i as Info);
  const ab = MP4BoxBuffer.fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer, 0);
  mp4.appendBuffer(ab);
  mp4.flush();
  const track = box.info?.videoTracks[0];
  if (!track?.video) return null;
  return { width: track.video.width, height: track.video.height, frames: track.nb_samples };
}

/**
 * Phase 1 (nothing is written): read and parse the source, match its items, merge its labels.
 * Every object gets the key `<format>:<dataset item name>#<importer id>`: the importers derive
 * ids from the source (COCO annotation id, YOLO line, CVAT shape index), so they are stable
 * across runs.
 */
async function planImport(format: Format2D, src: string, ctx: ExchangeContext): Promise<ImportPlan> {
  const { projects } = ctx;
  const warnings: string[] = [];
  const modality: ItemSummary['modality'][] = format.kind === 'video' ? ['video'] : ['image'];
  const items = allItems(projects, modality);
  const files = await readSourceFiles(src, format.extensions, await exportFolders(projects.current()!.path));
  ctx.progress?.(0, null, 'parsing');
  const images = async () => {
    const out: Array<{ name: string; width: number; height: number }> = [];
    for (const i of items) {
      const size = i.region ? { width: i.region.width, height: i.region.height } : await imageSizeOf(projects.itemPath(i.id));
      if (size) out.push({ name: i.name, ...size });
      else warnings.push(`${i.name}: cannot read the image size; skipped`);
    }
    return out;
  };
  const ds = await format.read(files, images).catch(badFile);
  const match = itemMatcher(items);
  const info = projects.current()!;
  const { ontology, idMap } = mergeOntology(info.ontology, ds.ontology);
  const relabel = (id: string) => idMap.get(id) ?? id;
  const planned: PlannedItem[] = [];
  for (const dsItem of ds.items) {
    const item = match(dsItem.name);
    if (!item) {
      warnings.push(`${dsItem.name}: no item in the project has this name; its annotations were skipped`);
      continue;
    }
    const key = (id: string) => importKey(format.name, dsItem.name, id);
    planned.push({
      itemId: item.id,
      objects: dsItem.document.objects.map((o) => ({ ...o, label: relabel(o.label), importKey: key(o.id) })),
      tracks: dsItem.document.tracks.map((t) => ({ ...t, label: relabel(t.label), importKey: key(t.id) })),
    });
  }
  // Labels arrive only with annotations: a dataset that matches nothing leaves the ontology alone.
  const changed = JSON.stringify(ontology) !== JSON.stringify(info.ontology);
  return { format: format.name, ontology: changed ? ontology : null, items: planned, warnings };
}

async function importInto(format: Format2D, src: string, ctx: ExchangeContext): Promise<ImportResult> {
  const plan = await planImport(format, src, ctx);
  return applyPlan(plan, ctx);
}

/** The project as a Dataset2D: every item of the format's modality with its size and document. */
export async function projectDataset(projects: ProjectService, kind: Kind, warn: (m: string) => void): Promise<Dataset2D> {
  const info = projects.current();
  if (!info) throw new DatumError('NO_PROJECT', 'no project is open');
  const items: Dataset2DItem[] = [];
  // Single-frame colour DICOM is annotated with the image tools (renderer/editors/dicomColor), so it
  // exports as an image; its size comes from the header the indexer read.
  const colourDicom = (i: ItemSummary) => i.modality === 'dicom' && !!i.dicom?.color && (i.frames ?? 1) <= 1 && !!i.dicom.rows && !!i.dicom.columns;
  const candidates = kind === 'image' ? allItems(projects, ['image', 'dicom']).filter((i) => i.modality === 'image' || colourDicom(i)) : allItems(projects, [kind]);
  for (const item of candidates) {
    const file = projects.itemPath(item.id);
    const document = await projects.loadAnnotations(item.id);
    if (kind === 'image') {
      // a region item (geo.split) is its window of the parent image, labelled in its own pixels
      const size = item.modality === 'dicom' ? { width: item.dicom!.columns!, height: item.dicom!.rows! } : item.region ? { width: item.region.width, height: item.region.height } : await imageSizeOf(file);
      if (!size) {
        warn(`${item.name}: cannot read the image size; left out`);
        continue;
      }
      items.push({ name: item.name, ...size, document });
    } else {
      const v = await videoInfo(file).catch(() => null);
      if (!v) {
        if (document.objects.length || document.tracks.length) warn(`${item.name}: cannot read the video's size and frame count (only MP4 is probed); left out`);
        continue;
      }
      items.push({ name: item.name, width: v.width, height: v.height, frames: v.frames, document });
    }
  }
  return { ontology: info.ontology, items };
}

function countObjects(ds: Dataset2D): number {
  return ds.items.reduce((n, i) => n + i.document.objects.length + i.document.tracks.length, 0);
}

async function exportFrom(format: Format2D, out: string, ctx: ExchangeContext): Promise<ExportResult> {
  const warnings: string[] = [];
  const warn = (m: string) => (ctx.warn ? ctx.warn(m) : warnings.push(m));
  ctx.progress?.(0, null, 'reading');
  const all = await projectDataset(ctx.projects, format.kind, warn);
  let leftOut = 0;
  const ds: Dataset2D = {
    ...all,
    items: all.items.map((item) => {
      const e = exportableDocument(item.document, ctx.includePredictions);
      leftOut += e.leftOut;
      return { ...item, document: e.doc };
    }),
  };
  const files = format.write(ds, warn);
  const written: string[] = [];
  for (const [rel, content] of files) {
    const target = path.resolve(out, rel);
    if (!target.startsWith(path.resolve(out) + path.sep)) throw new DatumError('INTERNAL', `exporter produced a path outside the output folder: ${rel}`);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await atomicWrite(target, typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content));
    written.push(target);
  }
  const note = leftOutWarning(leftOut);
  if (note) warn(note);
  return { files: written, objects: countObjects(ds), predictionsLeftOut: leftOut, warnings };
}

for (const f of FORMATS) {
  registerFormat({
    name: f.name,
    description: f.description,
    import: (src, ctx) => importInto(f, src, ctx),
    export: (out, ctx) => exportFrom(f, out, ctx),
  });
}
