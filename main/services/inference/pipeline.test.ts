import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseManifest } from './manifest';
import { openPredictor } from './predictor';
import { packTensor, planResize, preprocess } from './preprocess';
import { InferenceRuntime } from './runtime';
import { COCO139, DATA, HAVE_YOLOX, NEEDS_DATA, YOLOX, entry, yoloxManifest } from './testing/fixtures';

/** The tensor by definition: one element at a time, no buffer reuse. */
function reference(rgb: Uint8Array, rw: number, rh: number, t: ReturnType<typeof planResize>, input: ReturnType<typeof parseManifest>['input'] & object): Float32Array {
  const W = t.inputWidth, H = t.inputHeight;
  const out = new Float32Array(3 * W * H);
  const order = input.channelOrder === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  for (let c = 0; c < 3; c++) {
    const k = input.scale / input.std[c], b = -input.mean[c] / input.std[c];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const ix = x - t.padX, iy = y - t.padY;
        const inside = ix >= 0 && iy >= 0 && ix < rw && iy < rh;
        const v = inside ? rgb[(iy * rw + ix) * 3 + order[c]] * k + b : input.padValue === 'mean' ? 0 : input.padValue * k + b;
        out[input.layout === 'nchw' ? c * W * H + y * W + x : (y * W + x) * 3 + c] = v;
      }
    }
  }
  return out;
}

describe('packTensor', () => {
  it('fills all three planes in one pass, pads, and a reused buffer holding another image gives the same tensor', () => {
    const variants = [
      { channelOrder: 'bgr', resize: 'letterbox', pad: 'topleft', padValue: 114 },
      { channelOrder: 'rgb', resize: 'letterbox', pad: 'center', padValue: 0, mean: [123.7, 116.3, 103.5], std: [58.4, 57.1, 57.4] },
      { channelOrder: 'rgb', resize: 'letterbox', pad: 'center', padValue: 'mean', layout: 'nhwc', scale: 1 / 255 },
    ];
    for (const v of variants) {
      const input = parseManifest({ ...yoloxManifest(), classes: ['a'], input: { width: 24, height: 20, ...v } } as never).input!;
      const stale = new Float32Array(3 * 24 * 20).fill(-7); // what a previous image left behind
      for (const [w, h] of [[40, 10], [9, 30], [24, 20]]) {
        const plan = planResize(w, h, input);
        const rgb = Uint8Array.from({ length: plan.resizedWidth * plan.resizedHeight * 3 }, (_, i) => (i * 37 + w) % 256);
        const want = reference(rgb, plan.resizedWidth, plan.resizedHeight, plan, input);
        expect(packTensor(rgb, plan.resizedWidth, plan.resizedHeight, plan, input).data, JSON.stringify(v)).toEqual(want);
        const reused = packTensor(rgb, plan.resizedWidth, plan.resizedHeight, plan, input, stale);
        expect(reused.data).toBe(stale);
        expect(reused.data).toEqual(want);
      }
    }
  });
});

describe.skipIf(!HAVE_YOLOX)(`pre-labelling pipeline with YOLOX-nano ${NEEDS_DATA}`, () => {
  const runtime = new InferenceRuntime({ threads: 1, providers: ['cpu'] });
  afterAll(() => runtime.close());
  const KITTI_PNG = `${DATA}kitti/image_2/000000.png`;

  it('recycles the input buffers the worker gives back, and an image never sees the previous one', async () => {
    const m = entry(yoloxManifest(), YOLOX);
    // alternate a tall letterbox (COCO 640x426 -> 416x277) and a flat one (KITTI 1242x375 -> 416x126):
    // a reused buffer that kept COCO's rows would change KITTI's predictions
    const sources = [COCO139, KITTI_PNG, COCO139, KITTI_PNG, readFileSync(KITTI_PNG)];
    const pooled = await openPredictor(runtime, m);
    // the arrays the worker gave back, and how many later runs were fed one of them
    const returned = new WeakSet<object>();
    let runs = 0, reused = 0;
    const sent: Float32Array[] = [];
    const run = runtime.run.bind(runtime);
    runtime.run = (id, feeds, o = {}) => {
      runs++;
      sent.push(Float32Array.from(feeds.images.data as Float32Array)); // a copy: the original is transferred
      if (returned.has(feeds.images.data)) reused++;
      return run(id, feeds, { ...o, recycle: (back) => { returned.add(back.images.data); o.recycle?.(back); } });
    };
    let items;
    try {
      // no overlap: one buffer serves every image in turn, each time holding the previous image
      items = await pooled.predictMany(sources, { overlap: false });
    } finally {
      runtime.run = run;
    }
    expect(runs).toBe(sources.length);
    expect(reused).toBe(sources.length - 1);
    // every tensor is exactly the one a fresh buffer gets (padding included)
    for (const [i, src] of sources.entries()) {
      const fresh = (await preprocess(src, m.manifest.input!)).tensor.data as Float32Array;
      let differ = 0; // counted by hand: toEqual on 519,168 floats takes seconds
      for (let j = 0; j < fresh.length; j++) if (fresh[j] !== sent[i][j]) differ++;
      expect(sent[i].length, `tensor ${i}`).toBe(fresh.length);
      expect(differ, `tensor ${i}: elements that differ from a fresh buffer's`).toBe(0);
    }
    for (const [i, src] of sources.entries()) {
      const fresh = await (await openPredictor(runtime, m)).predict(src); // a new predictor: an empty pool
      expect(items[i].predictions, `image ${i}`).toEqual(fresh);
      expect(fresh.length).toBeGreaterThan(0);
    }
    // the same detections with image k + 1 prepared while image k runs (a few buffers in turn)
    const overlapped = await pooled.predictMany([...sources, ...sources]);
    expect(overlapped.map((s) => s.predictions)).toEqual([...items, ...items].map((s) => s.predictions));
  });
});
