import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { decodeRle } from '../../../../core/geometry/rle';
import type { ModelManifestInput } from '../manifest';
import { InferenceRuntime } from '../runtime';
import { constantModel } from '../testing/onnxGraph';
import { entry } from '../testing/fixtures';
import { openSam, samPromptFeeds } from './sam';

const runtime = new InferenceRuntime({ threads: 1, providers: ['cpu'] });
const dir = mkdtempSync(path.join(tmpdir(), 'datum-sam-'));
afterAll(async () => {
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
});

// a 128 x 96 image; the (test-sized) encoder takes 64 x 64 with the longer side scaled to 64
const W = 128, H = 96;
const manifest: ModelManifestInput = {
  id: 'tiny-sam',
  name: 'tiny SAM',
  task: 'promptable-segment',
  adapter: 'sam',
  file: 'encoder.onnx',
  decoderFile: 'decoder.onnx',
  input: { width: 64, height: 64, resize: 'longest', pad: 'topleft', padValue: 'mean', mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] },
  classes: ['object'],
};

function rect(x0: number, y0: number, x1: number, y1: number): Float32Array {
  const m = new Float32Array(W * H).fill(-5);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * W + x] = 5;
  return m;
}

function buildModels() {
  const enc = path.join(dir, 'encoder.onnx'), dec = path.join(dir, 'decoder.onnx');
  writeFileSync(enc, constantModel([{ name: 'images', dims: [1, 3, 64, 64] }], [{ name: 'image_embeddings', dims: [1, 8, 4, 4], data: new Float32Array(128).fill(0.5) }]));
  const masks = new Float32Array(2 * W * H);
  masks.set(rect(10, 5, 30, 20), 0);
  masks.set(rect(20, 10, 50, 40), W * H);
  writeFileSync(
    dec,
    constantModel(
      [
        { name: 'image_embeddings', dims: [1, 8, 4, 4] },
        { name: 'point_coords', dims: [1, -1, 2] },
        { name: 'point_labels', dims: [1, -1] },
        { name: 'mask_input', dims: [1, 1, 256, 256] },
        { name: 'has_mask_input', dims: [1] },
        { name: 'orig_im_size', dims: [2] },
      ],
      [
        { name: 'masks', dims: [1, 2, H, W], data: masks },
        { name: 'iou_predictions', dims: [1, 2], data: Float32Array.of(0.5, 0.9) },
        { name: 'low_res_masks', dims: [1, 2, 256, 256], data: new Float32Array(2 * 256 * 256).fill(1) },
      ],
    ),
  );
  return { enc, dec };
}

describe('SAM-family adapter', () => {
  it('builds decoder feeds in the encoder frame: points, box corners (labels 2/3), padding point', () => {
    const emb = { embedding: { type: 'float32' as const, dims: [1, 8, 4, 4], data: new Float32Array(128) }, transform: { width: W, height: H, inputWidth: 64, inputHeight: 64, scaleX: 0.5, scaleY: 0.5, padX: 0, padY: 0 } };
    const clicks = samPromptFeeds({ points: [{ x: 100, y: 50, label: 1 }] }, emb, false);
    expect([...clicks.point_coords.data]).toEqual([50, 25, 0, 0]);
    expect([...clicks.point_labels.data]).toEqual([1, -1]);
    expect([...clicks.orig_im_size.data]).toEqual([H, W]);
    expect([...clicks.has_mask_input.data]).toEqual([0]);
    const box = samPromptFeeds({ box: [10, 20, 30, 40] }, emb, false);
    expect([...box.point_coords.data]).toEqual([5, 10, 15, 20]);
    expect([...box.point_labels.data]).toEqual([2, 3]);
  });

  it('encodes once per image, decodes per prompt, returns the best mask as RLE + polygon and refines with the previous mask', async () => {
    const { enc, dec } = buildModels();
    const sam = await openSam(runtime, entry(manifest, enc, dec));
    const spy = vi.spyOn(runtime, 'run');
    const img = { data: new Uint8Array(W * H * 3).fill(200), width: W, height: H, channels: 3 as const };
    const a = await sam.segment('img1', img, { points: [{ x: 30, y: 20, label: 1 }] });
    expect(a.score).toBeCloseTo(0.9);
    expect(a.mask.size).toEqual([H, W]);
    const bits = decodeRle(a.mask.counts, W, H);
    expect(bits.reduce((s, v) => s + v, 0)).toBe(30 * 30);
    expect(a.box).toEqual([20, 10, 50, 40]);
    expect(a.polygon).toEqual([20, 10, 49, 10, 49, 39, 20, 39]);
    await sam.segment('img1', img, { box: [15, 5, 60, 45] }, { refine: true });
    const calls = spy.mock.calls.map((c) => c[0]);
    expect(calls).toEqual(['tiny-sam', 'tiny-sam#decoder', 'tiny-sam#decoder']);
    spy.mockRestore();
    // the best mask's low-res logits are kept for the next (refining) prompt
    const emb = await sam.embed('img1', img);
    expect(emb.previous).toHaveLength(256 * 256);
    const refined = samPromptFeeds({ points: [{ x: 1, y: 1, label: 0 }] }, emb, true);
    expect([...refined.has_mask_input.data]).toEqual([1]);
    expect(refined.mask_input.data[0]).toBe(1);
  });
});
