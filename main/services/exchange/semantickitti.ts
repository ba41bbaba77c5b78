/**
 * SemanticKITTI point labels (export only).
 *
 * Every point-cloud item whose document has `pointLabels` (editors/lidar/pointLabels.ts: one
 * Uint16 per point, 0 = unlabelled, k = the ontology's k-th label) gets
 * `<out>/labels/<stem>.label`: one little-endian uint32 per point, the class in the lower 16 bits,
 * the instance in the upper 16 (0: the editor paints classes, not instances). Frames of a
 * point-cloud sequence go to `<out>/sequences/<sequence>/labels/<frame stem>.label`.
 *
 * Class mapping (written to `<out>/classes.json`): 0 = unlabeled, k = the ontology's k-th label
 * (ontology order at export time), i.e. the stored class ids unchanged. The file lists
 * `{ id, label, name }` per class so a consumer can remap to the official SemanticKITTI ids.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ItemSummary } from '../../../preload/contract';
import { encodeSemanticKittiLabels, semanticKittiLabelBytes } from '../../../renderer/core/formats/semantickitti/labels';
import { decodeLabels } from '../../../renderer/editors/lidar/pointLabels';
import { registerFormat, type ExchangeContext, type ExportResult } from './registry';
import { itemsOf, readIfExists, slug } from './lidarCommon';

const stem = (f: string) => path.basename(f).replace(/(\.pcd)?\.[^.]+$/i, '');

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
  let done = 0;
  for (const item of items) {
    if (ctx.signal?.aborted) throw new Error('cancelled');
    ctx.progress?.(done++, items.length, 'exporting SemanticKITTI labels');
    const doc = await projects.loadAnnotations(item.id);
    if (!doc.pointLabels.length) continue;
    let frameStem = (_frame: number) => stem(item.name);
    let dir = path.join(out, 'labels');
    if (item.modality === 'pointcloud-sequence') {
      const text = await readIfExists(projects.itemPath(item.id, 'sequence.json'));
      const frames = text ? ((JSON.parse(text) as { frames?: { cloud: string }[] }).frames ?? []) : [];
      frameStem = (f) => (frames[f] ? stem(frames[f].cloud) : String(f).padStart(6, '0'));
      dir = path.join(out, 'sequences', slug(item.name), 'labels');
    } else if (doc.pointLabels.some((p) => p.frame !== 0)) warnings.push(`${item.name}: point labels on frames other than 0 ignored`);
    await fs.mkdir(dir, { recursive: true });
    for (const p of doc.pointLabels) {
      if (item.modality !== 'pointcloud-sequence' && p.frame !== 0) continue;
      // KITTI .bin: 16 bytes a point; a mismatch means the labels belong to another cloud.
      if (item.modality === 'pointcloud' && /\.bin$/i.test(item.name) && !/\.pcd\.bin$/i.test(item.name) && item.size / 16 !== p.count)
        warnings.push(`${item.name}: ${p.count} point labels but ${item.size / 16} points`);
      const classIds = decodeLabels(p.data, p.count);
      const bytes = semanticKittiLabelBytes(encodeSemanticKittiLabels(classIds, mapping));
      let name = frameStem(p.frame);
      if (dir === path.join(out, 'labels')) {
        if (used.has(name)) name = `${slug(path.dirname(item.name))}_${name}`;
        used.add(name);
      }
      const file = path.join(dir, `${name}.label`);
      await fs.writeFile(file, bytes);
      files.push(file);
    }
  }
  await fs.mkdir(out, { recursive: true });
  const classesFile = path.join(out, 'classes.json');
  await fs.writeFile(classesFile, JSON.stringify({ note: 'semantic id = lower 16 bits of each uint32 in labels/*.label; instance (upper 16 bits) is 0', classes }, null, 1));
  files.push(classesFile);
  if (files.length === 1) warnings.push('no point cloud in the project has point labels');
  return { files, objects: files.length - 1, warnings };
}

registerFormat({
  name: 'semantickitti',
  description: 'SemanticKITTI .label files (uint32 per point: class | instance << 16) from point labels; classes.json maps ids to ontology labels',
  export: exportSemanticKitti,
});
