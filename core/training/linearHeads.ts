/**
 * The model the local trainers produce: standardisation, then k logistic heads over one feature
 * vector (scores = sigmoid(((x - mean) / std) W + b)), as plain data, with its TypeScript forward
 * pass and its ONNX export (Sub, Div, MatMul, Add, Sigmoid; opset 17), so the same numbers come out
 * of onnxruntime-node. Pure.
 */
import { buildModel } from '../onnx/graph';

export interface LinearHeads {
  /** Input width d. */
  mean: number[];
  std: number[];
  /** d x k, row-major (weights of head j for feature i at i * k + j). */
  weights: number[];
  bias: number[];
  /** Head names (output columns). */
  heads: string[];
}

export const INPUT_NAME = 'features';
export const OUTPUT_NAME = 'scores';

/** scores (n x k, row-major) for row-major features (n x d). */
export function forward(model: LinearHeads, x: ArrayLike<number>, n: number): Float64Array {
  const d = model.mean.length, k = model.heads.length;
  const out = new Float64Array(n * k);
  const z = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < d; i++) z[i] = (x[r * d + i] - model.mean[i]) / model.std[i];
    for (let j = 0; j < k; j++) {
      let s = model.bias[j];
      for (let i = 0; i < d; i++) s += z[i] * model.weights[i * k + j];
      out[r * k + j] = 1 / (1 + Math.exp(-s));
    }
  }
  return out;
}

/** The model as an ONNX file: input `features` [N, d] float32, output `scores` [N, k]. */
export function toOnnx(model: LinearHeads): Uint8Array {
  const d = model.mean.length, k = model.heads.length;
  return buildModel({
    inputs: [{ name: INPUT_NAME, dims: [-1, d] }],
    outputs: [{ name: OUTPUT_NAME, dims: [-1, k] }],
    initializers: [
      { name: 'mean', dims: [d], data: Float32Array.from(model.mean) },
      { name: 'std', dims: [d], data: Float32Array.from(model.std) },
      { name: 'W', dims: [d, k], data: Float32Array.from(model.weights) },
      { name: 'b', dims: [k], data: Float32Array.from(model.bias) },
    ],
    nodes: [
      { op: 'Sub', inputs: [INPUT_NAME, 'mean'], outputs: ['centred'] },
      { op: 'Div', inputs: ['centred', 'std'], outputs: ['standardised'] },
      { op: 'MatMul', inputs: ['standardised', 'W'], outputs: ['logits_w'] },
      { op: 'Add', inputs: ['logits_w', 'b'], outputs: ['logits'] },
      { op: 'Sigmoid', inputs: ['logits'], outputs: [OUTPUT_NAME] },
    ],
  });
}
