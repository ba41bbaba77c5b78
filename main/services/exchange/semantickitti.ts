/**
 * SemanticKITTI point labels (export only).
 *
 * Every point-cloud item whose document has `pointLabels` (editors/lidar/pointLabels.ts: one
 * Uint16 per point, 0 = unlabelled, k = the ontology's k-th label) gets
 * `<out>/labels/<stem>.label`: one little-endian uint32 per point, the class in the lower 16 bits,
 * the instance in the upper 16. Frames of a point-cloud sequence go to
 * `<out>/sequences/<sequence>/labels/<frame stem>.label`.
 *
 * Instances come from cuboids (semantickittiInstances.ts): a labelled point (class != 0) inside a
 * cuboid of its frame gets the cuboid's `track_id` when that is an integer in 1..65535, else an id
 * generated for this export (1000 + order of first appearance, never a track id in use); the first
 * box in document order wins where boxes overlap. Unlabelled points and points in no box keep 0.
 * The cloud is read and parsed here only for frames that have both labelled points and cuboids.
 *
 * Class mapping (written to `<out>/classes.json`): 0 = unlabeled, k = the ontology's k-th label
 * (ontology order at export time), i.e. the stored class ids unchanged. The file lists
 * `{ id, label, name }` per class so a consumer can remap to the official SemanticKITTI ids.
 */
import { cloudParseOptions, isPlainBin, projectCloudOptions } from '../../../core/formats/pointcloud/projectLayout';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ItemSummary } from '../../../preload/contract';
import { encodeSemanticKittiLabels, semanticKittiLabelBytes } from '../../../core/formats/semantickitti/labels';
import { decodeLabels } from '../../../core/editing/lidar/pointLabels';
import type { ParseOptions } from '../../../core/formats/pointcloud';
import { readCloudFile } from '../pointcloud/readCloudFile';
import type { ItemDocument } from '../../../core/document/schema';
import { registerFormat, type ExchangeContext, type ExportResult } from './registry';
import { itemsOf, readIfExists, slug } from './lidarCommon';
import { exportableDocument, leftOutWarning } from './predictions';
import { atomicWrite } from '../atomicWrite';
import { documentTrackIds, FIRST_GENERATED_INSTANCE, frameCuboids, frameInstanceIds, InstanceIds } from './semantickittiInstances';

const stem = (f: string) => path.basename(f).replace(/(\.pcd)?\.[^.]+$/i, '');

/**
 * Instance ids of one labelled frame, or undefined (all 0) when it has no cuboid, no labelled
 * point, or its cloud cannot be used. The cloud is parsed without options, as the editor's worker
 * does, so point i here is the point i the labels were painted on.
 */
async function frameInstances(
  cloudFile: string | null, doc: ItemDocument, frame: number, classIds: Uint16Array, ids: InstanceIds, warn: (w: string) => void,
  parseOptions: (file: string) => ParseOptions,
): Promise<Uint16Array | undefined> {
  const cuboids = frameCuboids(doc, frame);
  if (!cuboids.length || !classIds.some((c) => c !== 0)) return undefined;
  if (!cloudFile) {
    warn(`frame ${frame}: no point cloud file; instance ids left 0`);
    return undefined;
  }
  let cloud;
  try {
    cloud = await readCloudFile(cloudFile, parseOptions(cloudFile));
  } catch (e) {
    warn(`${cloudFile}: ${(e as Error).message}; instance ids left 0`);
    return undefined;
  }
  if (cloud.count !== classIds.length) {
    warn(`${cloudFile}: ${classIds.length} point labels but ${cloud.count} points; instance ids left 0`);
    return undefined;
  }
  return frameInstanceIds(cloud.positions, cloud.offset, classIds, cuboids, ids);
}

async function exportSemanticKitti(out: string, ctx: ExchangeContext): Promise<ExportResult> {
  const { projects } = ctx;
  const ontology = projects.current()!.ontology;
  const classes = [{ id: 0, label: null, name: 'unlabeled' }, ...ontology.labels.map((l, i) => ({ id: i + 1, label: l.id, name: l.name }))];
  // Identity: stored class k is written as k; ids beyond the ontology (a label was removed) become 0.
  const mapping = Uint16Array.from({ length: classes.length }, (_, i) => i);
  const files: string[] = [];
  const warnings: string[] = [];
  const items = itemsOf(projects, ['pointcloud', 'pointcloud-sequence']);
  const used = new Set<string>();
  // Every track id is reserved before the first id is generated, so that a generated id never
  // takes a number a track uses in a later item (this reads each document twice).
  const ids = new InstanceIds();
  for (const item of items) {
    if (ctx.signal?.aborted) throw new Error('cancelled');
    ids.reserve(documentTrackIds(await projects.loadAnnotations(item.id)));
  }
  let done = 0;
  let leftOut = 0;
  for (const item of items) {
    if (ctx.signal?.aborted) throw new Error('cancelled');
    ctx.progress?.(done++, items.length, 'exporting SemanticKITTI labels');
    // Pending predicted cuboids give no instance ids (they are not ground truth yet).
    const exportable = exportableDocument(await projects.loadAnnotations(item.id), ctx.includePredictions);
    const doc = exportable.doc;
    if (doc.pointLabels.length) leftOut += exportable.leftOut;
    if (!doc.pointLabels.length) continue;
    let frameStem = (_frame: number) => stem(item.name);
    let cloudFile = (_frame: number): string | null => projects.itemPath(item.id);
    let pointFormat: string | undefined;
    let dir = path.join(out, 'labels');
    if (item.modality === 'pointcloud-sequence') {
      const text = await readIfExists(projects.itemPath(item.id, 'sequence.json'));
      const seqJson = text ? (JSON.parse(text) as { frames?: { cloud: string }[]; pointFormat?: string }) : {};
      const frames = seqJson.frames ?? [];
      pointFormat = seqJson.pointFormat;
      frameStem = (f) => (frames[f] ? stem(frames[f].cloud) : String(f).padStart(6, '0'));
      cloudFile = (f) => (frames[f]?.cloud ? projects.itemPath(item.id, frames[f].cloud) : null);
      dir = path.join(out, 'sequences', slug(item.name), 'labels');
    } else if (doc.pointLabels.some((p) => p.frame !== 0)) warnings.push(`${item.name}: point labels on frames other than 0 ignored`);
    await fs.mkdir(dir, { recursive: true });
    for (const p of doc.pointLabels) {
      if (item.modality !== 'pointcloud-sequence' && p.frame !== 0) continue;
      // A .bin has a fixed record size (16 bytes for KITTI, or the project's layout); a mismatch
      // means the labels belong to another cloud.
      const stride = projectCloudOptions(projects.current()!.settings.binLayout, item.name).binLayout?.stride ?? 16;
      const mismatch = item.modality === 'pointcloud' && isPlainBin(item.name) && Math.floor(item.size / stride) !== p.count;
      if (mismatch) warnings.push(`${item.name}: ${p.count} point labels but ${Math.floor(item.size / stride)} points`);
      const classIds = decodeLabels(p.data, p.count);
      const instances = mismatch ? undefined : await frameInstances(cloudFile(p.frame), doc, p.frame, classIds, ids, (w) => warnings.push(`${item.name}: ${w}`), (file) =>
        cloudParseOptions(projects.current()!.settings, pointFormat, file));
      const bytes = semanticKittiLabelBytes(encodeSemanticKittiLabels(classIds, mapping, instances));
      let name = frameStem(p.frame);
      if (dir === path.join(out, 'labels')) {
        if (used.has(name)) name = `${slug(path.dirname(item.name))}_${name}`;
        used.add(name);
      }
      const file = path.join(dir, `${name}.label`);
      await atomicWrite(file, bytes);
      files.push(file);
    }
  }
  await fs.mkdir(out, { recursive: true });
  const classesFile = path.join(out, 'classes.json');
  const note =
    'semantic id = lower 16 bits of each uint32 in labels/*.label; instance id = upper 16 bits: for a labelled point inside a cuboid of its frame, ' +
    `the cuboid's track_id when that is an integer in 1..65535, else an id generated from ${FIRST_GENERATED_INSTANCE} up (the first cuboid in document order where boxes overlap); 0 otherwise`;
  await atomicWrite(classesFile, JSON.stringify({ note, classes }, null, 1));
  files.push(classesFile);
  if (ids.exhausted) warnings.push('more than 65535 instances: some cuboids got instance 0');
  if (files.length === 1) warnings.push('no point cloud in the project has point labels');
  const left = leftOutWarning(leftOut);
  if (left) warnings.push(left);
  return { files, objects: files.length - 1, predictionsLeftOut: leftOut, warnings };
}

registerFormat({
  name: 'semantickitti',
  description: 'SemanticKITTI .label files (uint32 per point: class | instance << 16) from point labels, instances from cuboids (track_id); classes.json maps ids to ontology labels',
  export: exportSemanticKitti,
});
