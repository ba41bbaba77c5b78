/**
 * Pre-labelling: run a one-shot detector over images. Image k + 1 is decoded and resized (sharp,
 * libvips threads) while image k is inside ONNX Runtime in the worker, so the model is rarely idle.
 */
import { decoderFor } from './adapters';
import type { ModelEntry } from './library';
import { preprocess, withSingleThreadedImaging, type ImageSource, type Prepared } from './preprocess';
import { abortError, type InferenceRuntime, type LoadedModel } from './runtime';
import type { Prediction } from './types';

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

  const infer = async (p: Prepared, signal?: AbortSignal) => {
    const out = await runtime.run(m.id, { [inputName]: p.tensor }, { signal });
    return decode(out, outputNames, p.transform, m);
  };

  return {
    modelId: m.id,
    entry,
    loaded,
    async predict(src, options = {}) {
      return infer(await preprocess(src, input), options.signal);
    },
    predictMany(sources, options = {}) {
      return withSingleThreadedImaging(() => predictBatch(sources, options));
    },
  };
  // Function declaration: hoisted, so the object above can refer to it.
  async function predictBatch(sources: readonly ImageSource[], options: BatchOptions = {}): Promise<BatchItem[]> {
      const { signal, onResult } = options;
      const depth = Math.max(1, options.prefetch ?? 2);
      const results: BatchItem[] = [];
      const queue: Promise<Prepared>[] = [];
      let next = 0;
      const fill = () => {
        while (queue.length < depth && next < sources.length) {
          const p = preprocess(sources[next++], input);
          p.catch(() => undefined); // handled when its turn comes
          queue.push(p);
        }
      };
      fill();
      for (let i = 0; i < sources.length; i++) {
        if (signal?.aborted) throw abortError();
        let item: BatchItem;
        try {
          const prepared = await queue.shift()!;
          fill(); // start preparing the next images before this one goes to the model
          const predictions = await infer(prepared, signal);
          item = { index: i, predictions, width: prepared.transform.width, height: prepared.transform.height };
        } catch (e) {
          if ((e as Error).name === 'AbortError') throw e;
          fill();
          item = { index: i, error: (e as Error).message };
        }
        results.push(item);
        onResult?.(item, i + 1, sources.length);
      }
      return results;
  }
}
