/**
 * Learned LiDAR detectors (adapter `pointpillars`): pillarise a cloud in this thread (typed arrays,
 * a few ms for a KITTI frame), run the ONNX model in the inference worker, decode the head and
 * suppress overlaps here. Boxes come out in the frame of the points given (the cloud's offset is
 * added back before pillarising, so that is the file's own frame).
 */
import { pillarize, type PillarCloud, type Pillars } from '../../../core/lidar/pillars';
import { anchorCandidates, anchorGrid, featureMap, suppress, type FeatureMap } from './adapters/pointpillars';
import { centerCandidates } from './adapters/centerHead';
import { bindPointPillars, type PillarBinding } from './adapters/pointpillarsIo';
import type { ModelEntry } from './library';
import type { ModelManifest } from './manifest';
import { voxelFeatures } from './manifest3d';
import type { InferenceRuntime, LoadedModel } from './runtime';
import { f32, type CuboidPrediction, type TensorData, type Tensors } from './types';

export interface Detector3D {
  readonly modelId: string;
  readonly entry: ModelEntry;
  readonly loaded: LoadedModel;
  readonly binding: PillarBinding;
  predict(cloud: PillarCloud, options?: { signal?: AbortSignal }): Promise<CuboidPrediction[]>;
}

/** Tensors for one frame's pillars, in the binding's names and index types. */
export function pillarFeeds(p: Pillars, b: PillarBinding): Tensors {
  const index = (data: Int32Array, dims: number[], type: PillarBinding['coords']['type']): TensorData =>
    type === 'int64' ? { type, dims, data: BigInt64Array.from(data, (v) => BigInt(v)) } : { type, dims, data };
  return {
    [b.voxels]: { type: 'float32', dims: [p.capacity, p.maxPointsPerPillar, p.featureCount], data: p.features },
    [b.coords.name]: index(p.coords, [p.capacity, 4], b.coords.type),
    [b.num.name]: b.num.mode === 'count' ? index(Int32Array.of(p.count), [1], b.num.type) : index(p.numPoints, [p.capacity], b.num.type),
  };
}

/** Head outputs -> scored, suppressed boxes. */
export function decodeDetections(out: Tensors, b: PillarBinding, m: ModelManifest, map: FeatureMap, anchors: Float32Array | null): CuboidPrediction[] {
  const head = m.head!;
  const get = (i: number) => f32(out[b.outputs[i]], b.outputs[i]);
  const score = m.thresholds.score;
  const A = anchors ? anchors.length / 7 / (map.H * map.W) : 0; // anchors per location
  const set =
    head.type === 'anchor'
      ? anchorCandidates({
          cls: { data: get(0), channels: A * m.classes.length, layout: b.outputLayout },
          box: { data: get(1), channels: A * head.boxCodeSize, layout: b.outputLayout },
          dir: head.numDirBins > 0 ? { data: get(2), channels: A * head.numDirBins, layout: b.outputLayout } : undefined,
          anchors: anchors!,
          map,
          numClasses: m.classes.length,
          head,
          scoreThreshold: score,
        })
      : centerCandidates({ hm: get(0), reg: get(1), height: get(2), dim: get(3), rot: get(4) }, map, m.classes.length, head, m.voxel!, score);
  return suppress(set, m.classes, head.nms, m.thresholds.nms);
}

/** Load a pointpillars model into the runtime, check its signature and bind its adapter. */
export async function openDetector3d(runtime: InferenceRuntime, entry: ModelEntry): Promise<Detector3D> {
  const m = entry.manifest;
  if (m.adapter !== 'pointpillars' || !m.voxel || !m.head || !entry.modelPath) throw new Error(`${m.id}: not a pointpillars model with an ONNX file`);
  const loaded = await runtime.load(m.id, entry.modelPath);
  const { binding, problems } = bindPointPillars(m, loaded);
  if (!binding) throw new Error(`${entry.modelPath}: does not fit a pointpillars model: ${problems.join('; ')}`);
  const voxel = m.voxel;
  const map = featureMap(voxel, m.head.featureMapStride);
  const anchors = m.head.type === 'anchor' ? anchorGrid(m.head, voxel, map) : null;
  const grid = { range: voxel.pointCloudRange, voxelSize: voxel.voxelSize, maxPointsPerPillar: voxel.maxPointsPerVoxel, maxPillars: voxel.maxVoxels };
  const features = voxelFeatures(voxel);
  return {
    modelId: m.id,
    entry,
    loaded,
    binding,
    async predict(cloud, options = {}) {
      const pillars = pillarize(cloud, grid, { features, intensityScale: voxel.intensityScale, capacity: binding.capacity });
      if (pillars.count === 0) return []; // nothing in range: an empty dynamic tensor would only trouble the model
      const out = await runtime.run(m.id, pillarFeeds(pillars, binding), { signal: options.signal, outputs: binding.outputs });
      return decodeDetections(out, binding, m, map, anchors);
    },
  };
}
