/**
 * The dataset snapshot of a training job: which items and objects it uses, their deterministic
 * train / validation split by group (core/training/split.ts), and the table the task's trainer
 * reads, written to the job's snapshot folder:
 *  - detect3d: every labelled point-cloud frame with its ground truth (human objects, accepted
 *    and corrected predictions, track shapes), rejected boxes, and the built-in proposer's candidate
 *    clusters with their features (core/training/detect3d.ts FrameTable);
 *  - accept2d: the reviewed predictions of one 2D detector (kept or not) with their image sizes;
 *  - detect2d (external trainers): images with their ground-truth boxes, for the back end to write
 *    in its trainer's format (YOLO for Ultralytics).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { AnnotationObject, Cuboid3D, ItemDocument } from '../../../core/document/schema';
import { cuboidsOnFrame } from '../../../core/document/cuboidTracks';
import { parsePointCloud } from '../../../core/formats/pointcloud';
import { cloudParseOptions } from '../../../core/formats/pointcloud/projectLayout';
import { cuboidInCloud, cuboidInFile, pointsInBox } from '../../../core/lidar/box';
import { proposeCandidates } from '../../../core/lidar/propose';
import { labelledSector, tableCandidates, tableObjects, type FrameTable } from '../../../core/training/detect3d';
import type { ReviewedRow } from '../../../core/training/accept2d';
import { baseModelId, type SnapshotDescription, type SnapshotItem, type Split, type TrainingJobSpec, type TrainingProgress } from '../../../core/training/job';
import { describeSplit, groupItems, splitGroups } from '../../../core/training/split';
import type { ProjectService } from '../projectService';
import { imageInfo } from '../tiles';
import { DatumError } from '../../rpc/errors';

export interface Detect2dTable {
  classes: string[];
  items: { itemId: string; file: string; split: Split; width: number; height: number; boxes: { label: string; box: [number, number, number, number] }[] }[];
}

export type SnapshotTable = { task: 'detect3d'; frames: FrameTable[] } | { task: 'accept2d'; modelId: string; rows: ReviewedRow[] } | { task: 'detect2d'; data: Detect2dTable };

/** Ground truth for training: a human's object, or a prediction a reviewer accepted or corrected. */
export const isGroundTruth = (o: Pick<AnnotationObject, 'source' | 'accepted'>) => o.source.kind === 'human' || o.source.kind === 'model-edited' || !!o.accepted;

interface Ctx { signal: AbortSignal; progress(p: TrainingProgress): void }

const aborted = (signal: AbortSignal) => {
  if (signal.aborted) throw new DatumError('CANCELLED', 'training cancelled');
};

interface Picked { item: { id: string; name: string; modality: string }; doc: ItemDocument; objectCount: number; frames?: number[]; files?: string[]; pointFormat?: string }

function split(picked: Picked[], spec: TrainingJobSpec): { splitOf: Map<string, Split>; groupOf: Map<string, string>; rule: string } {
  const groupOf = groupItems(picked.map((p) => ({ itemId: p.item.id, path: p.item.name, sequence: p.item.modality.endsWith('-sequence') })));
  const weights = new Map<string, number>();
  for (const p of picked) weights.set(groupOf.get(p.item.id)!, (weights.get(groupOf.get(p.item.id)!) ?? 0) + p.objectCount);
  const valFraction = spec.valFraction ?? 0.2, seed = spec.seed ?? 1;
  let groups: Map<string, Split>;
  try {
    groups = splitGroups(weights, valFraction, seed);
  } catch (e) {
    throw new DatumError('BAD_REQUEST', `${(e as Error).message}: label items of more than one sequence or recording`);
  }
  const splitOf = new Map(picked.map((p) => [p.item.id, groups.get(groupOf.get(p.item.id)!)!]));
  return { splitOf, groupOf, rule: describeSplit(valFraction, seed, groups.size) };
}

function describe(spec: TrainingJobSpec, picked: Picked[], s: ReturnType<typeof split>, counts: SnapshotDescription['counts'], hashInput: unknown): SnapshotDescription {
  const items: SnapshotItem[] = picked.map((p) => ({ itemId: p.item.id, path: p.item.name, group: s.groupOf.get(p.item.id)!, split: s.splitOf.get(p.item.id)!, objectCount: p.objectCount }));
  return {
    id: createHash('sha256').update(JSON.stringify(hashInput)).digest('hex').slice(0, 16),
    createdAt: new Date().toISOString(),
    task: spec.task,
    items,
    counts,
    splitRule: s.rule,
  };
}

export async function buildSnapshot(projects: ProjectService, spec: TrainingJobSpec, ctx: Ctx): Promise<{ description: SnapshotDescription; table: SnapshotTable }> {
  const project = projects.requireProject();
  const names = new Map(project.file.ontology.labels.map((l) => [l.id, l.name]));
  const nameOf = (id: string) => names.get(id) ?? id;
  const modalities = spec.task === 'detect3d' ? ['pointcloud', 'pointcloud-sequence'] : ['image'];
  let items = projects.listItems({ offset: 0, limit: 1_000_000, modality: modalities } as never).items;
  if (spec.itemIds) items = items.filter((i) => spec.itemIds!.includes(i.id));
  // region items (geo.split) label a window of their parent's file: the trainers read whole files, so
  // they are left out until snapshots crop windows (their labels are not in the file's pixels)
  items = items.filter((i) => !i.region);
  const counts: SnapshotDescription['counts'] = { train: {}, val: {} };
  const count = (sp: Split, label: string) => (counts[sp][label] = (counts[sp][label] ?? 0) + 1);

  if (spec.task === 'detect3d') {
    const picked: Picked[] = [];
    for (const item of items) {
      aborted(ctx.signal);
      const doc = await projects.loadAnnotations(item.id);
      let files = [projects.itemPath(item.id)];
      let pointFormat: string | undefined;
      if (item.modality === 'pointcloud-sequence') {
        const seq = JSON.parse(await fs.readFile(projects.itemPath(item.id, 'sequence.json'), 'utf8')) as { frames?: { cloud?: string }[]; pointFormat?: string };
        files = (seq.frames ?? []).map((f) => projects.itemPath(item.id, String(f.cloud)));
        pointFormat = seq.pointFormat;
      }
      const frames = files.map((_, f) => f).filter((f) => cuboidsOnFrame(doc, f).some(isGroundTruth));
      const objectCount = frames.reduce((s, f) => s + cuboidsOnFrame(doc, f).filter(isGroundTruth).length, 0);
      if (objectCount) picked.push({ item, doc, objectCount, frames, files, pointFormat });
    }
    if (!picked.length) throw new DatumError('BAD_REQUEST', 'no point cloud in this project has labelled cuboids to train from');
    const s = split(picked, spec);
    const total = picked.reduce((n, p) => n + p.frames!.length, 0);
    const out: FrameTable[] = [];
    for (const p of picked) {
      for (const frame of p.frames!) {
        aborted(ctx.signal);
        ctx.progress({ phase: 'snapshot', fraction: (0.4 * out.length) / total, message: `candidates of ${p.item.name}${p.files!.length > 1 ? ` frame ${frame}` : ''} (${out.length + 1}/${total})` });
        const file = p.files![frame];
        const cloud = await parsePointCloud(await fs.readFile(file), path.basename(file), cloudParseOptions(project.file.settings, p.pointFormat, file));
        const gt = cuboidsOnFrame(p.doc, frame).filter(isGroundTruth);
        const sp = s.splitOf.get(p.item.id)!;
        const humans = tableObjects(gt.map((o) => {
          const box = o.geometry as Cuboid3D;
          return { label: nameOf(o.label), box: { kind: 'cuboid3d' as const, center: box.center, size: box.size, yaw: box.yaw }, points: pointsInBox(cloud.positions, cloud.count, cuboidInCloud(box, cloud.offset)) };
        }));
        for (const h of humans) count(sp, h.label);
        const rejected = (p.doc.rejected ?? []).filter((r) => r.frame === frame && r.geometry.kind === 'cuboid3d').map((r) => r.geometry as Cuboid3D);
        const cands = proposeCandidates(cloud.positions, cloud.count, { minScore: 1.1 });
        out.push({ itemId: p.item.id, frame, split: sp, group: s.groupOf.get(p.item.id), humans, rejected, candidates: tableCandidates(cands, (b) => cuboidInFile(b, cloud.offset)), sector: labelledSector(humans.map((h) => h.box)) });
        // let a cancel request in between frames (the proposer is synchronous)
        await new Promise((r) => setImmediate(r));
      }
    }
    const hashInput = picked.map((p) => [p.item.id, p.frames, p.frames!.map((f) => cuboidsOnFrame(p.doc, f).filter(isGroundTruth).map((o) => [o.label, o.geometry])), p.doc.rejected?.length ?? 0]);
    return { description: describe(spec, picked, s, counts, hashInput), table: { task: 'detect3d', frames: out } };
  }

  if (spec.task === 'accept2d') {
    const modelId = spec.modelId;
    const picked: Picked[] = [];
    const reviewed = (doc: ItemDocument) => {
      const kept = doc.objects.filter((o) => o.source.kind !== 'human' && baseModelId(o.source.model) === modelId && (o.accepted || o.source.kind === 'model-edited'));
      const gone = (doc.rejected ?? []).filter((r) => baseModelId(r.model) === modelId);
      return { kept, gone };
    };
    for (const item of items) {
      aborted(ctx.signal);
      const doc = await projects.loadAnnotations(item.id);
      const { kept, gone } = reviewed(doc);
      if (kept.length + gone.length) picked.push({ item, doc, objectCount: kept.length + gone.length });
    }
    if (!picked.length) throw new DatumError('BAD_REQUEST', `no reviewed (accepted, corrected or rejected) predictions of ${modelId} in this project`);
    const s = split(picked, spec);
    const rows: ReviewedRow[] = [];
    for (const p of picked) {
      aborted(ctx.signal);
      const { width, height } = await imageInfo(projects.itemPath(p.item.id));
      const sp = s.splitOf.get(p.item.id)!;
      const { kept, gone } = reviewed(p.doc);
      const add = (label: string, score: number, g: AnnotationObject['geometry'], isKept: boolean) => {
        const box = boxOf(g);
        if (!box) return;
        rows.push({ itemId: p.item.id, group: s.groupOf.get(p.item.id), split: sp, label, score, box, width, height, kept: isKept });
        count(sp, `${label}:${isKept ? 'kept' : 'rejected'}`);
      };
      for (const o of kept) add(nameOf(o.label), o.source.kind === 'human' ? 1 : o.source.score, o.geometry, true);
      for (const r of gone) add(nameOf(r.label), r.score ?? 0.5, r.geometry, false);
    }
    const hashInput = picked.map((p) => [p.item.id, rows.filter((r) => r.itemId === p.item.id).map((r) => [r.label, r.score, r.box, r.kept])]);
    return { description: describe(spec, picked, s, counts, hashInput), table: { task: 'accept2d', modelId, rows } };
  }

  // detect2d: images with ground-truth boxes, for an external trainer
  const picked: Picked[] = [];
  for (const item of items) {
    aborted(ctx.signal);
    const doc = await projects.loadAnnotations(item.id);
    const n = doc.objects.filter((o) => isGroundTruth(o) && boxOf(o.geometry)).length;
    if (n) picked.push({ item, doc, objectCount: n });
  }
  if (!picked.length) throw new DatumError('BAD_REQUEST', 'no image in this project has labelled boxes to train from');
  const s = split(picked, spec);
  const data: Detect2dTable = { classes: [], items: [] };
  for (const p of picked) {
    aborted(ctx.signal);
    const { width, height } = await imageInfo(projects.itemPath(p.item.id));
    const sp = s.splitOf.get(p.item.id)!;
    const boxes = p.doc.objects.filter(isGroundTruth).flatMap((o) => {
      const box = boxOf(o.geometry);
      if (!box) return [];
      count(sp, nameOf(o.label));
      return [{ label: nameOf(o.label), box }];
    });
    data.items.push({ itemId: p.item.id, file: projects.itemPath(p.item.id), split: sp, width, height, boxes });
  }
  data.classes = [...new Set(data.items.flatMap((i) => i.boxes.map((b) => b.label)))].sort();
  const hashInput = data.items.map((i) => [i.itemId, i.boxes]);
  return { description: describe(spec, picked, s, counts, hashInput), table: { task: 'detect2d', data } };
}

/** The axis-aligned box of a 2D geometry (box, polygon), or null. */
export function boxOf(g: AnnotationObject['geometry']): [number, number, number, number] | null {
  if (g.kind === 'box2d') return [g.x1, g.y1, g.x2, g.y2];
  if (g.kind === 'polygon' && g.points.length >= 6) {
    const xs = g.points.filter((_, i) => i % 2 === 0), ys = g.points.filter((_, i) => i % 2 === 1);
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  }
  return null;
}
