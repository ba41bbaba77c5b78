/**
 * The issue #20 detectors, each through a real ONNX Runtime session on a graph with the input and
 * output signature of its export (constant outputs: no weights of these families can be downloaded
 * here), with the expected boxes worked out by hand in the comments.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toObjects } from '../../models';
import type { ModelManifestInput } from '../manifest';
import { openPredictor } from '../predictor';
import { InferenceRuntime } from '../runtime';
import { constantModel } from '../testing/onnxGraph';
import { entry } from '../testing/fixtures';
import type { BoxPrediction } from '../types';
import { FACE_LANDMARKS } from './detectors2d';

const runtime = new InferenceRuntime({ threads: 1, providers: ['cpu'] });
const dir = mkdtempSync(path.join(tmpdir(), 'datum-det2d-'));
afterAll(async () => {
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
});

function graph(name: string, input: { name: string; dims: number[] }, outputs: { name: string; dims: number[]; data: Float32Array }[]): string {
  const file = path.join(dir, `${name}.onnx`);
  writeFileSync(file, constantModel([input], outputs));
  return file;
}
const raw = (width: number, height: number) => ({ data: new Uint8Array(width * height * 3).fill(90), width, height, channels: 3 as const });
const rounded = (p: BoxPrediction) => [p.label, Math.round(p.score * 1000) / 1000, p.box.map((v) => Math.round(v * 100) / 100)];
function manifest(id: string, adapter: string, input: Record<string, unknown>, extra: Partial<ModelManifestInput> = {}): ModelManifestInput {
  return { id, name: id, task: 'detect2d', adapter: adapter as never, file: `${id}.onnx`, input: input as never, classes: ['a', 'b'], thresholds: { score: 0.5, nms: 0.45 }, ...extra };
}

describe('NanoDet-Plus [1, N, C + 4 (regMax + 1)], distribution focal loss', () => {
  it('decodes the expected distance of each side and the level of each cell', async () => {
    // 64 x 64 input, strides 8/16/32/64: 8x8 + 4x4 + 2x2 + 1x1 = 85 cells; C = 2, regMax 7 -> 2 + 32 values
    const W = 34, out = new Float32Array(85 * W);
    const oneHot = (row: number, side: number, bin: number) => { out[row * W + 2 + side * 8 + bin] = 30; };
    // cell 19 = stride 8, row 2, col 3: centre (24, 16); class a 0.9
    out[19 * W] = 0.9;
    // left: all 8 logits equal -> mean bin 3.5 -> 28 px; top bin 1 -> 8; right bin 2 -> 16; bottom bin 4 -> 32
    oneHot(19, 1, 1); oneHot(19, 2, 2); oneHot(19, 3, 4);
    // cell 64 + 5 = stride 16, row 1, col 1: centre (16, 16); class b 0.6; every side bin 1 -> 16 px
    out[69 * W + 1] = 0.6;
    for (let s = 0; s < 4; s++) oneHot(69, s, 1);
    out[70 * W] = 0.4; // below the threshold
    const file = graph('nanodet', { name: 'data', dims: [1, 3, 64, 64] }, [{ name: 'output', dims: [1, 85, W], data: out }]);
    const p = await openPredictor(runtime, entry(manifest('nanodet', 'nanodet', { width: 64, height: 64, resize: 'stretch' }), file));
    const preds = (await p.predict(raw(128, 128))) as BoxPrediction[];
    // net (24 - 28, 16 - 8, 24 + 16, 16 + 32) = (-4, 8, 40, 48), x2 in the 128 px source: (0, 16, 80, 96)
    // net (0, 0, 32, 32) -> (0, 0, 64, 64)
    expect(preds.map(rounded)).toEqual([
      ['a', 0.9, [0, 16, 80, 96]],
      ['b', 0.6, [0, 0, 64, 64]],
    ]);
  });

  it('names the cell count it expected when the strides do not fit', async () => {
    const file = graph('nanodet-bad', { name: 'data', dims: [1, 3, 64, 64] }, [{ name: 'output', dims: [1, 80, 34], data: new Float32Array(80 * 34) }]);
    const p = await openPredictor(runtime, entry(manifest('nanodet-bad', 'nanodet', { width: 64, height: 64, resize: 'stretch' }), file));
    await expect(p.predict(raw(64, 64))).rejects.toThrow('NanoDet output has 80 cells; a 64x64 input with strides 8/16/32/64 or 8/16/32 gives 85 or 84');
  });
});

describe('FastestDet [1, 5 + C, H, W]', () => {
  it('score obj^0.6 cls^0.4, tanh offsets, sigmoid sizes of the input', async () => {
    const C = 7, H = 4, Wd = 4, out = new Float32Array(C * H * Wd);
    const set = (c: number, y: number, x: number, v: number) => { out[(c * H + y) * Wd + x] = v; };
    // cell (row 1, col 2): obj 0.81, tanh(dx) = 0.5, dy 0, w = sigmoid(0) = 0.5, h = sigmoid(ln(1/3)) = 0.25, class a 0.9
    set(0, 1, 2, 0.81); set(1, 1, 2, Math.atanh(0.5)); set(3, 1, 2, 0); set(4, 1, 2, Math.log(1 / 3)); set(5, 1, 2, 0.9); set(6, 1, 2, 0.1);
    const file = graph('fastestdet', { name: 'input.1', dims: [1, 3, 64, 64] }, [{ name: '758', dims: [1, C, H, Wd], data: out }]);
    const p = await openPredictor(runtime, entry(manifest('fastestdet', 'fastestdet', { width: 64, height: 64, resize: 'stretch', scale: 1 / 255, channelOrder: 'bgr' }), file));
    const preds = (await p.predict(raw(128, 64))) as BoxPrediction[];
    // centre ((2 + 0.5) / 4, 1 / 4) = (0.625, 0.25); corners (0.375, 0.125, 0.875, 0.375) x 64 = (24, 8, 56, 24);
    // source 128 x 64 stretched: x / 0.5 -> (48, 8, 112, 24); score 0.81^0.6 * 0.9^0.4 = 0.88124 * 0.95873 = 0.845
    expect(preds.map(rounded)).toEqual([['a', 0.845, [48, 8, 112, 24]]]);
  });
});

describe('YOLO-FastestV2 two [1, H, W, 4A + A + C] maps', () => {
  it('decodes each anchor with (2r - 0.5 + cell) * stride and (2r)^2 * anchor', async () => {
    const A = 3, C = 2, ch = 5 * A + C;
    const m16 = new Float32Array(4 * 4 * ch), m32 = new Float32Array(2 * 2 * ch);
    // stride 16 map, cell (row 2, col 1), anchor 1 [20, 10]: r = (0.5, 0.25, 0.5, 1) ->
    // centre ((1 - 0.5 + 1) * 16, (0.5 - 0.5 + 2) * 16) = (24, 32), size (1 * 20, 4 * 10) = (20, 40) -> (14, 12, 34, 52)
    let r = (2 * 4 + 1) * ch;
    m16.set([0.5, 0.25, 0.5, 1], r + 4); m16[r + 12 + 1] = 0.9; m16[r + 15] = 0.2; m16[r + 16] = 0.8;
    // stride 32 map, cell (0, 0), anchor 2 [60, 60]: r = (0.25, 0.25, 0.5, 0.5) -> centre (0, 0), size 60 -> (-30, -30, 30, 30) clamped
    r = 0;
    m32.set([0.25, 0.25, 0.5, 0.5], r + 8); m32[r + 12 + 2] = 0.7; m32[r + 15] = 0.6; m32[r + 16] = 0.4;
    // the session lists the coarse map first: the decoder orders them by size
    const file = graph('yolofastestv2', { name: 'input.1', dims: [1, 3, 64, 64] }, [
      { name: '794', dims: [1, 2, 2, ch], data: m32 },
      { name: '795', dims: [1, 4, 4, ch], data: m16 },
    ]);
    const anchors = [[[10, 20], [20, 10], [30, 30]], [[40, 40], [50, 50], [60, 60]]] as [number, number][][];
    const p = await openPredictor(runtime, entry(manifest('yfv2', 'yolo-fastestv2', { width: 64, height: 64, resize: 'stretch', scale: 1 / 255 }, { decode: { anchors } }), file));
    const preds = (await p.predict(raw(64, 64))) as BoxPrediction[];
    // 0.9^0.6 * 0.8^0.4 = 0.93874 * 0.91461 = 0.859; 0.7^0.6 * 0.6^0.4 = 0.80751 * 0.81519 = 0.658
    expect(preds.map(rounded)).toEqual([
      ['b', 0.859, [14, 12, 34, 52]],
      ['a', 0.658, [0, 0, 30, 30]],
    ]);
  });
});

describe('YuNet: cls, obj, bbox, kps at strides 8, 16, 32', () => {
  it('decodes a face box and its 5 landmarks, clamping cls and obj to [0, 1]', async () => {
    // 32 x 32 input: 4x4, 2x2, 1x1 cells
    const cells = [16, 4, 1];
    const outs: Record<string, Float32Array> = {};
    for (const [i, s] of [8, 16, 32].entries()) {
      outs[`cls_${s}`] = new Float32Array(cells[i]);
      outs[`obj_${s}`] = new Float32Array(cells[i]);
      outs[`bbox_${s}`] = new Float32Array(cells[i] * 4);
      outs[`kps_${s}`] = new Float32Array(cells[i] * 10);
    }
    // stride 8, row 1, col 2 (cell 6): sqrt(0.81 * 1) = 0.9; centre (2.5, 1.5) * 8 = (20, 12), size (exp(ln 2), exp(0)) * 8 = (16, 8)
    outs.cls_8[6] = 0.81; outs.obj_8[6] = 1;
    outs.bbox_8.set([0.5, 0.5, Math.log(2), 0], 24);
    outs.kps_8.set([0, 0, 1, 0, 0.5, 0.5, 0, 1, 1, 1], 60);
    // stride 16, cell 0: cls 1.2 clamps to 1 -> sqrt(1 * 0.3) = 0.548 < 0.58 (unclamped it would be 0.6)
    outs.cls_16[0] = 1.2; outs.obj_16[0] = 0.3;
    const order = ['cls', 'obj', 'bbox', 'kps'].flatMap((k) => [8, 16, 32].map((s) => `${k}_${s}`));
    const file = graph('yunet', { name: 'input', dims: [1, 3, 32, 32] }, order.map((name) => ({ name, dims: [1, outs[name].length / (name.startsWith('bbox') ? 4 : name.startsWith('kps') ? 10 : 1), name.startsWith('bbox') ? 4 : name.startsWith('kps') ? 10 : 1], data: outs[name] })));
    const p = await openPredictor(runtime, entry(manifest('yunet', 'yunet', { width: 32, height: 32, channelOrder: 'bgr', resize: 'letterbox', pad: 'topleft', padValue: 0 }, { classes: ['face'], thresholds: { score: 0.58, nms: 0.3 } }), file));
    const preds = (await p.predict(raw(64, 64))) as BoxPrediction[];
    // net box (12, 8, 28, 16), landmarks (16, 8) (24, 8) (20, 12) (16, 16) (24, 16); the 64 px source is twice that
    expect(preds.map(rounded)).toEqual([['face', 0.9, [24, 16, 56, 32]]]);
    expect(preds[0].keypoints).toEqual([32, 16, 48, 16, 40, 24, 32, 32, 48, 32]);

    // in the document: the box and a skeleton of the same label, grouped; the label declares the face skeleton
    const { objects, ontology } = toObjects(preds, 'yunet', { labels: [] });
    expect(objects.map((o) => o.geometry.kind)).toEqual(['box2d', 'skeleton']);
    expect(objects[0].group).toBeTruthy();
    expect(objects[1].group).toBe(objects[0].group);
    expect(objects[1].geometry).toEqual({ kind: 'skeleton', points: [32, 16, 48, 16, 40, 24, 32, 32, 48, 32], visibility: [2, 2, 2, 2, 2] });
    expect(ontology.labels[0].skeleton?.points).toEqual([...FACE_LANDMARKS]);
    expect(ontology.labels[0].kinds).toContain('skeleton');
  });
});

describe('SCRFD: scores, boxes, landmarks at strides 8, 16, 32 with 2 anchors per cell', () => {
  it('decodes distances from the anchor centre and landmark offsets', async () => {
    // 32 x 32 input: 16, 4, 1 cells x 2 anchors
    const n = [32, 8, 2];
    const scores = n.map((k) => new Float32Array(k)), boxes = n.map((k) => new Float32Array(4 * k)), kps = n.map((k) => new Float32Array(10 * k));
    // stride 8, row 1, col 1 (cell 5), anchor 1 -> row 11; centre (8, 8)
    scores[0][11] = 0.8;
    boxes[0].set([1, 0.5, 1, 1.5], 44); // -> (8 - 8, 8 - 4, 8 + 8, 8 + 12) = (0, 4, 16, 20)
    kps[0].set([-0.5, -0.5, 0.5, -0.5, 0, 0, -0.5, 0.5, 0.5, 0.5], 110); // -> (4, 4) (12, 4) (8, 8) (4, 12) (12, 12)
    // stride 32, the only cell, anchor 0: 0.3 < 0.5
    scores[2][0] = 0.3;
    const outs = [
      ...scores.map((d, i) => ({ name: `${448 + i}`, dims: [d.length, 1], data: d })),
      ...boxes.map((d, i) => ({ name: `${451 + i}`, dims: [d.length / 4, 4], data: d })),
      ...kps.map((d, i) => ({ name: `${454 + i}`, dims: [d.length / 10, 10], data: d })),
    ];
    const file = graph('scrfd', { name: 'input.1', dims: [1, 3, 32, 32] }, outs);
    const p = await openPredictor(runtime, entry(manifest('scrfd', 'scrfd', { width: 32, height: 32, mean: [127.5, 127.5, 127.5], std: [128, 128, 128], resize: 'letterbox', pad: 'topleft', padValue: 0 }, { classes: ['face'] }), file));
    const preds = (await p.predict(raw(64, 32))) as BoxPrediction[];
    // 64 x 32 letterboxed at the top left of 32 x 32: scale 0.5, so source = net x 2 = (0, 8, 32, 40), y2 clamped to the 32 px image
    expect(preds.map(rounded)).toEqual([['face', 0.8, [0, 8, 32, 32]]]);
    expect(preds[0].keypoints).toEqual([8, 8, 24, 8, 16, 16, 8, 24, 24, 24]);
  });
});

describe('RT-DETR [1, queries, 4 + C], end to end', () => {
  it('keeps every query above the threshold (no NMS), boxes normalised cx cy w h', async () => {
    const out = Float32Array.from([
      0.5, 0.5, 0.5, 0.25, 0.2, 0.9, // b 0.9: net (16, 24, 48, 40)
      0.5, 0.5, 0.5, 0.25, 0.85, 0.1, // a 0.85, the same box: kept, an end-to-end model does not repeat objects
      0.1, 0.1, 0.1, 0.1, 0.1, 0.05, // below the threshold
    ]);
    const file = graph('rtdetr', { name: 'images', dims: [1, 3, 64, 64] }, [{ name: 'output0', dims: [1, 3, 6], data: out }]);
    const p = await openPredictor(runtime, entry(manifest('rtdetr', 'rtdetr', { width: 64, height: 64, resize: 'stretch', scale: 1 / 255 }), file));
    const preds = (await p.predict(raw(128, 64))) as BoxPrediction[];
    // stretched from 128 x 64: x / 0.5
    expect(preds.map(rounded)).toEqual([
      ['b', 0.9, [32, 24, 96, 40]],
      ['a', 0.85, [32, 24, 96, 40]],
    ]);
  });
});

describe('Ultra-Fast-Lane-Detection row anchors [1, G + 1, rows, lanes] -> polylines', () => {
  it('expected column per row anchor, "no lane" rows skipped, lanes of 2 points or fewer dropped', async () => {
    // G = 4 cells over the 800 px input: spacing 799 / 3 = 266.333; CULane's 18 rows (121, 131, ...); 2 lanes
    const G = 4, R = 18, L = 2, out = new Float32Array((G + 1) * R * L);
    const set = (c: number, r: number, l: number, v: number) => { out[(c * R + r) * L + l] = v; };
    for (let r = 0; r < R; r++) for (let l = 0; l < L; l++) set(G, r, l, 30); // "no lane" everywhere ...
    // ... except lane 0 at rows 0-2: cell 1 (location 2) in rows 0 and 1, cells 1 and 2 equally (location 2.5) in row 2
    for (const r of [0, 1, 2]) set(G, 0 + r, 0, 0);
    set(1, 0, 0, 30); set(1, 1, 0, 30); set(1, 2, 0, 30); set(2, 2, 0, 30);
    // and lane 1 at only two rows: dropped
    set(G, 5, 1, 0); set(G, 6, 1, 0); set(0, 5, 1, 30); set(0, 6, 1, 30);
    const file = graph('ufld', { name: 'input', dims: [1, 3, 288, 800] }, [{ name: 'output', dims: [1, G + 1, R, L], data: out }]);
    const p = await openPredictor(runtime, entry(manifest('ufld', 'ufld', { width: 800, height: 288, resize: 'stretch', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }, { classes: ['ego left', 'ego right'] }), file));
    const preds = await p.predict(raw(1600, 576));
    // x = loc * 266.333 * 1600 / 800 - 1: 2 -> 1064.33, 2.5 -> 1330.67; y = row * 576 / 288 - 1: 241, 261, 281
    expect(preds).toHaveLength(1);
    const lane = preds[0] as { label: string; score: number; polyline: number[] };
    expect(lane.label).toBe('ego left');
    expect(lane.score).toBeCloseTo(1, 6);
    expect(lane.polyline.map((v) => Math.round(v * 100) / 100)).toEqual([1064.33, 241, 1064.33, 261, 1330.67, 281]);
    const { objects, ontology } = toObjects(preds, 'ufld', { labels: [] });
    expect(objects[0].geometry).toEqual({ kind: 'polyline', points: [1064.333, 241, 1064.333, 261, 1330.667, 281] });
    expect(ontology.labels[0].kinds).toContain('polyline');
  });
});

describe('LSTR pred_logits [1, Q, 2] + pred_curves [1, Q, 8] -> polylines', () => {
  it('samples each kept curve from its lower to its upper bound; the padding-mask input is fed zeros', async () => {
    const logits = Float32Array.from([0, Math.log(4), 0, 2, 1, 0]); // lane 0.8, lane 0.881, no lane
    const curves = Float32Array.from([
      0.5, 1, 0, 0, 0, 0.5, 0.2, 0.1, // x = 0.5 + 0.2 y - 0.1 for y in [0.5, 1]
      0.4, 0.6, 0.01, 0.2, 0, 0.3, 0, 0, // x = 0.01 / (y - 0.2)^2 + 0.3 for y in [0.4, 0.6]
      0, 1, 0, 0, 0, 0.5, 0, 0,
    ]);
    const { constantModel: model } = await import('../testing/onnxGraph');
    const file = path.join(dir, 'lstr.onnx');
    writeFileSync(file, model([{ name: 'input_rgb', dims: [1, 3, 36, 64] }, { name: 'input_mask', dims: [1, 1, 36, 64] }], [
      { name: 'pred_logits', dims: [1, 3, 2], data: logits },
      { name: 'pred_curves', dims: [1, 3, 8], data: curves },
    ]));
    const p = await openPredictor(runtime, entry(manifest('lstr', 'lstr', { width: 64, height: 36, resize: 'stretch', name: 'input_rgb' }, { classes: ['lane'] }), file));
    const preds = (await p.predict(raw(128, 72))) as unknown as { label: string; score: number; polyline: number[] }[];
    expect(preds.map((q) => [q.label, Math.round(q.score * 1000) / 1000, q.polyline.length])).toEqual([['lane', 0.881, 40], ['lane', 0.8, 40]]);
    // source = normalised x 128 (width) and x 72 (height)
    const ends = (q: { polyline: number[] }) => [...q.polyline.slice(0, 2), ...q.polyline.slice(-2)].map((v) => Math.round(v * 100) / 100);
    // lane 0.881: y 0.4 -> x 0.25 + 0.3 = 0.55 (70.4, 28.8); y 0.6 -> 0.0625 + 0.3 = 0.3625 (46.4, 43.2)
    expect(ends(preds[0])).toEqual([70.4, 28.8, 46.4, 43.2]);
    // lane 0.8: y 0.5 -> x 0.5 (64, 36); y 1 -> x 0.6 (76.8, 72)
    expect(ends(preds[1])).toEqual([64, 36, 76.8, 72]);
  });
});
