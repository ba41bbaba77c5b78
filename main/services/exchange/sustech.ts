/**
 * SUSTechPOINTS (`lidar/*.pcd`, `camera/<name>/*.jpg`, `calib/camera/<name>.json`,
 * `label/*.json`) as ONE point-cloud sequence item.
 *
 *  - import: the SUSTech root must be a folder inside one of the project's sources (if it is not,
 *    its lidar/camera/calib/label folders are copied to `<project>/<name>`). `sequence.json` (frames
 *    `{name, cloud, images, labels}`) and `calibration.json` (`cameras.<name>.{width, height,
 *    intrinsic, lidarToCamera}`, front camera first) are written there when absent, so the indexer
 *    makes it one `pointcloud-sequence` item. Every box becomes a per-frame `cuboid3d` with the
 *    attribute `track_id` = `obj_id` (the LiDAR editor's track convention, editors/lidar/tracks.ts)
 *    and `sustech_type` = `obj_type`; classes map to ontology labels (missing ones are added).
 *  - export: `<out>/label/<frame>.json` for every SUSTech sequence item (`<out>/<item>/label/`
 *    when there are several).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { AnnotationObject, Ontology } from '../../../renderer/core/document/schema';
import { parseSustechFrame } from '../../../renderer/core/formats/sustech/labels';
import { parseSustechCalib } from '../../../renderer/core/calib/sustech';
import { registerFormat, type ExchangeContext, type ExportResult, type ImportResult } from './registry';
import { itemsOf, jpegSize, labelFor, readIfExists, slug } from './lidarCommon';
import { TRACK_ATTR } from '../../../renderer/editors/lidar/tracks';

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

async function importSustech(src: string, ctx: ExchangeContext): Promise<ImportResult> {
  const { projects } = ctx;
  const warnings: string[] = [];
  if (!(await fs.stat(path.join(src, 'lidar')).catch(() => null))) throw new Error(`${src}: not a SUSTechPOINTS folder (no lidar/)`);
  const info = projects.current()!;
  // Where the sequence lives: src itself when it is a sub-folder of a source.
  let seqDir: string | null = null;
  let sourceId = '';
  let rel = '';
  for (const s of info.sources) {
    const root = await fs.realpath(path.resolve(info.path, s.path)).catch(() => path.resolve(info.path, s.path));
    const r = inside(root, await fs.realpath(src).catch(() => src));
    if (r) {
      seqDir = src;
      sourceId = s.id;
      rel = r;
      break;
    }
  }
  if (!seqDir) {
    const main = info.sources[0];
    const root = path.resolve(info.path, main.path);
    let name = path.basename(src);
    while (await fs.stat(path.join(root, name)).catch(() => null)) name += '-sustech';
    seqDir = path.join(root, name);
    for (const d of ['lidar', 'camera', 'calib', 'label'])
      if (await fs.stat(path.join(src, d)).catch(() => null)) await fs.cp(path.join(src, d), path.join(seqDir, d), { recursive: true });
    sourceId = main.id;
    rel = name;
    warnings.push(`${src} is not inside the project's sources: copied to ${seqDir}`);
  }
  const seqFile = path.join(seqDir, 'sequence.json');
  let seq: SeqFile;
  const existing = await readIfExists(seqFile);
  if (existing !== null) seq = JSON.parse(existing) as SeqFile;
  else {
    const built = await buildSequence(seqDir);
    seq = built.seq;
    if (built.calibration) await fs.writeFile(path.join(seqDir, 'calibration.json'), JSON.stringify(built.calibration, null, 1));
    await fs.writeFile(seqFile, JSON.stringify(seq, null, 1));
  }
  await projects.refreshIndex(() => {}, ctx.signal ?? new AbortController().signal);
  const item = itemsOf(projects, ['pointcloud-sequence']).find((i) => i.source === sourceId && i.name === rel);
  if (!item) throw new Error(`${seqDir}: the sequence was not indexed`);

  const ontology: Ontology = { labels: info.ontology.labels.map((l) => ({ ...l })) };
  const before = ontology.labels.length;
  const objects: AnnotationObject[] = [];
  for (let frame = 0; frame < seq.frames.length; frame++) {
    if (ctx.signal?.aborted) throw new Error('cancelled');
    ctx.progress?.(frame, seq.frames.length, 'importing SUSTech labels');
    const f = seq.frames[frame];
    const labelRel = f.labels ?? `label/${stem(f.cloud)}.json`;
    const file = path.join(seqDir, labelRel);
    const text = await readIfExists(file);
    if (text === null) continue;
    parseSustechFrame(text, file).forEach(({ label, trackId, box }, i) => {
      const attributes: AnnotationObject['attributes'] = { [SUSTECH_TYPE_ATTR]: label };
      if (trackId !== undefined) attributes[TRACK_ATTR] = trackId;
      objects.push({ id: `sustech-${frame}-${i}`, label: labelFor(label || 'Unknown', ontology, 'sustech').id, geometry: box, frame, attributes, source: { kind: 'human' }, zOrder: 0 });
    });
  }
  if (ontology.labels.length !== before) await projects.updateOntology(ontology);
  const doc = await projects.loadAnnotations(item.id);
  await projects.saveAnnotations(item.id, { ...doc, objects, tracks: [] });
  ctx.progress?.(seq.frames.length, seq.frames.length, 'done');
  return { items: 1, objects: objects.length, warnings };
}


async function exportSustech(out: string, ctx: ExchangeContext): Promise<ExportResult> {
  const { projects } = ctx;
  const ontology = projects.current()!.ontology;
  const files: string[] = [];
  const warnings: string[] = [];
  let objects = 0;
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
    const doc = await projects.loadAnnotations(item.id);
    let nextId = 1 + Math.max(0, ...doc.objects.map((o) => Number(o.attributes[TRACK_ATTR])).filter(Number.isFinite));
    for (let frame = 0; frame < seq.frames.length; frame++) {
      const f = seq.frames[frame];
      const boxes = doc.objects
        .filter((o) => o.frame === frame && o.geometry.kind === 'cuboid3d')
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
      await fs.writeFile(file, JSON.stringify(boxes));
      files.push(file);
      objects += boxes.length;
    }
  }
  if (!seqs.length) warnings.push('the project has no SUSTech point-cloud sequences (folders with a sequence.json of format "sustech")');
  return { files, objects, warnings };
}

registerFormat({
  name: 'sustech',
  description: 'SUSTechPOINTS folder (lidar/, camera/, calib/, label/) as one point-cloud sequence with tracks',
  import: importSustech,
  export: exportSustech,
});
