/**
 * The sample check at import, with the real models on real images: a right manifest gives no
 * warning, a wrong normalisation and an export without its post-processing do, and say why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelService } from '../models';
import { judge } from './sampleCheck';
import { COCO139, DATA, HAVE_ULTRAFACE, HAVE_YOLOX, NEEDS_DATA, ULTRAFACE, YOLOX } from './testing/fixtures';
import { writeUltrafaceWithoutPostprocessing } from './testing/ultrafaceRaw';

const service = new ModelService(null);
const dir = mkdtempSync(path.join(os.tmpdir(), 'datum-sample-check-'));
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});
const KITTI_18 = path.join(DATA, 'kitti-tracking-0001/training/image_2/000018.png');
const CLASSES = path.join(DATA, 'models/yolox-nano/coco_classes.txt');

describe('judge (the rules on one run)', () => {
  const box = (b: [number, number, number, number], score = 0.9) => ({ label: 'a', score, box: b });
  it('warns when most of the best boxes cover the whole image', () => {
    const w = judge({ width: 100, height: 50, scoreRange: { output: 'o', min: 0, max: 0.9, nonFinite: 0 }, predictions: [box([0, 0, 100, 50]), box([1, 0, 99, 50], 0.8), box([10, 10, 20, 20], 0.5)] });
    expect(w.map((x) => x.code)).toEqual(['whole-image']);
    expect(w[0].message).toMatch(/^2 of the 3 best boxes cover the whole image: .*post-processing/);
  });
  it('says nothing about ordinary boxes and probabilities', () => {
    expect(judge({ width: 100, height: 50, scoreRange: { output: 'o', min: 0, max: 1, nonFinite: 0 }, predictions: [box([0, 0, 60, 40]), box([10, 10, 20, 20])] })).toEqual([]);
  });
  it('warns on scores outside [0, 1] and on degenerate boxes', () => {
    const w = judge({ width: 100, height: 50, scoreRange: { output: 'scores', min: -3, max: 4.5, nonFinite: 0 }, boxes: { output: 'boxes', bad: 50, total: 100 }, predictions: [] });
    expect(w.map((x) => x.code)).toEqual(['raw-boxes', 'score-range']);
    expect(w[1].message).toMatch(/from -3 to 4.50 in scores.*logits/);
  });
});

describe.skipIf(!HAVE_YOLOX || !HAVE_ULTRAFACE)(`sample check with the real models ${NEEDS_DATA}`, () => {
  it('YOLOX with its preset: no warning, the tv and the person of COCO 139', { timeout: 120_000 }, async () => {
    const plan = await service.planImport(YOLOX, { preset: 'yolox', classesFile: CLASSES });
    const c = await service.checkSample(plan.manifest, YOLOX, COCO139, 'yolox');
    expect(c.warnings).toEqual([]);
    expect(c.predictions.map((p) => p.label)).toEqual(expect.arrayContaining(['tvmonitor', 'person']));
    expect(c.scoreRange!.min).toBeGreaterThanOrEqual(0);
    expect(c.scoreRange!.max).toBeLessThanOrEqual(1);
  });

  it('YOLOX fed pixels / 255: nothing at any threshold, and the 0-255 input that works is named', { timeout: 120_000 }, async () => {
    const plan = await service.planImport(YOLOX, { preset: 'yolox', classesFile: CLASSES, manifest: { input: { scale: 1 / 255 } } as never });
    expect(plan.manifest.input).toMatchObject({ scale: 1 / 255, channelOrder: 'bgr', pad: 'topleft', padValue: 114 });
    const c = await service.checkSample(plan.manifest, YOLOX, COCO139, 'yolox');
    expect(c.predictions).toEqual([]);
    expect(c.bestScore).toBeNull();
    const codes = c.warnings.map((w) => w.code);
    expect(codes).toEqual(['nothing', 'normalisation']);
    expect(c.warnings[0].message).toMatch(/nothing detected at any threshold .* the input normalisation is likely wrong — the same image with pixels 0-255, (RGB|BGR): \d+ above 0.3/);
    expect(c.warnings[1].message).toMatch(/differs from the preset's .* 0 predictions reach 0.3 .* [1-9]\d* with the preset's/);
  });

  it('UltraFace with mean 0 / std 1: confident "faces" on a street scene, and the warning says the preset finds none', { timeout: 120_000 }, async () => {
    const plan = await service.planImport(ULTRAFACE, { preset: 'ultraface', manifest: { input: { mean: [0, 0, 0], std: [1, 1, 1] } } as never });
    const c = await service.checkSample(plan.manifest, ULTRAFACE, KITTI_18, 'ultraface');
    expect(c.predictions.length).toBeGreaterThan(0); // the silently wrong case: boxes above 0.7
    expect(c.warnings.map((w) => w.code)).toEqual(['normalisation']);
    expect(c.warnings[0].message).toMatch(/mean \[0, 0, 0\], std \[1, 1, 1\] instead of RGB, scale 1, mean \[127, 127, 127\], std \[128, 128, 128\]\): on this image [1-9]\d* predictions reach 0.7 .*, 0 with the preset's/);
    // the preset itself says nothing
    const ok = await service.checkSample((await service.planImport(ULTRAFACE, { preset: 'ultraface' })).manifest, ULTRAFACE, KITTI_18, 'ultraface');
    expect(ok.warnings).toEqual([]);
  });

  it('UltraFace without its post-processing: logits and raw box regressions are named', { timeout: 120_000 }, async () => {
    const raw = writeUltrafaceWithoutPostprocessing(ULTRAFACE, path.join(dir, 'rfb-320-raw.onnx'));
    const plan = await service.planImport(raw, { preset: 'ultraface' });
    expect(plan.problems).toEqual([]); // the shapes are the same: only the sample check can tell
    const c = await service.checkSample(plan.manifest, raw, COCO139, 'ultraface');
    expect(c.warnings.map((w) => w.code)).toEqual(['raw-boxes', 'score-range', 'nothing']);
    expect(c.warnings[0].message).toMatch(/^\d+ % of the 4420 boxes in boxes have zero or negative size: .*missing its box decoding/);
    expect(c.warnings[1].message).toMatch(/^scores outside \[0, 1\] \(from -\d.* in scores\): the graph gives logits/);
    // only the box decoding cut: the scores are probabilities, the boxes still give it away
    const half = writeUltrafaceWithoutPostprocessing(ULTRAFACE, path.join(dir, 'rfb-320-boxes-raw.onnx'), true);
    const h = await service.checkSample(plan.manifest, half, COCO139, 'ultraface');
    expect(h.warnings.map((w) => w.code)).toEqual(['raw-boxes']);
  });
});
