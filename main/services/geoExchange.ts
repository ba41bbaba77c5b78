/**
 * Host side of the geo label formats (core/geo/formats): export an image's labels into
 * <project>/exports/ and import them back, reprojected onto the image.
 *
 * Export: GeoJSON (WGS 84, RFC 7946) and Shapefile (image CRS or WGS 84, .prj) need a GeoTIFF with
 * a CRS Datum bundles; DOTA, YOLO-OBB and COCO-OBB are pixel formats and work on any image. Every
 * file is written atomically (temp + rename); a multi-file export (Shapefile layers, YOLO-OBB
 * data.yaml + labels/) is built in a temp folder that replaces the old one by rename.
 *
 * Import is all-or-nothing: the whole file is parsed and every feature mapped onto the image
 * before the document is written once (atomically), and a bad line or feature stops it with an
 * error naming the file and the line / feature. Re-importing is idempotent (core/geo/formats/merge).
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AnnotationObject, type Ontology } from '../../core/document/schema';
import { addLabel } from '../../core/ontology/ontology';
import { SUPPORTED_CRS, UnsupportedCrsError, WGS84, crsDefinition } from '../../core/geo/crs';
import { labelsToGeoJson } from '../../core/geo/geojson';
import { classToken, GeoFormatError, type GeoObject } from '../../core/geo/formats/common';
import { readCocoObb, writeCocoObb } from '../../core/geo/formats/cocoObb';
import { readDota, writeDota } from '../../core/geo/formats/dota';
import { geoJsonEpsg, parseGeoJson, readGeoJson } from '../../core/geo/formats/geojsonRead';
import { mergeImported, type Incoming } from '../../core/geo/formats/merge';
import { projector } from '../../core/geo/formats/project';
import { readShapefile, writeShapefile } from '../../core/geo/formats/shapefile';
import { epsgOfWkt } from '../../core/geo/formats/wkt';
import { readYoloNames, readYoloObb, writeYoloObb } from '../../core/geo/formats/yoloObb';
import { DatumError } from '../rpc/errors';
import { atomicWrite } from './atomicWrite';
import { recordProjectExport } from './exchange/run';
import { openGeoTiff } from './geotiff';
import { EXPORT_DIR } from './medical';
import type { ProjectService } from './projectService';
import { imageInfo } from './tiles';

export const GEO_FORMATS = ['geojson', 'shapefile', 'dota', 'yolo-obb', 'coco-obb'] as const;
export type GeoFormat = (typeof GEO_FORMATS)[number];

export interface GeoExportResult {
  format: GeoFormat;
  /** The file, or the folder for multi-file exports. */
  path: string;
  files: string[];
  written: number;
  skipped: number;
}

function labelNames(ontology: Ontology) {
  const byId = new Map(ontology.labels.map((l) => [l.id, l.name]));
  return (id: string) => byId.get(id) ?? id;
}

const stemOf = (name: string) => path.basename(name).replace(/\.[^.]+$/, '') || 'image';

async function replaceDir(target: string, fill: (dir: string) => Promise<void>) {
  const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
  await fs.mkdir(tmp, { recursive: true });
  try {
    await fill(tmp);
    const old = `${target}.${process.pid}.${Date.now()}.old`;
    const had = await fs.rename(target, old).then(
      () => true,
      (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return false;
        throw e;
      },
    );
    await fs.rename(tmp, target);
    if (had) await fs.rm(old, { recursive: true, force: true });
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

async function georef(file: string, name: string) {
  const o = await openGeoTiff(file);
  if (!o) throw new DatumError('BAD_REQUEST', `${name} is not a georeferenced TIFF: map formats need a GeoTIFF`);
  const epsg = o.info.epsg;
  if (epsg == null || !crsDefinition(epsg)) throw new DatumError('BAD_REQUEST', `${name}: ${new UnsupportedCrsError(epsg).message}`);
  return { gt: o.info.geotransform, epsg, info: o.info };
}

export async function exportGeo(projects: ProjectService, itemId: string, format: GeoFormat, opts: { crs?: 'image' | 'wgs84' } = {}): Promise<GeoExportResult> {
  const item = projects.getItem(itemId);
  if (item.modality !== 'image') throw new DatumError('BAD_REQUEST', `${item.name} is not an image`);
  const file = projects.itemPath(item.id);
  const doc = await projects.loadAnnotations(item.id);
  const p = projects.requireProject();
  const name = labelNames(p.file.ontology);
  const objects = doc.objects.filter((o) => (o.frame ?? 0) === 0);
  const geoObjects: GeoObject[] = objects.map((o) => ({ id: o.id, label: name(o.label), geometry: o.geometry, attributes: o.attributes ?? {}, source: o.source.kind }));
  const exportsDir = projects.guard.check(path.join(p.dir, EXPORT_DIR));
  await fs.mkdir(exportsDir, { recursive: true });
  let result: GeoExportResult;
  if (format === 'geojson') {
    const { gt, epsg } = await georef(file, item.name);
    const out = labelsToGeoJson(objects, gt, epsg, name);
    const abs = path.join(exportsDir, `${item.id}.geojson`);
    await atomicWrite(abs, JSON.stringify(out.collection, null, 1));
    result = { format, path: abs, files: [abs], written: out.collection.features.length, skipped: out.skipped };
  } else if (format === 'shapefile') {
    const { gt, epsg } = await georef(file, item.name);
    const proj = projector(gt, epsg, opts.crs === 'wgs84' ? WGS84 : epsg);
    const out = writeShapefile(geoObjects, proj, item.id);
    const dir = path.join(exportsDir, `${item.id}-shapefile`);
    const files: string[] = [];
    await replaceDir(dir, async (tmp) => {
      for (const l of out.layers)
        for (const [ext, data] of [['shp', l.shp], ['shx', l.shx], ['dbf', l.dbf], ['prj', l.prj], ['cpg', l.cpg]] as const) {
          await fs.writeFile(path.join(tmp, `${l.name}.${ext}`), data);
          files.push(path.join(dir, `${l.name}.${ext}`));
        }
    });
    result = { format, path: dir, files, written: out.written, skipped: out.skipped };
  } else {
    const { width, height, geo } = await imageInfo(file);
    if (format === 'dota') {
      const gsd = geo && geo.epsg !== 4326 && geo.epsg != null ? geo.resolution[0] : null;
      const out = writeDota(geoObjects, { imageSource: path.basename(item.name), gsd });
      const abs = path.join(exportsDir, `${item.id}.dota.txt`);
      await atomicWrite(abs, out.text);
      result = { format, path: abs, files: [abs], written: out.written, skipped: out.skipped };
    } else if (format === 'yolo-obb') {
      const out = writeYoloObb(geoObjects, { width, height }, p.file.ontology.labels.map((l) => l.name));
      const dir = path.join(exportsDir, `${item.id}-yolo-obb`);
      const txt = path.join('labels', `${stemOf(item.name)}.txt`);
      await replaceDir(dir, async (tmp) => {
        await fs.mkdir(path.join(tmp, 'labels'));
        await fs.writeFile(path.join(tmp, txt), out.text);
        await fs.writeFile(path.join(tmp, 'data.yaml'), out.dataYaml);
      });
      result = { format, path: dir, files: [path.join(dir, 'data.yaml'), path.join(dir, txt)], written: out.written, skipped: out.skipped };
    } else {
      const out = writeCocoObb(geoObjects, { file_name: path.basename(item.name), width, height }, p.file.ontology.labels.map((l) => l.name));
      const abs = path.join(exportsDir, `${item.id}.coco-obb.json`);
      await atomicWrite(abs, JSON.stringify(out.json, null, 1));
      result = { format, path: abs, files: [abs], written: out.written, skipped: out.skipped };
    }
  }
  await recordProjectExport(projects, exportsDir); // exports/ is never indexed as items
  return result;
}

/** Which format a file is, from its name and (for .txt / .json) its content. */
async function detect(abs: string): Promise<GeoFormat> {
  const st = await fs.stat(abs);
  if (st.isDirectory()) {
    const names = await fs.readdir(abs);
    if (names.some((n) => /\.shp$/i.test(n))) return 'shapefile';
    if (names.includes('labels')) return 'yolo-obb';
    throw new DatumError('BAD_REQUEST', `${path.basename(abs)}: a folder with no .shp files nor labels/`);
  }
  if (/\.shp$/i.test(abs)) return 'shapefile';
  if (/\.(geo)?json$/i.test(abs)) {
    if (/\.geojson$/i.test(abs)) return 'geojson';
    const head = (await fs.readFile(abs, 'utf8')).slice(0, 4096);
    return /"annotations"\s*:/.test(head) || /"images"\s*:/.test(head) ? 'coco-obb' : 'geojson';
  }
  if (/\.txt$/i.test(abs)) {
    const first = (await fs.readFile(abs, 'utf8'))
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l && !/^(imagesource|gsd):/i.test(l));
    const t = first?.split(/\s+/) ?? [];
    // YOLO-OBB: an integer class then 8 normalised numbers; DOTA: 8 pixel numbers, a class, difficult
    return t.length === 9 && /^\d+$/.test(t[0]) && t.slice(1).every((v) => Number.isFinite(Number(v))) ? 'yolo-obb' : 'dota';
  }
  throw new DatumError('BAD_REQUEST', `${path.basename(abs)}: unknown label format (expected .geojson, .shp, .txt (DOTA / YOLO-OBB) or a COCO .json)`);
}

async function readText(abs: string) {
  return fs.readFile(abs, 'utf8');
}

async function yoloNames(txt: string): Promise<string[]> {
  // data.yaml beside the labels/ folder (Ultralytics layout) or beside the file, else classes.txt
  for (const dir of [path.dirname(path.dirname(txt)), path.dirname(txt)])
    for (const n of ['data.yaml', 'dataset.yaml', 'classes.txt']) {
      const f = path.join(dir, n);
      const text = await fs.readFile(f, 'utf8').catch(() => null);
      if (text != null) return readYoloNames(text, n);
    }
  throw new GeoFormatError(path.basename(txt), null, 'no data.yaml or classes.txt with the class names beside it or its parent folder');
}

export interface GeoImportResult {
  format: GeoFormat;
  objects: number;
  added: number;
  updated: number;
  unchanged: number;
  labelsAdded: string[];
}

export async function importGeo(projects: ProjectService, itemId: string, p: string, format?: GeoFormat): Promise<GeoImportResult> {
  const item = projects.getItem(itemId);
  if (item.modality !== 'image') throw new DatumError('BAD_REQUEST', `${item.name} is not an image`);
  const file = projects.itemPath(item.id);
  const proj = projects.requireProject();
  const abs = projects.guard.check(p, proj.dir);
  const fmt = format ?? (await detect(abs));
  const base = path.basename(abs);
  let read: { id?: string; label: string; geometry: GeoObject['geometry']; attributes?: GeoObject['attributes']; where: string }[] = [];
  try {
    if (fmt === 'geojson') {
      const { gt, epsg } = await georef(file, item.name);
      const doc = parseGeoJson(await readText(abs), base);
      const fileEpsg = geoJsonEpsg(doc, base);
      if (!crsDefinition(fileEpsg)) throw new GeoFormatError(base, 'crs', `EPSG:${fileEpsg} is not supported for reprojection; supported: ${SUPPORTED_CRS}`);
      const pr = projector(gt, epsg, fileEpsg);
      read = readGeoJson(doc, base, pr.inverse);
    } else if (fmt === 'shapefile') {
      const { gt, epsg } = await georef(file, item.name);
      const st = await fs.stat(abs);
      const shps = st.isDirectory() ? (await fs.readdir(abs)).filter((n) => /\.shp$/i.test(n)).sort().map((n) => path.join(abs, n)) : [abs];
      for (const shp of shps) {
        const stem = shp.replace(/\.shp$/i, '');
        const sib = async (ext: string) => fs.readFile(`${stem}.${ext}`).catch(() => fs.readFile(`${stem}.${ext.toUpperCase()}`).catch(() => null));
        const shpName = path.basename(shp);
        const prj = await sib('prj');
        if (!prj) throw new GeoFormatError(shpName, null, 'has no .prj beside it: its coordinate system is unknown');
        const fileEpsg = epsgOfWkt(prj.toString('utf8'));
        if (fileEpsg == null || !crsDefinition(fileEpsg))
          throw new GeoFormatError(shpName.replace(/\.shp$/i, '.prj'), null, `${fileEpsg == null ? 'names no EPSG code Datum knows' : `is EPSG:${fileEpsg}`}; supported: ${SUPPORTED_CRS}`);
        const dbf = await sib('dbf');
        const cpg = await sib('cpg');
        const objs = readShapefile({ shp: new Uint8Array(await fs.readFile(shp)), dbf: dbf ? new Uint8Array(dbf) : undefined, cpg: cpg?.toString('utf8').trim() }, shpName, projector(gt, epsg, fileEpsg));
        read.push(...objs.map((o) => ({ ...o, where: `${shpName} ${o.where}` })));
      }
    } else if (fmt === 'dota') {
      read = readDota(await readText(abs), base).objects.map((o) => ({ ...o, where: `line ${o.line}` }));
    } else if (fmt === 'yolo-obb') {
      const st = await fs.stat(abs);
      const txt = st.isDirectory() ? path.join(abs, 'labels', `${stemOf(item.name)}.txt`) : abs;
      const { width, height } = await imageInfo(file);
      const names = await yoloNames(txt);
      read = readYoloObb(await readText(txt), path.basename(txt), { width, height }, names).map((o) => ({ ...o, where: `line ${o.line}` }));
    } else {
      read = readCocoObb(await readText(abs), base, item.name);
    }
  } catch (e) {
    if (e instanceof GeoFormatError) throw new DatumError('BAD_FILE', e.message);
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new DatumError('NOT_FOUND', `${base}: ${(e as Error).message}`);
    throw e;
  }
  // labels by name (or by the DOTA/YOLO token of a name, or by id); unknown names become new labels
  let ontology = proj.file.ontology;
  const labelsAdded: string[] = [];
  const resolve = (n: string): string => {
    const hit = ontology.labels.find((l) => l.name === n) ?? ontology.labels.find((l) => classToken(l.name) === n) ?? ontology.labels.find((l) => l.id === n);
    if (hit) return hit.id;
    const r = addLabel(ontology, n);
    ontology = { labels: r.ontology.labels.map((l) => (l.id === r.id ? { ...l, kinds: [] } : l)) };
    labelsAdded.push(n);
    return r.id;
  };
  const source = path.relative(proj.dir, abs).split(path.sep).join('/');
  const incoming: Incoming[] = read.map((o) => ({ id: o.id, key: `${fmt}:${source}#${o.where}`, label: resolve(o.label), geometry: o.geometry, attributes: o.attributes }));
  // the schema's own check before anything is written (finite numbers, attribute types)
  incoming.forEach((o, i) => {
    const bad = AnnotationObject.safeParse({ id: 'x', label: o.label, geometry: o.geometry, attributes: o.attributes ?? {} });
    if (!bad.success) throw new DatumError('BAD_FILE', `${base}: ${read[i].where}: ${bad.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
  });
  const doc = await projects.loadAnnotations(item.id);
  const merged = mergeImported(doc.objects, incoming, () => randomUUID());
  if (labelsAdded.length) await projects.updateOntology(ontology);
  if (merged.added || merged.updated) {
    await projects.saveAnnotations(item.id, { ...doc, status: doc.status === 'new' ? 'in_progress' : doc.status, objects: merged.objects });
  }
  return { format: fmt, objects: incoming.length, added: merged.added, updated: merged.updated, unchanged: merged.unchanged, labelsAdded };
}
