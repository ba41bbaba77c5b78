/**
 * Batching for models whose inputs and outputs all have a dynamic first (batch) dimension:
 * several prepared images go through one session.run, and the outputs are split back per image.
 * Pure (typed-array copies only).
 */
import type { IoInfo } from './protocol';
import type { TensorData, Tensors } from './types';

/** True when every input and output declares a dynamic batch dimension. */
export function supportsBatching(inputs: IoInfo[], outputs: IoInfo[]): boolean {
  const dynamicBatch = (io: IoInfo) => !!io.shape && io.shape.length > 0 && io.shape[0] === -1;
  return inputs.length > 0 && outputs.length > 0 && inputs.every(dynamicBatch) && outputs.every(dynamicBatch);
}

/** Stack single-image tensors [1, ...] into one [n, ...] tensor; null when their shapes differ. */
export function stackTensors(tensors: TensorData[]): TensorData | null {
  const first = tensors[0];
  const rest = first.dims.slice(1).join('x');
  if (tensors.some((t) => t.dims[0] !== 1 || t.dims.slice(1).join('x') !== rest || t.type !== first.type)) return null;
  const per = first.data.length;
  const Ctor = first.data.constructor as new (n: number) => TensorData['data'];
  const data = new Ctor(per * tensors.length);
  tensors.forEach((t, i) => (data as Float32Array).set(t.data as Float32Array, i * per));
  return { type: first.type, dims: [tensors.length, ...first.dims.slice(1)], data };
}

/** Split batched outputs [n, ...] into n single-image output sets [1, ...]. */
export function splitOutputs(out: Tensors, n: number): Tensors[] {
  const parts: Tensors[] = Array.from({ length: n }, () => ({}));
  for (const [name, t] of Object.entries(out)) {
    if (t.dims[0] !== n) throw new Error(`output ${name} has batch ${t.dims[0]}, expected ${n}`);
    const per = t.data.length / n;
    for (let i = 0; i < n; i++) {
      parts[i][name] = { type: t.type, dims: [1, ...t.dims.slice(1)], data: t.data.slice(i * per, (i + 1) * per) as TensorData['data'] };
    }
  }
  return parts;
}
