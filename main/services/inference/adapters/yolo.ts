/**
 * YOLO-family decoders: YOLOX (raw head, grid/stride decode), YOLOv5 ([1, N, 5 + C]) and
 * YOLOv8/v11 ([1, 4 + C (+ 32 mask coefficients), N], transposed; segmentation with a
 * [1, 32, h, w] prototype tensor). All pure: typed arrays in, predictions in source pixels out.
 */
import { encodeRle } from '../../../../core/geometry/rle';
import { maskToPolygon } from '../contours';
import { clampBox, nms, type Candidate } from '../nms';
import type { BoxPrediction, ImageTransform, MaskPrediction } from '../types';

export interface DecodeOptions {
  classes: readonly string[];
  scoreThreshold: number;
  nmsThreshold: number;
  maxDetections?: number;
}

function label(classes: readonly string[], id: number): string {
  return classes[id] ?? `class_${id}`;
}

/** Input-space [cx, cy, w, h] -> clamped source-space corners. */
function toSourceBox(cx: number, cy: number, w: number, h: number, t: ImageTransform): [number, number, number, number] {
  return clampBox(
    [(cx - w / 2 - t.padX) / t.scaleX, (cy - h / 2 - t.padY) / t.scaleY, (cx + w / 2 - t.padX) / t.scaleX, (cy + h / 2 - t.padY) / t.scaleY],
    t.width,
    t.height,
  );
}

function finish(cands: Candidate[], o: DecodeOptions): BoxPrediction[] {
  return nms(cands, o.nmsThreshold, { maxDetections: o.maxDetections }).map((c) => ({ label: label(o.classes, c.classId), score: c.score, box: c.box }));
}

/**
 * YOLOX raw head output [1, A, 5 + C] (objectness and class scores already sigmoid, as exported by
 * YOLOX with decode_in_inference=False). Anchors are the grid cells of each stride in order.
 */
export function decodeYolox(out: Float32Array, dims: readonly number[], t: ImageTransform, o: DecodeOptions, strides = [8, 16, 32]): BoxPrediction[] {
  const [, anchors, stride5] = dims;
  const nc = stride5 - 5;
  const W = t.inputWidth, H = t.inputHeight;
  let expected = 0;
  for (const s of strides) expected += Math.floor(W / s) * Math.floor(H / s);
  if (expected !== anchors) throw new Error(`YOLOX output has ${anchors} anchors; a ${W}x${H} input with strides ${strides.join('/')} gives ${expected}`);
  const cands: Candidate[] = [];
  let a = 0;
  for (const s of strides) {
    const gw = Math.floor(W / s), gh = Math.floor(H / s);
    for (let gy = 0; gy < gh; gy++) {
      for (let gx = 0; gx < gw; gx++, a++) {
        const r = a * stride5;
        const obj = out[r + 4];
        if (obj < o.scoreThreshold) continue;
        let best = 0, bestScore = -1;
        for (let c = 0; c < nc; c++) {
          const v = out[r + 5 + c];
          if (v > bestScore) { bestScore = v; best = c; }
        }
        const score = obj * bestScore;
        if (score < o.scoreThreshold) continue;
        const cx = (out[r] + gx) * s, cy = (out[r + 1] + gy) * s;
        const w = Math.exp(out[r + 2]) * s, h = Math.exp(out[r + 3]) * s;
        cands.push({ box: toSourceBox(cx, cy, w, h, t), score, classId: best, index: a });
      }
    }
  }
  return finish(cands, o);
}

/** YOLOv5 output [1, N, 5 + C]: cx, cy, w, h (input pixels), objectness, class scores. */
export function decodeYolov5(out: Float32Array, dims: readonly number[], t: ImageTransform, o: DecodeOptions): BoxPrediction[] {
  const [, n, stride] = dims;
  const nc = stride - 5;
  const cands: Candidate[] = [];
  for (let i = 0; i < n; i++) {
    const r = i * stride;
    const obj = out[r + 4];
    if (obj < o.scoreThreshold) continue;
    let best = 0, bestScore = -1;
    for (let c = 0; c < nc; c++) if (out[r + 5 + c] > bestScore) { bestScore = out[r + 5 + c]; best = c; }
    const score = obj * bestScore;
    if (score < o.scoreThreshold) continue;
    cands.push({ box: toSourceBox(out[r], out[r + 1], out[r + 2], out[r + 3], t), score, classId: best, index: i });
  }
  return finish(cands, o);
}

/** YOLOv8/v11 candidates from [1, 4 + C + M, N] (channel-major); M mask coefficients follow the classes. */
function yolov8Candidates(out: Float32Array, dims: readonly number[], t: ImageTransform, nc: number, scoreThreshold: number): Candidate[] {
  const [, , n] = dims;
  const cands: Candidate[] = [];
  for (let i = 0; i < n; i++) {
    let best = 0, bestScore = -1;
    for (let c = 0; c < nc; c++) {
      const v = out[(4 + c) * n + i];
      if (v > bestScore) { bestScore = v; best = c; }
    }
    if (bestScore < scoreThreshold) continue;
    cands.push({ box: toSourceBox(out[i], out[n + i], out[2 * n + i], out[3 * n + i], t), score: bestScore, classId: best, index: i });
  }
  return cands;
}

/** YOLOv8/v11 detection output [1, 4 + C, N]. */
export function decodeYolov8(out: Float32Array, dims: readonly number[], t: ImageTransform, o: DecodeOptions): BoxPrediction[] {
  const nc = dims[1] - 4;
  return finish(yolov8Candidates(out, dims, t, nc, o.scoreThreshold), o);
}

/**
 * YOLOv8/v11 segmentation: output0 [1, 4 + C + M, N], protos [1, M, mh, mw]. The mask of a detection
 * is sigmoid(coefficients . protos), sampled bilinearly at each source pixel and cropped to its box.
 */
export function decodeYolov8Seg(
  out: Float32Array,
  dims: readonly number[],
  proto: Float32Array,
  protoDims: readonly number[],
  t: ImageTransform,
  o: DecodeOptions & { numClasses?: number; maskThreshold?: number; polygons?: boolean },
): MaskPrediction[] {
  const [, nm, mh, mw] = protoDims;
  const nc = o.numClasses ?? dims[1] - 4 - nm;
  if (nc <= 0) throw new Error(`YOLOv8-seg output has ${dims[1]} channels, not enough for 4 + classes + ${nm} coefficients`);
  const n = dims[2];
  const kept = nms(yolov8Candidates(out, dims, t, nc, o.scoreThreshold), o.nmsThreshold, { maxDetections: o.maxDetections });
  const logitThreshold = Math.log((o.maskThreshold ?? 0.5) / (1 - (o.maskThreshold ?? 0.5)));
  const W = t.width, H = t.height;
  const sx = mw / t.inputWidth, sy = mh / t.inputHeight;
  return kept.map((c) => {
    const coef = new Float32Array(nm);
    for (let k = 0; k < nm; k++) coef[k] = out[(4 + nc + k) * n + c.index!];
    const x0 = Math.max(0, Math.floor(c.box[0])), y0 = Math.max(0, Math.floor(c.box[1]));
    const x1 = Math.min(W, Math.ceil(c.box[2])), y1 = Math.min(H, Math.ceil(c.box[3]));
    // proto-space window covering the box (with a margin for bilinear sampling)
    const px0 = Math.max(0, Math.floor(((x0 * t.scaleX + t.padX) * sx) - 1));
    const py0 = Math.max(0, Math.floor(((y0 * t.scaleY + t.padY) * sy) - 1));
    const px1 = Math.min(mw - 1, Math.ceil(((x1 * t.scaleX + t.padX) * sx) + 1));
    const py1 = Math.min(mh - 1, Math.ceil(((y1 * t.scaleY + t.padY) * sy) + 1));
    const ww = px1 - px0 + 1, wh = py1 - py0 + 1;
    const logits = new Float32Array(Math.max(0, ww * wh));
    for (let k = 0; k < nm; k++) {
      const ck = coef[k];
      if (ck === 0) continue;
      const base = k * mh * mw;
      for (let y = 0; y < wh; y++) {
        const row = base + (py0 + y) * mw + px0;
        for (let x = 0; x < ww; x++) logits[y * ww + x] += ck * proto[row + x];
      }
    }
    const mask = new Uint8Array(W * H);
    for (let y = y0; y < y1; y++) {
      const py = Math.min(Math.max(((y + 0.5) * t.scaleY + t.padY) * sy - 0.5 - py0, 0), wh - 1);
      const iy = Math.min(Math.floor(py), wh - 2 < 0 ? 0 : wh - 2), fy = wh > 1 ? py - iy : 0;
      for (let x = x0; x < x1; x++) {
        const px = Math.min(Math.max(((x + 0.5) * t.scaleX + t.padX) * sx - 0.5 - px0, 0), ww - 1);
        const ix = Math.min(Math.floor(px), ww - 2 < 0 ? 0 : ww - 2), fx = ww > 1 ? px - ix : 0;
        const i = iy * ww + ix;
        const a = logits[i], b = ww > 1 ? logits[i + 1] : a;
        const cc = wh > 1 ? logits[i + ww] : a, d = ww > 1 && wh > 1 ? logits[i + ww + 1] : cc;
        const v = (a * (1 - fx) + b * fx) * (1 - fy) + (cc * (1 - fx) + d * fx) * fy;
        if (v > logitThreshold) mask[y * W + x] = 1;
      }
    }
    const pred: MaskPrediction = { label: label(o.classes, c.classId), score: c.score, box: c.box, mask: { size: [H, W], counts: encodeRle(mask, W, H) } };
    if (o.polygons !== false) pred.polygon = maskToPolygon(mask, W, H);
    return pred;
  });
}
