/**
 * Pre-labelling: run a one-shot detector over images. Image k + 1 is decoded and resized (sharp,
 * libvips threads) while image k is inside ONNX Runtime in the worker, so the model is rarely idle.
 */
import { decoderFor } from './adapters';
import type { ModelEntry } from './library';
import { preprocess, withSingleThreadedImaging, type ImageSource, type Prepared } from './preprocess';
import { abortError, type InferenceRuntime, type LoadedModel } from './runtime';
import { splitOutputs, stackTensors, supportsBatching } from './batching';

/** Images per run for models with a dynamic batch dimension. */
const DEFAULT_BATCH = 4;
/** Spare input buffers kept for reuse: the prefetch depth plus the one in the model is enough. */
const POOL = 8;
import type { Prediction, TensorData } from './types';

export interface BatchItem {
  index: number;
  predictions?: Prediction[];
  /** Why this image failed (the batch goes on). */
  error?: string;
  /** Image size, for the caller's annotation document. */
  width?: number;
  height?: number;
}

export interface BatchOptions {
  signal?: AbortSignal;
  /** Called after each image, in order. */
  onResult?: (item: BatchItem, done: number, total: number) => void;
  /** Images prepared ahead of the one being inferred (default 2). */
  prefetch?: number;
  /** Images per session.run for models with a dynamic batch dimension (default 4). */
  batchSize?: number;
  /**
   * Prepare image k + 1 while image k is in the model (default true). false prepares each image
   * only after the previous one's inference: measured slower on 2 busy cores as well
   * (docs/performance.md), kept for the bench's comparison.
   */
  overlap?: boolean;
}

export interface Predictor {
  readonly modelId: string;
  readonly entry: ModelEntry;
  readonly loaded: LoadedModel;
  predict(src: ImageSource, options?: { signal?: AbortSignal }): Promise<Prediction[]>;
  predictMany(sources: readonly ImageSource[], options?: BatchOptions): Promise<BatchItem[]>;
}

/** Load an entry's model into the runtime and bind its adapter. */
export async function openPredictor(runtime: InferenceRuntime, entry: ModelEntry): Promise<Predictor> {
  const m = entry.manifest;
  if (!entry.modelPath || !m.input) throw new Error(`${m.id}: has no ONNX model to run (adapter ${m.adapter})`);
  const decode = decoderFor(m);
  const loaded = await runtime.load(m.id, entry.modelPath);
  const inputName = m.input.name ?? loaded.inputs[0].name;
  const outputNames = loaded.outputs.map((o) => o.name);
  const input = m.input;
  // Inputs besides the image (LSTR's padding mask: 0 = image) get zeros of their fixed shape.
  const extras = zeroFeeds(m.id, loaded.inputs.filter((i) => i.name !== inputName));
  const batchable = !Object.keys(extras).length && supportsBatching(loaded.inputs, loaded.outputs);

  // Tensor buffers of the input's size, sent to the worker and given back after the run: each image
  // refills one instead of allocating 2 MB (page faults, and GC pressure that showed in the profile).
  const spare: Float32Array[] = [];
  const recycle = (feeds: Record<string, TensorData>) => {
    const t = feeds[inputName];
    if (t?.data instanceof Float32Array && t.dims[0] === 1 && spare.length < POOL) spare.push(t.data);
  };
  const prepare = (src: ImageSource) => preprocess(src, input, { into: spare.pop() });

  const infer = async (p: Prepared, signal?: AbortSignal) => {
    const out = await runtime.run(m.id, { ...zeroCopies(extras), [inputName]: p.tensor }, { signal, recycle });
    return decode(out, outputNames, p.transform, m);
  };

  return {
    modelId: m.id,
    entry,
    loaded,
    async predict(src, options = {}) {
      return infer(await prepare(src), options.signal);
    },
    predictMany(sources, options = {}) {
      return withSingleThreadedImaging(() => predictBatch(sources, options));
    },
  };
  // Function declaration: hoisted, so the object above can refer to it.
  async function predictBatch(sources: readonly ImageSource[], options: BatchOptions = {}): Promise<BatchItem[]> {
    const { signal, onResult } = options;
    // Models with a dynamic batch dimension take several images per run; others one at a time.
    const batch = batchable ? Math.max(1, options.batchSize ?? DEFAULT_BATCH) : 1;
    const overlap = options.overlap ?? true;
    const depth = overlap ? Math.max(1, options.prefetch ?? 2) + batch : batch;
    const results: BatchItem[] = [];
    const queue: Promise<Prepared>[] = [];
    let next = 0;
    const fill = () => {
      while (queue.length < depth && next < sources.length) {
        const p = prepare(sources[next++]);
        p.catch(() => undefined); // handled when its turn comes
        queue.push(p);
      }
    };
    const emit = (item: BatchItem) => {
      results.push(item);
      onResult?.(item, results.length, sources.length);
    };
    for (let i = 0; i < sources.length; ) {
      if (signal?.aborted) throw abortError();
      fill();
      // Take up to `batch` images; one that failed to decode is reported (in order) and the rest go on.
      const group: { index: number; prepared?: Prepared; error?: string }[] = [];
      while (group.length < batch && i < sources.length) {
        const index = i++;
        try {
          group.push({ index, prepared: await queue.shift()! });
        } catch (e) {
          group.push({ index, error: (e as Error).message });
        }
        if (overlap) fill(); // keep preparing the next images while this group is in the model
      }
      const ready = group.filter((g) => g.prepared);
      let outs: Prediction[][] = [];
      let runError: string | null = null;
      try {
        if (ready.length) outs = await runGroup(ready.map((g) => g.prepared!), signal);
      } catch (e) {
        if ((e as Error).name === 'AbortError') throw e;
        runError = (e as Error).message;
      }
      for (const g of group) {
        const k = ready.indexOf(g);
        if (g.error || runError) emit({ index: g.index, error: g.error ?? runError! });
        else emit({ index: g.index, predictions: outs[k], width: g.prepared!.transform.width, height: g.prepared!.transform.height });
      }
    }
    return results;
  }

  /** One run for the whole group when the tensors stack, else one run per image. */
  async function runGroup(group: Prepared[], signal?: AbortSignal): Promise<Prediction[][]> {
    const stacked = group.length > 1 ? stackTensors(group.map((p) => p.tensor)) : null;
    if (!stacked) return Promise.all(group.map((p) => infer(p, signal)));
    for (const p of group) recycle({ [inputName]: p.tensor }); // copied into the stack: free again
    const out = await runtime.run(m.id, { [inputName]: stacked }, { signal });
    return splitOutputs(out, group.length).map((o, k) => decode(o, outputNames, group[k].transform, m));
  }
}

/** Zero tensors for a graph's non-image inputs; only fixed-shape float32 inputs can be filled. */
export function zeroFeeds(modelId: string, inputs: LoadedModel['inputs']): Record<string, TensorData> {
  const out: Record<string, TensorData> = {};
  for (const i of inputs) {
    const dims = i.shape ?? [];
    if (i.type !== 'float32' || !dims.length || dims.some((d) => d <= 0))
      throw new Error(`${modelId}: the graph has a second input ${i.name} (${i.type ?? '?'} [${dims.join(', ')}]); only fixed-shape float32 extra inputs are filled (with zeros)`);
    out[i.name] = { type: 'float32', dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) };
  }
  return out;
}
/** Tensors are transferred to the worker (their buffers detached), so every run gets fresh ones. */
export function zeroCopies(feeds: Record<string, TensorData>): Record<string, TensorData> {
  const out: Record<string, TensorData> = {};
  for (const [k, t] of Object.entries(feeds)) out[k] = { ...t, data: new Float32Array(t.data.length) };
  return out;
}
