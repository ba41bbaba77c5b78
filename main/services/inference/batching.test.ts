import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InferenceRuntime } from './runtime';
import { splitOutputs, stackTensors, supportsBatching } from './batching';
import { identityModel } from './testing/onnxGraph';
import type { TensorData } from './types';

const runtime = new InferenceRuntime({ threads: 1 });
afterAll(() => runtime.close());

const image = (seed: number): TensorData => ({ type: 'float32', dims: [1, 3, 4, 4], data: Float32Array.from({ length: 48 }, (_, i) => seed * 100 + i) });

describe('batching', () => {
  it('stacks [1,...] tensors and splits [n,...] outputs back', () => {
    const s = stackTensors([image(1), image(2), image(3)])!;
    expect(s.dims).toEqual([3, 3, 4, 4]);
    expect(s.data[48]).toBe(200);
    const parts = splitOutputs({ y: s }, 3);
    expect(parts.map((p) => p.y.dims)).toEqual([[1, 3, 4, 4], [1, 3, 4, 4], [1, 3, 4, 4]]);
    expect(Array.from((parts[2].y.data as Float32Array).slice(0, 2))).toEqual([300, 301]);
    expect(stackTensors([image(1), { ...image(2), dims: [1, 3, 2, 8] }])).toBeNull();
  });

  it('a model with a dynamic batch runs several images in one session.run, each getting its own output', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'batch-'));
    const file = path.join(dir, 'identity.onnx');
    writeFileSync(file, identityModel('images', 'output', [-1, 3, 4, 4]));
    const loaded = await runtime.load('identity', file);
    expect(supportsBatching(loaded.inputs, loaded.outputs)).toBe(true);
    const batch = [image(1), image(2), image(3), image(4)];
    const out = await runtime.run('identity', { images: stackTensors(batch)! });
    const parts = splitOutputs(out, 4);
    parts.forEach((p, k) => expect(Array.from(p.output.data as Float32Array)).toEqual(Array.from(batch[k].data as Float32Array)));
    // A fixed-batch export (like the YOLOX sample) is not batched.
    expect(supportsBatching([{ name: 'images', shape: [1, 3, 416, 416] }], [{ name: 'output', shape: [1, 3549, 85] }])).toBe(false);
  });
});
