/**
 * Which tensors of a PointPillars export the adapter feeds and reads, checked against the
 * manifest. Used on import (every problem is reported, naming the tensor and what was expected)
 * and when a model is opened for pre-labelling.
 *
 * Inputs by layout (V pillars, fixed or dynamic; M points per pillar; F features per point):
 *   openpcdet: voxels float32 [V, M, F], voxel_num int32 [1] (pillars in use) or [V] (points per
 *              pillar), voxel_idxs int32 [V, 4] (batch, z, y, x)
 *   mmdeploy:  voxels float32 [V, M, 4], num_points int32 [V], coors int32 [V, 4] (batch, z, y, x)
 * int64 index inputs are accepted too (plain torch.onnx exports of long tensors).
 */
import type { IoInfo } from '../protocol';
import type { ModelManifest } from '../manifest';
import { voxelFeatures } from '../manifest3d';
import { anchorsPerLocation, featureMap } from './pointpillars';

export type IndexType = 'int32' | 'int64';

export interface PillarBinding {
  voxels: string;
  num: { name: string; type: IndexType; mode: 'count' | 'per-pillar' };
  coords: { name: string; type: IndexType };
  /** The export's fixed pillar count (that many rows are always sent); undefined when dynamic. */
  capacity?: number;
  /** Output names in the adapter's order: anchor [cls, box, dir?]; center [hm, reg, height, dim, rot]. */
  outputs: string[];
  /** Channels-last or channels-first head maps. */
  outputLayout: 'nhwc' | 'nchw';
}

export const INPUT_NAMES = {
  openpcdet: { voxels: 'voxels', num: 'voxel_num', coords: 'voxel_idxs' },
  mmdeploy: { voxels: 'voxels', num: 'num_points', coords: 'coors' },
} as const;

/** Output names of known exports, tried in order when the manifest does not list `outputs`. */
const ANCHOR_OUTPUTS = [
  ['cls_preds', 'box_preds', 'dir_cls_preds'], // OpenPCDet / CUDA-PointPillars
  ['cls_score', 'bbox_pred', 'dir_cls_pred'], // mmdeploy voxel-detection configs
  ['scores', 'bbox_preds', 'dir_scores'], // older mmdet3d deployment scripts
];
const CENTER_OUTPUTS = [
  ['hm', 'reg', 'height', 'dim', 'rot'], // mmdet3d CenterHead
  ['heatmap', 'center', 'center_z', 'dim', 'rot'], // OpenPCDet CenterHead
];

const fixed = (d: number | undefined): d is number => d !== undefined && d >= 0;
const shapeText = (s: number[] | undefined) => (s ? `[${s.map((d) => (d < 0 ? '?' : d)).join(', ')}]` : '[?]');

/** Bind a model's inputs and outputs for its manifest; `problems` lists everything that does not fit. */
export function bindPointPillars(m: ModelManifest, io: { inputs: IoInfo[]; outputs: IoInfo[] }): { binding?: PillarBinding; problems: string[] } {
  const problems: string[] = [];
  const voxel = m.voxel!;
  const head = m.head!;
  const names = INPUT_NAMES[voxel.layout];
  const find = (n: string) => io.inputs.find((i) => i.name === n);
  const have = io.inputs.map((i) => i.name).join(', ');
  const need = `the ${voxel.layout} layout needs inputs ${names.voxels}, ${names.num}, ${names.coords}; the model has ${have || 'none'}`;
  const vox = find(names.voxels), num = find(names.num), idx = find(names.coords);
  for (const [n, t] of [[names.voxels, vox], [names.num, num], [names.coords, idx]] as const) if (!t) problems.push(`no input ${n} (${need})`);
  const M = voxel.maxPointsPerVoxel;
  const features = voxelFeatures(voxel);
  const indexType = (t: IoInfo | undefined): IndexType => (t?.type === 'int64' ? 'int64' : 'int32');
  if (vox) {
    const s = vox.shape;
    if (vox.type && vox.type !== 'float32') problems.push(`input ${vox.name} is ${vox.type}, expected float32`);
    if (s && s.length !== 3) problems.push(`input ${vox.name} has shape ${shapeText(s)}, expected [V, ${M}, ${features.length}]`);
    else if (s) {
      if (fixed(s[1]) && s[1] !== M) problems.push(`input ${vox.name} holds ${s[1]} points per voxel, the manifest's maxPointsPerVoxel is ${M}`);
      if (fixed(s[2]) && s[2] !== features.length) problems.push(`input ${vox.name} has ${s[2]} features per point, the manifest's features are ${features.length} (${features.join(', ')})`);
    }
  }
  for (const t of [num, idx]) if (t?.type && t.type !== 'int32' && t.type !== 'int64') problems.push(`input ${t.name} is ${t.type}, expected int32 or int64`);
  if (idx?.shape && (idx.shape.length !== 2 || (fixed(idx.shape[1]) && idx.shape[1] !== 4))) problems.push(`input ${idx.name} has shape ${shapeText(idx.shape)}, expected [V, 4] (batch, z, y, x)`);
  if (num?.shape && num.shape.length !== 1) problems.push(`input ${num.name} has shape ${shapeText(num.shape)}, expected [1] or [V]`);
  const V = vox?.shape?.[0];
  const capacity = fixed(V) ? V : undefined;
  if (capacity !== undefined && idx?.shape && fixed(idx.shape[0]) && idx.shape[0] !== capacity) problems.push(`input ${idx.name} has ${idx.shape[0]} rows, ${names.voxels} has ${capacity}`);
  // [1] next to more than one pillar row: the number of pillars in use (CUDA-PointPillars); else per pillar
  const mode: 'count' | 'per-pillar' = num?.shape?.[0] === 1 && capacity !== 1 ? 'count' : 'per-pillar';

  const outputLayout = head.type === 'center' ? 'nchw' : (head.outputLayout ?? (voxel.layout === 'mmdeploy' ? 'nchw' : 'nhwc'));
  const outNames = io.outputs.map((o) => o.name);
  const wanted = head.type === 'anchor' ? (head.numDirBins > 0 ? 3 : 2) : 5;
  let outputs: string[] | undefined;
  if (m.outputs) {
    outputs = m.outputs.slice(0, wanted);
    for (const n of outputs) if (!outNames.includes(n)) problems.push(`no output ${n} (outputs: ${outNames.join(', ')})`);
    if (outputs.length < wanted) problems.push(`manifest outputs lists ${outputs.length} names, the ${head.type} head needs ${wanted}`);
  } else {
    const known = (head.type === 'anchor' ? ANCHOR_OUTPUTS : CENTER_OUTPUTS).map((set) => set.slice(0, wanted)).find((set) => set.every((n) => outNames.includes(n)));
    outputs = known ?? (outNames.length === wanted ? outNames : undefined);
    if (!outputs) problems.push(`cannot tell which outputs are the ${head.type} head's (${outNames.join(', ')}); name them in the manifest's outputs`);
  }
  if (outputs && !problems.some((p) => p.startsWith('no output'))) problems.push(...checkOutputShapes(m, io.outputs, outputs, outputLayout));
  if (problems.length || !vox || !num || !idx || !outputs) return { problems };
  return {
    problems,
    binding: { voxels: vox.name, num: { name: num.name, type: indexType(num), mode }, coords: { name: idx.name, type: indexType(idx) }, capacity, outputs, outputLayout },
  };
}

/** Expected head output shapes from the grid, stride, anchors and classes. */
function checkOutputShapes(m: ModelManifest, infos: IoInfo[], outputs: string[], layout: 'nhwc' | 'nchw'): string[] {
  const head = m.head!;
  const { H, W } = featureMap(m.voxel!, head.featureMapStride);
  const C = m.classes.length;
  const channels =
    head.type === 'anchor'
      ? [anchorsPerLocation(head) * C, anchorsPerLocation(head) * head.boxCodeSize, anchorsPerLocation(head) * head.numDirBins]
      : [C, 2, 1, 3, 2];
  const what = head.type === 'anchor' ? ['class scores', 'box residuals', 'direction scores'] : ['heatmap', 'centre offset', 'height', 'size', 'rotation'];
  const problems: string[] = [];
  outputs.forEach((name, i) => {
    const s = infos.find((o) => o.name === name)?.shape;
    if (!s) return;
    const want = layout === 'nhwc' ? [1, H, W, channels[i]] : [1, channels[i], H, W];
    if (s.length !== 4 || s.some((d, k) => fixed(d) && d !== want[k]))
      problems.push(`output ${name} (${what[i]}) has shape ${shapeText(s)}, expected ${shapeText(want)} (${layout}, feature map ${H} x ${W}${head.type === 'anchor' ? `, ${anchorsPerLocation(head)} anchors per location` : ''}, ${C} classes)`);
  });
  return problems;
}
