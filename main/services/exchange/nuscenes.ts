/**
 * nuScenes boxes in mmdetection3d info files (`*.pkl.json`, see core/formats/nuscenes/boxes.ts).
 *
 *  - import: every `data_list` entry is matched to the indexed point cloud whose file name equals
 *    the basename of `lidar_points.lidar_path`; its instances become `cuboid3d` objects (frame 0)
 *    with the attribute `nuscenes_category`, velocity and point counts as attributes. Categories map
 *    to ontology labels by id/name (`car` → car; missing ones are added). The info file is kept under
 *    `.datum/nuscenes/` so export can reproduce calibration, poses and the category table.
 *  - export: `<out>` ending in `.json` is the file written; otherwise `<out>/<original name>`
 *    (or `<out>/nuscenes_infos.pkl.json`). Entries follow the kept file's order; without one,
 *    every point cloud with cuboids becomes an entry and the table is the nuScenes 10 classes.
 */
import { cuboidsOnFrame } from '../../../core/document/cuboidTracks';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { AnnotationObject, Ontology } from '../../../core/document/schema';
import type { ItemSummary } from '../../../preload/contract';
import { exportNuScenesInfo, importNuScenesInfo, type NuScenesInfo } from '../../../core/formats/nuscenes/boxes';
import { parseInfoJson } from '../../../core/formats/nuscenes/infoJson';
import type { LidarFrame } from '../../../core/lidar/item';
import { registerFormat, type ExchangeContext, type ExportResult, type ImportResult } from './registry';
import { itemsOf, labelFor, readIfExists, slug } from './lidarCommon';
import { applyPlan, badFile, importKey, type PlannedItem } from './importPlan';
import { exportableDocument, leftOutWarning } from './predictions';
import { atomicWrite } from '../atomicWrite';
import { DatumError } from '../../rpc/errors';

export const NUSCENES_CATEGORY_ATTR = 'nuscenes_category';
const KEEP_DIR = '.datum/nuscenes';
const DEFAULT_CATEGORIES: Record<string, number> = {
  car: 0, truck: 1, trailer: 2, bus: 3, construction_vehicle: 4, bicycle: 5, motorcycle: 6, pedestrian: 7, traffic_cone: 8, barrier: 9,
};

type Entry = NuScenesInfo['data_list'][number];
const lidarName = (e: Entry, i: number) => path.basename(e.lidar_points?.lidar_path ?? String(e.token ?? i));

function byFileName(items: ItemSummary[]): Map<string, ItemSummary> {
  const m = new Map<string, ItemSummary>();
  for (const it of items) if (!m.has(path.basename(it.name))) m.set(path.basename(it.name), it);
  return m;
}

/**
 * The info file is parsed and matched before anything is written; then the documents (boxes
 * keyed by point cloud and box index, so a second import updates them), then the kept copy.
 */
async function importNuScenes(src: string, ctx: ExchangeContext): Promise<ImportResult> {
  const { projects } = ctx;
  const info = projects.current()!;
  const text = await fs.readFile(src, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new DatumError(e.code === 'ENOENT' ? 'NOT_FOUND' : 'BAD_FILE', `${src}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  let parsed: ReturnType<typeof importNuScenesInfo>;
  let raw: NuScenesInfo;
  try {
    parsed = importNuScenesInfo(text, src);
    raw = parseInfoJson(text, src) as NuScenesInfo;
  } catch (err) {
    badFile(err);
  }
  const ontology: Ontology = { labels: info.ontology.labels.map((l) => ({ ...l })) };
  const before = ontology.labels.length;
  const items = byFileName(itemsOf(projects, ['pointcloud']));
  const warnings: string[] = [];
  const planned: PlannedItem[] = [];
  for (let i = 0; i < parsed.frames.length; i++) {
    if (ctx.signal?.aborted) throw new DatumError('CANCELLED', 'import cancelled');
    const name = lidarName(raw.data_list[i], i);
    const item = items.get(name);
    if (!item) {
      warnings.push(`data_list[${i}]: no point cloud named ${name} in the project`);
      continue;
    }
    const objects: AnnotationObject[] = parsed.frames[i].objects.map((o, k) => ({
      ...o,
      frame: 0,
      label: labelFor(o.label, ontology, 'nuscenes').id,
      attributes: { ...o.attributes, [NUSCENES_CATEGORY_ATTR]: o.label },
      importKey: importKey('nuscenes', name, k),
    }));
    planned.push({ itemId: item.id, objects, tracks: [] });
  }
  const r = await applyPlan({ format: 'nuscenes', ontology: ontology.labels.length !== before ? ontology : null, items: planned, warnings }, { ...ctx, warn: undefined });
  if (planned.length) await atomicWrite(path.join(info.path, KEEP_DIR, path.basename(src)), text);
  return r;
}

async function exportNuScenes(out: string, ctx: ExchangeContext): Promise<ExportResult> {
  const { projects } = ctx;
  const info = projects.current()!;
  const ontology = info.ontology;
  const warnings: string[] = [];
  let leftOut = 0;
  const keepDir = path.join(info.path, KEEP_DIR);
  const kept = (await fs.readdir(keepDir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
  if (kept.length > 1) warnings.push(`several imported info files under ${KEEP_DIR}; using ${kept[0]}`);
  const baseText = kept.length ? await readIfExists(path.join(keepDir, kept[0])) : null;
  const base = baseText !== null ? (parseInfoJson(baseText, kept[0]) as NuScenesInfo) : undefined;
  const categories: Record<string, number> = { ...(base?.metainfo.categories ?? DEFAULT_CATEGORIES) };
  const catNames = Object.keys(categories);

  /** The category of an object: its imported one while its label still matches it, else by label id/name. */
  const categoryOf = (o: AnnotationObject): string | undefined => {
    const l = ontology.labels.find((x) => x.id === o.label);
    const orig = o.attributes[NUSCENES_CATEGORY_ATTR];
    if (typeof orig === 'string' && (!l || labelFor(orig, { labels: [l] }, 'x') === l)) return orig;
    const keys = [o.label, l?.name ?? ''].map(slug);
    return catNames.find((c) => keys.includes(slug(c))) ?? (/^-?\d+$/.test(o.label) ? o.label : undefined);
  };
  const items = itemsOf(projects, ['pointcloud']);
  const named = byFileName(items);
  const frameOf = async (item: ItemSummary, frame: number, name: string): Promise<LidarFrame> => {
    const exportable = exportableDocument(await projects.loadAnnotations(item.id), ctx.includePredictions);
    leftOut += exportable.leftOut;
    const doc = exportable.doc;
    const objects: AnnotationObject[] = [];
    // frame 0's cuboids: objects, then any cuboid track's shape there (core/document/cuboidTracks.ts)
    for (const o of cuboidsOnFrame(doc, 0)) {
      const c = categoryOf(o);
      if (c === undefined) warnings.push(`${item.name}: label "${o.label}" has no nuScenes category; box skipped`);
      else objects.push({ ...o, label: c });
    }
    return { frame, name, objects };
  };
  const frames: LidarFrame[] = [];
  let objects = 0;
  if (base) {
    const original = importNuScenesInfo(baseText!, kept[0]);
    for (let i = 0; i < base.data_list.length; i++) {
      const item = named.get(lidarName(base.data_list[i], i));
      if (!item) warnings.push(`data_list[${i}]: its point cloud is not in the project; original boxes kept`);
      frames.push(item ? await frameOf(item, i, item.name) : original.frames[i]);
    }
  } else {
    for (const item of items) {
      const f = await frameOf(item, frames.length, path.basename(item.name));
      if (f.objects.length) frames.push(f);
    }
  }
  for (const f of frames) objects += f.objects.length;
  const file = out.toLowerCase().endsWith('.json') ? out : path.join(out, kept[0] ?? 'nuscenes_infos.pkl.json');
  await fs.mkdir(path.dirname(file), { recursive: true });
  let text = exportNuScenesInfo(frames, categories, base);
  if (!base) {
    // Without a base the entries carry the point cloud's file name so the file can be read back.
    const json = JSON.parse(text) as NuScenesInfo;
    json.data_list.forEach((e, i) => (e.lidar_points = { lidar_path: frames[i].name }));
    text = JSON.stringify(json, null, 1);
  }
  await atomicWrite(file, text);
  const note = leftOutWarning(leftOut);
  if (note) warnings.push(note);
  return { files: [file], objects, predictionsLeftOut: leftOut, warnings };
}

registerFormat({
  name: 'nuscenes',
  description: 'nuScenes boxes in an mmdetection3d info file (*.pkl.json), matched to point clouds by lidar_path',
  import: importNuScenes,
  export: exportNuScenes,
});
