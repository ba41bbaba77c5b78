/**
 * Test model: a real ONNX graph with the signature of a PointPillars export (OpenPCDet /
 * CUDA-PointPillars or mmdeploy inputs; anchor or centre head outputs) whose outputs are known
 * functions of its inputs. No trained weights can be downloaded here, so this is what the adapter's
 * pre- and post-processing are tested against.
 *
 * What the graph computes, with standard operators only:
 *  1. per pillar: n = points in use (rows with any non-zero feature; mmdeploy: num_points) and
 *     sz = the sum of their z; pillars at or past voxel_num (when it is a count) contribute nothing;
 *  2. both scattered (ScatterND, reduction add) onto the BEV grid at voxel_idxs' (y, x);
 *  3. summed over 2 x 2 pillar blocks (the stride-2 feature map): cnt, and meanZ = sz / max(cnt, 1);
 *  4. 1x1 convolutions of [cnt, meanZ] give the head maps (see the weights below):
 *     anchor head: Car at anchor 0 (yaw 0) has logit cnt - T, Pedestrian at anchor 2 cnt - T - 1,
 *     everything else -20; boxes sit on their anchor with z = meanZ, Car length 4.2 m, residual
 *     yaw 0.3; the direction classifier says bin 1 for anchor 0 and bin 0 for anchor 2;
 *     centre head: Car heatmap cnt - T, centre in the middle of the cell, height meanZ, size
 *     4.2 x 1.8 x 1.5 m, yaw 0.3 (sin, cos).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ModelManifestInput } from '../manifest';
import { buildModel, type GraphInitializer, type GraphNode, type GraphValue } from './onnxGraph';

export const KITTI_RANGE = [0, -39.68, -3, 69.12, 39.68, 1];
export const PILLAR = [0.16, 0.16, 4];
export const KITTI_ANCHORS = [
  { class: 'Car', size: [3.9, 1.6, 1.56] as [number, number, number], rotations: [0, 1.57], bottomHeight: -1.78 },
  { class: 'Pedestrian', size: [0.8, 0.6, 1.73] as [number, number, number], rotations: [0, 1.57], bottomHeight: -0.6 },
  { class: 'Cyclist', size: [1.76, 0.6, 1.73] as [number, number, number], rotations: [0, 1.57], bottomHeight: -0.6 },
];
export const CLASSES = ['Car', 'Pedestrian', 'Cyclist'];
/** What the graph's head says, for the tests' expectations. */
export const GRAPH = { carLength: 4.2, residualYaw: 0.3, centerSize: [4.2, 1.8, 1.5] as const, centerYaw: 0.3 };

export interface TestGraphOptions {
  layout: 'openpcdet' | 'mmdeploy';
  head: 'anchor' | 'center';
  /** Count threshold T (points in a 2x2 pillar block). */
  threshold: number;
  /** Fixed pillar rows (openpcdet exports have one); -1 = dynamic. */
  capacity: number;
  range?: number[];
  /** openpcdet: `voxel_num` as [1] (pillars in use, CUDA-PointPillars) or [V] (points per pillar). */
  voxelNum?: 'count' | 'per-pillar';
  /** Rename or reshape inputs to produce a wrong signature (import tests). */
  inputOverride?: Partial<Record<'voxels' | 'num' | 'coords', GraphValue>>;
}

const f32 = (name: string, dims: number[], data: ArrayLike<number>): GraphInitializer => ({ name, dims, data: Float32Array.from(data) });
const i64 = (name: string, dims: number[], data: number[]): GraphInitializer => ({ name, dims, data: BigInt64Array.from(data, (v) => BigInt(v)) });

/** 1x1 convolution weights [out, 2, 1, 1] over [cnt, meanZ] and biases. */
function conv(out: number, set: (o: number) => [number, number, number]): { w: number[]; b: number[] } {
  const w: number[] = [];
  const b: number[] = [];
  for (let o = 0; o < out; o++) {
    const [wc, wz, bias] = set(o);
    w.push(wc, wz);
    b.push(bias);
  }
  return { w, b };
}

export function pointPillarsGraph(o: TestGraphOptions): Uint8Array {
  const range = o.range ?? KITTI_RANGE;
  const nx = Math.round((range[3] - range[0]) / PILLAR[0]);
  const ny = Math.round((range[4] - range[1]) / PILLAR[1]);
  const V = o.capacity;
  const F = o.layout === 'mmdeploy' ? 4 : 10;
  const names = o.layout === 'mmdeploy' ? { voxels: 'voxels', num: 'num_points', coords: 'coors' } : { voxels: 'voxels', num: 'voxel_num', coords: 'voxel_idxs' };
  const numMode = o.layout === 'mmdeploy' ? 'per-pillar' : (o.voxelNum ?? 'count');
  const inputs: GraphValue[] = [
    o.inputOverride?.voxels ?? { name: names.voxels, dims: [V, 32, F] },
    o.inputOverride?.num ?? { name: names.num, dims: numMode === 'count' ? [1] : [V], type: 'int32' },
    o.inputOverride?.coords ?? { name: names.coords, dims: [V, 4], type: 'int32' },
  ];
  const [vIn, nIn, cIn] = inputs.map((i) => i.name);
  const init: GraphInitializer[] = [
    i64('axis1', [1], [1]),
    i64('axis0', [1], [0]),
    i64('idx2', [], [2]),
    f32('one', [], [1]),
    i64('yx_start', [1], [2]),
    i64('yx_end', [1], [4]),
    f32('canvas0', [ny, nx, 2], new Float32Array(ny * nx * 2)),
    f32('pool', [2, 1, 2, 2], new Array(8).fill(1)),
    i64('c0', [1], [0]),
    i64('c1', [1], [1]),
    i64('c2', [1], [2]),
  ];
  const nodes: GraphNode[] = [
    { op: 'Gather', inputs: [vIn, 'idx2'], outputs: ['z'], attrs: { axis: 2 } },
    { op: 'ReduceSum', inputs: ['z', 'axis1'], outputs: ['sz_raw'], attrs: { keepdims: 0 } },
  ];
  if (numMode === 'per-pillar') nodes.push({ op: 'Cast', inputs: [nIn], outputs: ['n_raw'], attrs: { to: 1 } });
  else
    nodes.push(
      // a point row is in use when any of its features is non-zero (padding rows are all zero)
      { op: 'Abs', inputs: [vIn], outputs: ['absv'] },
      { op: 'ReduceSum', inputs: ['absv', 'c2'], outputs: ['rowsum'], attrs: { keepdims: 0 } },
      { op: 'Greater', inputs: ['rowsum', 'zero'], outputs: ['used'] },
      { op: 'Cast', inputs: ['used'], outputs: ['usedf'], attrs: { to: 1 } },
      { op: 'ReduceSum', inputs: ['usedf', 'axis1'], outputs: ['n_all'], attrs: { keepdims: 0 } },
      // only pillars below voxel_num count
      { op: 'Cast', inputs: [nIn], outputs: ['vn'], attrs: { to: 1 } },
      { op: 'Less', inputs: ['iota', 'vn'], outputs: ['live_b'] },
      { op: 'Cast', inputs: ['live_b'], outputs: ['live'], attrs: { to: 1 } },
      { op: 'Mul', inputs: ['n_all', 'live'], outputs: ['n_raw'] },
    );
  if (numMode === 'count') init.push(f32('iota', [V], Array.from({ length: V }, (_, i) => i)), f32('zero', [], [0]));
  nodes.push(
    ...(numMode === 'count' ? [{ op: 'Mul', inputs: ['sz_raw', 'live'], outputs: ['sz'] }] : [{ op: 'Identity', inputs: ['sz_raw'], outputs: ['sz'] }]),
    { op: 'Unsqueeze', inputs: ['n_raw', 'axis1'], outputs: ['n1'] },
    { op: 'Unsqueeze', inputs: ['sz', 'axis1'], outputs: ['sz1'] },
    { op: 'Concat', inputs: ['n1', 'sz1'], outputs: ['vals'], attrs: { axis: 1 } },
    { op: 'Slice', inputs: [cIn, 'yx_start', 'yx_end', 'axis1'], outputs: ['yx32'] },
    { op: 'Cast', inputs: ['yx32'], outputs: ['yx'], attrs: { to: 7 } },
    { op: 'ScatterND', inputs: ['canvas0', 'yx', 'vals'], outputs: ['canvas'], attrs: { reduction: 'add' } },
    { op: 'Transpose', inputs: ['canvas'], outputs: ['chw'], attrs: { perm: [2, 0, 1] } },
    { op: 'Unsqueeze', inputs: ['chw', 'axis0'], outputs: ['nchw'] },
    { op: 'Conv', inputs: ['nchw', 'pool'], outputs: ['pooled'], attrs: { group: 2, kernel_shape: [2, 2], strides: [2, 2] } },
    { op: 'Slice', inputs: ['pooled', 'c0', 'c1', 'axis1'], outputs: ['cnt'] },
    { op: 'Slice', inputs: ['pooled', 'c1', 'c2', 'axis1'], outputs: ['szb'] },
    { op: 'Max', inputs: ['cnt', 'one'], outputs: ['den'] },
    { op: 'Div', inputs: ['szb', 'den'], outputs: ['meanz'] },
    { op: 'Concat', inputs: ['cnt', 'meanz'], outputs: ['feat'], attrs: { axis: 1 } },
  );
  const H = Math.floor(ny / 2), W = Math.floor(nx / 2);
  const outputs: GraphValue[] = [];
  const head = (name: string, c: { w: number[]; b: number[] }, channels: number, nhwc: boolean) => {
    init.push(f32(`${name}_w`, [channels, 2, 1, 1], c.w), f32(`${name}_b`, [channels], c.b));
    nodes.push({ op: 'Conv', inputs: ['feat', `${name}_w`, `${name}_b`], outputs: [nhwc ? `${name}_nchw` : name] });
    if (nhwc) nodes.push({ op: 'Transpose', inputs: [`${name}_nchw`], outputs: [name], attrs: { perm: [0, 2, 3, 1] } });
    outputs.push({ name, dims: nhwc ? [1, H, W, channels] : [1, channels, H, W] });
  };
  const T = o.threshold;
  if (o.head === 'anchor') {
    const nhwc = o.layout === 'openpcdet';
    const outNames = o.layout === 'openpcdet' ? ['cls_preds', 'box_preds', 'dir_cls_preds'] : ['cls_score', 'bbox_pred', 'dir_cls_pred'];
    // 6 anchors (Car, Pedestrian, Cyclist x yaw 0 / 1.57), 3 classes
    head(outNames[0], conv(18, (ch) => (ch === 0 ? [1, 0, -T] : ch === 2 * 3 + 1 ? [1, 0, -T - 1] : [0, 0, -20])), 18, nhwc);
    head(
      outNames[1],
      conv(42, (ch) => {
        const a = Math.floor(ch / 7), j = ch % 7;
        const spec = KITTI_ANCHORS[Math.floor(a / 2)];
        const za = spec.bottomHeight + spec.size[2] / 2, ha = spec.size[2];
        if (j === 2) return [0, 1 / ha, -za / ha]; // decoded z = zt * ha + za = meanZ
        if (j === 3 && a < 2) return [0, 0, Math.log(GRAPH.carLength / spec.size[0])];
        if (j === 6) return [0, 0, GRAPH.residualYaw];
        return [0, 0, 0];
      }),
      42,
      nhwc,
    );
    head(outNames[2], conv(12, (ch) => [0, 0, ch === 1 ? 1 : ch === 4 ? 1 : 0]), 12, nhwc);
  } else {
    head('hm', conv(3, (ch) => (ch === 0 ? [1, 0, -T] : [0, 0, -20])), 3, false);
    head('reg', conv(2, () => [0, 0, 0.5]), 2, false);
    head('height', conv(1, () => [0, 1, 0]), 1, false);
    head('dim', conv(3, (ch) => [0, 0, Math.log(GRAPH.centerSize[ch])]), 3, false);
    head('rot', conv(2, (ch) => [0, 0, ch === 0 ? Math.sin(GRAPH.centerYaw) : Math.cos(GRAPH.centerYaw)]), 2, false);
  }
  return buildModel({ inputs, outputs, nodes, initializers: init, opset: 17 });
}

export function pointPillarsManifest(id: string, o: TestGraphOptions, extra: Partial<ModelManifestInput> = {}): ModelManifestInput {
  const range = o.range ?? KITTI_RANGE;
  return {
    id,
    name: `test ${o.layout} ${o.head} graph`,
    task: 'detect3d',
    adapter: 'pointpillars',
    file: 'model.onnx',
    classes: CLASSES,
    voxel: { layout: o.layout, pointCloudRange: range as [number, number, number, number, number, number], voxelSize: PILLAR as [number, number, number], maxPointsPerVoxel: 32, maxVoxels: 40000 },
    head:
      o.head === 'anchor'
        ? { type: 'anchor', featureMapStride: 2, alignCenter: false, anchors: KITTI_ANCHORS, dirOffset: 0.78539, dirLimitOffset: 0, numDirBins: 2 }
        : { type: 'center', featureMapStride: 2, rotOrder: 'sin-cos', logDim: true },
    thresholds: { score: 0.5, nms: 0.01 },
    license: 'test graph, no weights',
    ...extra,
  };
}

/** A model folder `<root>/<id>/` (manifest.json + model.onnx) for the library. */
export function writePointPillarsModel(root: string, id: string, o: TestGraphOptions, extra: Partial<ModelManifestInput> = {}): string {
  const dir = path.join(root, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'model.onnx'), pointPillarsGraph(o));
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(pointPillarsManifest(id, o, extra), null, 2));
  return dir;
}
