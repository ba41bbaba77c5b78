/**
 * KITTI object labels (`label_2/N.txt`) for KITTI-layout point-cloud items (`velodyne/N.bin`,
 * indexed with companions `calib`, `labels`, `image`).
 *
 *  - import: `<src>/label_2/N.txt` (or the item's own label companion) + calibration -> one
 *    annotation document per item, cuboid3d objects in the LiDAR frame. KITTI classes map to
 *    ontology labels by name or id (case-insensitive); missing ones are added to the ontology.
 *    Truncation, occlusion, the hand-drawn 2D box and DontCare regions travel in attributes /
 *    box2d objects so an unedited export reproduces the file (see core/formats/kitti/labels.ts).
 *  - export: `<out>/label_2/N.txt` for every KITTI item that has a calibration.
 */
import { cuboidsOnFrame } from '../../../core/document/cuboidTracks';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ItemSummary } from '../../../preload/contract';
import type { LabelSpec, Ontology } from '../../../core/document/schema';
import { parseKittiCalib, kittiCameraModel, type KittiCalib } from '../../../core/calib/kitti';
import { importKittiLabels, exportKittiLabels } from '../../../core/formats/kitti/labels';
import type { ProjectService } from '../projectService';
import { registerFormat, type ExchangeContext, type ExportResult, type ImportResult } from './registry';
import { applyPlan, badFile, importKey, type PlannedItem } from './importPlan';
import { DatumError } from '../../rpc/errors';
import { atomicWrite } from '../atomicWrite';
import { exportableDocument, leftOutWarning } from './predictions';

const PALETTE = ['#f58231', '#911eb4', '#46f0f0', '#f032e6', '#bcf60c', '#008080', '#9a6324', '#800000', '#808000', '#000075', '#a9a9a9'];

/** KITTI point-cloud items of the open project (those with companions), all pages. */
async function kittiItems(projects: ProjectService): Promise<ItemSummary[]> {
  const out: ItemSummary[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = projects.listItems({ offset, limit: 1000, modality: ['pointcloud'] });
    out.push(...page.items.filter((i) => i.companions && /(^|\/)velodyne\/[^/]+\.bin$/i.test(i.name)));
    if (offset + 1000 >= page.total) break;
  }
  return out;
}

function stemOf(item: ItemSummary): string {
  return path.basename(item.name).replace(/\.bin$/i, '');
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Width and height from a PNG header (IHDR), or null. */
export async function pngSize(file: string): Promise<[number, number] | null> {
  const fh = await fs.open(file, 'r').catch(() => null);
  if (!fh) return null;
  try {
    const buf = Buffer.alloc(24);
    await fh.read(buf, 0, 24, 0);
    if (buf.readUInt32BE(0) !== 0x89504e47) return null;
    return [buf.readUInt32BE(16), buf.readUInt32BE(20)];
  } finally {
    await fh.close();
  }
}

async function itemCalib(projects: ProjectService, item: ItemSummary, src?: string): Promise<{ calib: KittiCalib; file: string } | null> {
  const candidates: string[] = [];
  if (src) candidates.push(path.join(src, 'calib', `${stemOf(item)}.txt`));
  if (item.companions?.calib) candidates.push(projects.sourceFile(item.source, item.companions.calib));
  for (const file of candidates) {
    const text = await readIfExists(file);
    if (text !== null) return { calib: parseKittiCalib(text, file), file };
  }
  return null;
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'object';

/** Finds (or plans) the ontology label for a KITTI class. */
function labelFor(type: string, ontology: Ontology): LabelSpec {
  const lower = type.toLowerCase();
  const found = ontology.labels.find((l) => l.id.toLowerCase() === lower || l.name.toLowerCase() === lower || slug(l.name) === slug(type));
  if (found) return found;
  let id = slug(type);
  while (ontology.labels.some((l) => l.id === id)) id += '-kitti';
  const label: LabelSpec = {
    id,
    name: type,
    color: PALETTE[ontology.labels.length % PALETTE.length],
    kinds: type === 'DontCare' ? ['box2d'] : ['cuboid3d', 'box2d'],
    attributes: [],
  };
  ontology.labels.push(label);
  return label;
}

/** The KITTI class written for an ontology label: its name without spaces (Person_sitting), else the id. */
function kittiType(labelId: string, ontology: Ontology): string {
  const l = ontology.labels.find((x) => x.id === labelId);
  return (l?.name ?? labelId).trim().replace(/\s+/g, '_');
}

/**
 * Every label file is read and parsed before anything is written: one malformed file fails the
 * import with the file and line, and the project is left as it was (importPlan.ts).
 */
async function importKitti(src: string, ctx: ExchangeContext): Promise<ImportResult> {
  const { projects } = ctx;
  const info = projects.current()!;
  const ontology: Ontology = { labels: info.ontology.labels.map((l) => ({ ...l })) };
  const before = ontology.labels.length;
  const items = await kittiItems(projects);
  const warnings: string[] = [];
  const planned: PlannedItem[] = [];
  let done = 0;
  for (const item of items) {
    if (ctx.signal?.aborted) throw new DatumError('CANCELLED', 'import cancelled');
    ctx.progress?.(done++, items.length, 'reading KITTI labels');
    const stem = stemOf(item);
    let labelFile = path.join(src, 'label_2', `${stem}.txt`);
    let text = await readIfExists(labelFile);
    if (text === null && item.companions?.labels) {
      labelFile = projects.sourceFile(item.source, item.companions.labels);
      text = await readIfExists(labelFile);
    }
    if (text === null) continue;
    const calib = await itemCalib(projects, item, src).catch(badFile);
    if (!calib) {
      warnings.push(`${item.name}: no calibration (calib/${stem}.txt); labels skipped`);
      continue;
    }
    let frame;
    try {
      frame = importKittiLabels(text, calib.calib, { file: labelFile, name: stem });
    } catch (err) {
      badFile(err);
    }
    const objects = frame.objects.map((obj, i) => ({
      ...obj,
      label: labelFor(obj.label, ontology).id,
      attributes: { ...obj.attributes, kitti_type: obj.label },
      // Keyed by the item (KITTI label files are per item) and the line's position.
      importKey: importKey('kitti', `${item.name}`, i),
    }));
    planned.push({ itemId: item.id, objects, tracks: [] });
  }
  if (!items.length) warnings.push('the project has no KITTI point clouds (velodyne/N.bin with calib/ and label_2/ beside it)');
  const r = await applyPlan({ format: 'kitti', ontology: ontology.labels.length !== before ? ontology : null, items: planned, warnings }, { ...ctx, warn: undefined });
  ctx.progress?.(items.length, items.length, 'done');
  return r;
}

async function exportKitti(out: string, ctx: ExchangeContext): Promise<ExportResult> {
  const { projects } = ctx;
  const ontology = projects.current()!.ontology;
  const items = await kittiItems(projects);
  const dir = path.join(out, 'label_2');
  await fs.mkdir(dir, { recursive: true });
  const files: string[] = [];
  const warnings: string[] = [];
  let objects = 0;
  let leftOut = 0;
  let done = 0;
  for (const item of items) {
    if (ctx.signal?.aborted) throw new DatumError('CANCELLED', 'export cancelled');
    ctx.progress?.(done++, items.length, 'exporting KITTI labels');
    const calib = await itemCalib(projects, item);
    if (!calib) {
      warnings.push(`${item.name}: no calibration; not exported`);
      continue;
    }
    const size = item.companions?.image ? await pngSize(projects.sourceFile(item.source, item.companions.image)) : null;
    const camera = kittiCameraModel(calib.calib, 2, size?.[0], size?.[1]);
    const exportable = exportableDocument(await projects.loadAnnotations(item.id), ctx.includePredictions);
    leftOut += exportable.leftOut;
    const doc = exportable.doc;
    // KITTI has no tracks: frame 0 of every object (still point clouds have one frame), then any
    // cuboid track's shape on frame 0 (core/document/cuboidTracks.ts).
    const objs = [...doc.objects.filter((o) => o.frame === 0 && (o.geometry.kind === 'cuboid3d' || o.geometry.kind === 'box2d')), ...cuboidsOnFrame({ objects: [], tracks: doc.tracks }, 0)]
      .map((o) => ({ ...o, label: kittiType(o.label, ontology) }));
    const file = path.join(dir, `${stemOf(item)}.txt`);
    await atomicWrite(file, exportKittiLabels(objs, calib.calib, camera));
    files.push(file);
    objects += objs.length;
  }
  const note = leftOutWarning(leftOut);
  if (note) warnings.push(note);
  return { files, objects, predictionsLeftOut: leftOut, warnings };
}

registerFormat({
  name: 'kitti',
  description: 'KITTI object labels (label_2/*.txt) for velodyne/*.bin items with calib/',
  import: importKitti,
  export: exportKitti,
});
