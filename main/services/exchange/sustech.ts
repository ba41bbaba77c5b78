/**
 * SUSTechPOINTS (`lidar/*.pcd`, `camera/<name>/*.jpg`, `calib/camera/<name>.json`,
 * `label/*.json`) as ONE point-cloud sequence item.
 *
 *  - import: the SUSTech root must be a folder inside one of the project's sources (if it is not,
 *    its lidar/camera/calib/label folders are copied to `<project>/<name>`). `sequence.json` (frames
 *    `{name, cloud, images, labels}`) and `calibration.json` (`cameras.<name>.{width, height,
 *    intrinsic, lidarToCamera}`, front camera first) are written there when absent, so the indexer
 *    makes it one `pointcloud-sequence` item. Every box becomes a per-frame `cuboid3d` with the
 *    attribute `track_id` = `obj_id` (the per-frame track convention; the LiDAR editor turns these into
 *    document.tracks, core/document/cuboidTracks.ts)
 *    and `sustech_type` = `obj_type`; classes map to ontology labels (missing ones are added).
 *  - export: `<out>/label/<frame>.json` for every SUSTech sequence item (`<out>/<item>/label/`
 *    when there are several).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { AnnotationObject, Ontology } from '../../../core/document/schema';
import { parseSustechFrame } from '../../../core/formats/sustech/labels';
import { parseSustechCalib } from '../../../core/calib/sustech';
import { registerFormat, type ExchangeContext, type ExportResult, type ImportResult } from './registry';
import { applyPlan, badFile, importKey } from './importPlan';
import { exportableDocument, leftOutWarning } from './predictions';
import { atomicWrite } from '../atomicWrite';
import { DatumError } from '../../rpc/errors';
import type { ProjectInfo } from '../../../preload/contract';
import { itemsOf, jpegSize, labelFor, readIfExists, slug } from './lidarCommon';
import { cuboidsOnFrame, TRACK_ATTR } from '../../../core/document/cuboidTracks';

export const SUSTECH_TYPE_ATTR = 'sustech_type';

interface SeqFrame {
  name?: string;
  cloud: string;
  images?: Record<string, string>;
  labels?: string;
}
interface SeqFile {
  kind: 'pointcloud';
  format?: string;
  calibration?: string;
  frames: SeqFrame[];
}

const stem = (f: string) => path.basename(f).replace(/\.[^.]+$/, '');

async function listDir(dir: string): Promise<string[]> {
  return (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => !n.startsWith('.')).sort();
}

/** sequence.json + calibration.json for a SUSTech root (frames = the lidar files, sorted). */
async function buildSequence(root: string): Promise<{ seq: SeqFile; calibration: object | null }> {
  const clouds = (await listDir(path.join(root, 'lidar'))).filter((n) => /\.(pcd|bin)$/i.test(n));
  const cams = (await listDir(path.join(root, 'camera'))).sort((a, b) => (a === 'front' ? -1 : b === 'front' ? 1 : a < b ? -1 : 1));
  const labels = new Set(await listDir(path.join(root, 'label')));
  const camFiles = new Map<string, Set<string>>();
  for (const c of cams) camFiles.set(c, new Set(await listDir(path.join(root, 'camera', c))));
  const frames = clouds.map((cloud): SeqFrame => {
    const s = stem(cloud);
    const images: Record<string, string> = {};
    for (const c of cams) {
      const img = [...camFiles.get(c)!].find((n) => stem(n) === s);
      if (img) images[c] = `camera/${c}/${img}`;
    }
    const f: SeqFrame = { name: s, cloud: `lidar/${cloud}`, images };
    if (labels.has(`${s}.json`)) f.labels = `label/${s}.json`;
    return f;
  });
  const cameras: Record<string, object> = {};
  for (const c of cams) {
    const file = path.join(root, 'calib', 'camera', `${c}.json`);
    const text = await readIfExists(file);
    if (text === null) continue;
    const firstImage = [...camFiles.get(c)!][0];
    const size = firstImage ? await jpegSize(path.join(root, 'camera', c, firstImage)) : null;
    const m = parseSustechCalib(text, file, size?.[0] ?? 2048, size?.[1] ?? 1536, c);
    cameras[c] = { width: m.width, height: m.height, intrinsic: m.K, lidarToCamera: m.lidarToCamera };
  }
  const seq: SeqFile = { kind: 'pointcloud', format: 'sustech', frames };
  if (Object.keys(cameras).length) seq.calibration = 'calibration.json';
  return { seq, calibration: Object.keys(cameras).length ? { cameras } : null };
}

const inside = (root: string, p: string) => {
  const rel = path.relative(root, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : null;
};

/** Where the sequence item lives: `src` itself when it is a sub-folder of one of the sources. */
async function sourceHolding(src: string, info: ProjectInfo): Promise<{ sourceId: string; rel: string } | null> {
  const real = await fs.realpath(src).catch(() => src);
  for (const s of info.sources) {
    const root = await fs.realpath(path.resolve(info.path, s.path)).catch(() => path.resolve(info.path, s.path));
    const rel = inside(root, real);
    if (rel) return { sourceId: s.id, rel };
  }
  return null;
}

/** Lidar file names and sizes: a folder is a copy of `src` made by an earlier import when they match. */
async function lidarSignature(dir: string): Promise<string> {
  const names = await listDir(path.join(dir, 'lidar'));
  const sizes = await Promise.all(names.map((n) => fs.stat(path.join(dir, 'lidar', n)).then((st) => st.size, () => -1)));
  return JSON.stringify(names.map((n, i) => [n, sizes[i]]));
}

/**
 * The folder under the main source that holds (or will hold) the copy of an outside `src`: an
 * earlier copy of the same scene is reused, so importing twice does not make a second copy.
 */
async function copyTarget(src: string, root: string): Promise<{ dir: string; exists: boolean }> {
  const want = await lidarSignature(src);
  let name = path.basename(src);
  for (;;) {
    const dir = path.join(root, name);
    if (!(await fs.stat(dir).catch(() => null))) return { dir, exists: false };
    const seq = await readIfExists(path.join(dir, 'sequence.json'));
    if (seq !== null && seq.includes('"sustech"') && (await lidarSignature(dir)) === want) return { dir, exists: true };
    name += '-sustech';
  }
}

function parseSequence(text: string, file: string): SeqFile {
  try {
    const seq = JSON.parse(text) as SeqFile;
    if (!Array.isArray(seq?.frames) || seq.frames.some((f) => typeof f?.cloud !== 'string')) throw new Error('expected {frames: [{cloud, ...}]}');
    return seq;
  } catch (e) {
    throw new DatumError('BAD_FILE', `${file}: ${(e as Error).message}`);
  }
}

/**
 * Phase 1 reads everything from the user's folder (so errors name the user's files) and writes
 * nothing. Phase 2 places the sequence (a copy is staged in a hidden folder and renamed into
 * place), indexes it and writes the document; if phase 2 fails, what it made is removed again.
 */
async function importSustech(src: string, ctx: ExchangeContext): Promise<ImportResult> {
  const { projects } = ctx;
  const warnings: string[] = [];
  if (!(await fs.stat(path.join(src, 'lidar')).catch(() => null))) throw new DatumError('BAD_FILE', `${src}: not a SUSTechPOINTS folder (no lidar/)`);
  const info = projects.current()!;

  // Phase 1: sequence, calibration and every label file, from src.
  const seqFile = path.join(src, 'sequence.json');
  const existing = await readIfExists(seqFile);
  let seq: SeqFile;
  let calibration: object | null = null;
  if (existing !== null) seq = parseSequence(existing, seqFile);
  else ({ seq, calibration } = await buildSequence(src).catch(badFile));
  const ontology: Ontology = { labels: info.ontology.labels.map((l) => ({ ...l })) };
  const before = ontology.labels.length;
  const objects: AnnotationObject[] = [];
  for (let frame = 0; frame < seq.frames.length; frame++) {
    if (ctx.signal?.aborted) throw new DatumError('CANCELLED', 'import cancelled');
    ctx.progress?.(frame, seq.frames.length, 'reading SUSTech labels');
    const f = seq.frames[frame];
    const labelRel = f.labels ?? `label/${stem(f.cloud)}.json`;
    const file = path.join(src, labelRel);
    const text = await readIfExists(file);
    if (text === null) continue;
    let boxes: ReturnType<typeof parseSustechFrame>;
    try {
      boxes = parseSustechFrame(text, file);
    } catch (err) {
      badFile(err);
    }
    boxes.forEach(({ label, trackId, box }, i) => {
      const attributes: AnnotationObject['attributes'] = { [SUSTECH_TYPE_ATTR]: label };
      if (trackId !== undefined) attributes[TRACK_ATTR] = trackId;
      const id = `sustech-${frame}-${i}`;
      objects.push({ id, label: labelFor(label || 'Unknown', ontology, 'sustech').id, geometry: box, frame, attributes, source: { kind: 'human' }, zOrder: 0, importKey: importKey('sustech', labelRel, i) });
    });
  }

  // Phase 2: place the sequence where the indexer finds it.
  const made: string[] = []; // files and folders this import created, removed if it fails
  let sourceId: string;
  let rel: string;
  const holder = await sourceHolding(src, info);
  try {
    if (holder) {
      ({ sourceId, rel } = holder);
      if (existing === null) {
        if (calibration) {
          await atomicWrite(path.join(src, 'calibration.json'), JSON.stringify(calibration, null, 1));
          made.push(path.join(src, 'calibration.json'));
        }
        await atomicWrite(seqFile, JSON.stringify(seq, null, 1));
        made.push(seqFile);
      }
    } else {
      const main = info.sources[0];
      const root = path.resolve(info.path, main.path);
      const target = await copyTarget(src, root);
      if (!target.exists) {
        // Copied under a hidden name (the indexer skips dot folders), then renamed into place.
        const staging = path.join(root, `.${path.basename(target.dir)}.importing-${process.pid}-${Date.now()}`);
        made.push(staging);
        for (const d of ['lidar', 'camera', 'calib', 'label', 'sequence.json', 'calibration.json'])
          if (await fs.stat(path.join(src, d)).catch(() => null)) await fs.cp(path.join(src, d), path.join(staging, d), { recursive: true });
        if (existing === null) {
          if (calibration) await atomicWrite(path.join(staging, 'calibration.json'), JSON.stringify(calibration, null, 1));
          await atomicWrite(path.join(staging, 'sequence.json'), JSON.stringify(seq, null, 1));
        }
        await fs.rename(staging, target.dir);
        made[made.length - 1] = target.dir;
        warnings.push(`${src} is not inside the project's sources: copied to ${target.dir}`);
      }
      sourceId = main.id;
      rel = path.relative(root, target.dir).split(path.sep).join('/');
    }
    await projects.refreshIndex(() => {}, ctx.signal ?? new AbortController().signal);
    const item = itemsOf(projects, ['pointcloud-sequence']).find((i) => i.source === sourceId && i.name === rel);
    if (!item) throw new DatumError('INTERNAL', `${src}: the sequence was not indexed`);
    const r = await applyPlan(
      { format: 'sustech', ontology: ontology.labels.length !== before ? ontology : null, items: [{ itemId: item.id, objects, tracks: [] }], warnings },
      { ...ctx, warn: undefined },
    );
    ctx.progress?.(seq.frames.length, seq.frames.length, 'done');
    return { ...r, items: 1 };
  } catch (err) {
    for (const p of made.reverse()) await fs.rm(p, { recursive: true, force: true });
    if (made.length) await projects.refreshIndex(() => {}, new AbortController().signal).catch(() => {});
    throw err;
  }
}

async function exportSustech(out: string, ctx: ExchangeContext): Promise<ExportResult> {
  const { projects } = ctx;
  const ontology = projects.current()!.ontology;
  const files: string[] = [];
  const warnings: string[] = [];
  let objects = 0;
  let leftOut = 0;
  const seqs: { item: ReturnType<typeof itemsOf>[number]; seq: SeqFile }[] = [];
  for (const item of itemsOf(projects, ['pointcloud-sequence'])) {
    const text = await readIfExists(projects.itemPath(item.id, 'sequence.json'));
    if (text === null) continue;
    try {
      const seq = JSON.parse(text) as SeqFile;
      if (seq.format === 'sustech' || seq.frames?.some((f) => f.labels)) seqs.push({ item, seq });
    } catch {
      warnings.push(`${item.name}: unreadable sequence.json`);
    }
  }
  for (const { item, seq } of seqs) {
    const dir = seqs.length > 1 ? path.join(out, slug(item.name), 'label') : path.join(out, 'label');
    await fs.mkdir(dir, { recursive: true });
    const exportable = exportableDocument(await projects.loadAnnotations(item.id), ctx.includePredictions);
    leftOut += exportable.leftOut;
    const doc = exportable.doc;
    // Each frame's cuboids as the editor shows them: objects, then tracks (document.tracks, with
    // track_id = the track's id; documents from before tracks carry it as an attribute).
    const perFrame = seq.frames.map((_, frame) => cuboidsOnFrame(doc, frame));
    let nextId = 1 + Math.max(0, ...perFrame.flat().map((o) => Number(o.attributes[TRACK_ATTR])).filter(Number.isFinite));
    for (let frame = 0; frame < seq.frames.length; frame++) {
      const f = seq.frames[frame];
      const boxes = perFrame[frame]
        .map((o) => {
          const g = o.geometry as Extract<AnnotationObject['geometry'], { kind: 'cuboid3d' }>;
          const l = ontology.labels.find((x) => x.id === o.label);
          const orig = o.attributes[SUSTECH_TYPE_ATTR];
          // The original class name while the object keeps the label it was imported as.
          const type = typeof orig === 'string' && (!l || labelFor(orig, { labels: [l] }, 'x') === l) ? orig : (l?.name ?? o.label);
          const tid = o.attributes[TRACK_ATTR];
          const [roll, pitch] = g.rollPitch ?? [0, 0];
          return {
            psr: {
              position: { x: g.center[0], y: g.center[1], z: g.center[2] },
              scale: { x: g.size[0], y: g.size[1], z: g.size[2] },
              rotation: { x: roll, y: pitch, z: g.yaw },
            },
            obj_type: type,
            obj_id: tid !== undefined && tid !== '' ? String(tid) : String(nextId++),
          };
        });
      const file = path.join(dir, `${f.labels ? stem(f.labels) : stem(f.cloud)}.json`);
      await atomicWrite(file, JSON.stringify(boxes));
      files.push(file);
      objects += boxes.length;
    }
  }
  if (!seqs.length) warnings.push('the project has no SUSTech point-cloud sequences (folders with a sequence.json of format "sustech")');
  const note = leftOutWarning(leftOut);
  if (note) warnings.push(note);
  return { files, objects, predictionsLeftOut: leftOut, warnings };
}

registerFormat({
  name: 'sustech',
  description: 'SUSTechPOINTS folder (lidar/, camera/, calib/, label/) as one point-cloud sequence with tracks',
  import: importSustech,
  export: exportSustech,
});
