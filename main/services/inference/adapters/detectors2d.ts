/**
 * Decoders of small image detectors people run on edge devices (issue #20): NanoDet-Plus (GFL head
 * with distribution focal loss), FastestDet, YOLO-FastestV2, the YuNet and SCRFD face detectors
 * (boxes + 5 landmarks) and RT-DETR (end to end, no NMS). Each reads the raw outputs of the
 * project's own ONNX export (docs/models.md names the export) and returns boxes in source pixels.
 * All pure: typed arrays in, predictions out.
 */
import { clampBox, nms, type Candidate } from '../nms';
import type { BoxPrediction, ImageTransform, TensorData } from '../types';

export interface DetectorOptions {
  classes: readonly string[];
  scoreThreshold: number;
  nmsThreshold: number;
  maxDetections?: number;
}

/** The five face landmarks of YuNet and SCRFD, in output order (the person's right eye is on the image's left). */
export const FACE_LANDMARKS = ['right_eye', 'left_eye', 'nose', 'mouth_right', 'mouth_left'] as const;
/** Edges of the face skeleton (indices into FACE_LANDMARKS). */
export const FACE_EDGES: [number, number][] = [[0, 1], [0, 2], [1, 2], [2, 3], [2, 4], [3, 4]];

const label = (classes: readonly string[], id: number) => classes[id] ?? `class_${id}`;
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Network-input corners -> clamped source-pixel corners. */
function toSource(x1: number, y1: number, x2: number, y2: number, t: ImageTransform): [number, number, number, number] {
  return clampBox([(x1 - t.padX) / t.scaleX, (y1 - t.padY) / t.scaleY, (x2 - t.padX) / t.scaleX, (y2 - t.padY) / t.scaleY], t.width, t.height);
}
const pointToSource = (x: number, y: number, t: ImageTransform): [number, number] => [(x - t.padX) / t.scaleX, (y - t.padY) / t.scaleY];

interface KeyedCandidate extends Candidate {
  keypoints?: number[];
}

function finish(cands: KeyedCandidate[], o: DetectorOptions, perClass = true): BoxPrediction[] {
  return nms(cands, o.nmsThreshold, { perClass, maxDetections: o.maxDetections }).map((c) => ({
    label: label(o.classes, c.classId),
    score: c.score,
    box: c.box,
    ...(c.keypoints ? { keypoints: c.keypoints } : {}),
  }));
}

/** Cells per level for a W x H input: ceil(W / s) x ceil(H / s) (NanoDet-Plus' featmap sizes). */
function levels(W: number, H: number, strides: readonly number[], round: (v: number) => number = Math.ceil) {
  return strides.map((s) => ({ s, gw: round(W / s), gh: round(H / s) }));
}

/**
 * NanoDet-Plus ONNX (`tools/export_onnx.py`): one output [1, N, C + 4 (regMax + 1)] with class
 * scores already sigmoid and, per side (left, top, right, bottom), regMax + 1 logits of the
 * distance distribution. Cells are level by level (strides 8, 16, 32, 64), row-major, centred at
 * (x * s, y * s) (no half-cell offset); distance = sum_i softmax(logits)_i * i * s.
 */
export function decodeNanodet(out: Float32Array, dims: readonly number[], t: ImageTransform, o: DetectorOptions, p: { strides?: number[]; regMax?: number } = {}): BoxPrediction[] {
  const [, n, width] = dims;
  const regMax = p.regMax ?? 7;
  const bins = regMax + 1;
  const nc = width - 4 * bins;
  if (nc <= 0) throw new Error(`NanoDet output has ${width} values per cell, fewer than 4 x ${bins} distance bins (regMax ${regMax})`);
  const tries = p.strides ? [p.strides] : [[8, 16, 32, 64], [8, 16, 32]];
  const lv = tries.map((s) => levels(t.inputWidth, t.inputHeight, s)).find((l) => l.reduce((a, x) => a + x.gw * x.gh, 0) === n);
  if (!lv) throw new Error(`NanoDet output has ${n} cells; a ${t.inputWidth}x${t.inputHeight} input with strides ${tries.map((s) => s.join('/')).join(' or ')} gives ${tries.map((s) => levels(t.inputWidth, t.inputHeight, s).reduce((a, x) => a + x.gw * x.gh, 0)).join(' or ')}`);
  const cands: Candidate[] = [];
  const dist = new Float64Array(4);
  let k = 0;
  for (const { s, gw, gh } of lv) {
    for (let gy = 0; gy < gh; gy++) {
      for (let gx = 0; gx < gw; gx++, k++) {
        const r = k * width;
        let best = 0, score = -1;
        for (let c = 0; c < nc; c++) if (out[r + c] > score) { score = out[r + c]; best = c; }
        if (score < o.scoreThreshold) continue;
        for (let side = 0; side < 4; side++) {
          const b = r + nc + side * bins;
          let max = -Infinity;
          for (let i = 0; i < bins; i++) max = Math.max(max, out[b + i]);
          let sum = 0, acc = 0;
          for (let i = 0; i < bins; i++) {
            const e = Math.exp(out[b + i] - max);
            sum += e;
            acc += e * i;
          }
          dist[side] = (acc / sum) * s;
        }
        const cx = gx * s, cy = gy * s;
        cands.push({ box: toSource(cx - dist[0], cy - dist[1], cx + dist[2], cy + dist[3], t), score, classId: best, index: k });
      }
    }
  }
  return finish(cands, o);
}

/**
 * FastestDet (dog-qiuqiu/FastestDet, `test.py --onnx`): one map [1, 5 + C, H, W] (NHWC
 * [1, H, W, 5 + C] also read) of objectness (sigmoid), x / y offsets (tanh), w / h (sigmoid, as a
 * fraction of the input) and class probabilities (softmax). As the repository's ONNX sample:
 * score = obj^0.6 * cls^0.4, centre = ((x + tanh(dx)) / W, (y + tanh(dy)) / H) of the input.
 */
export function decodeFastestDet(out: Float32Array, dims: readonly number[], t: ImageTransform, o: DetectorOptions): BoxPrediction[] {
  const nchwFirst = o.classes.length ? dims[1] === 5 + o.classes.length : dims[1] < dims[3] ? false : true;
  const nhwc = !nchwFirst;
  const [ch, gh, gw] = nhwc ? [dims[3], dims[1], dims[2]] : [dims[1], dims[2], dims[3]];
  const nc = ch - 5;
  if (nc <= 0) throw new Error(`FastestDet output has ${ch} channels, expected 5 + classes`);
  const at = nhwc ? (c: number, y: number, x: number) => out[(y * gw + x) * ch + c] : (c: number, y: number, x: number) => out[(c * gh + y) * gw + x];
  const cands: Candidate[] = [];
  for (let y = 0; y < gh; y++) {
    for (let x = 0; x < gw; x++) {
      const obj = at(0, y, x);
      let best = 0, cls = -1;
      for (let c = 0; c < nc; c++) {
        const v = at(5 + c, y, x);
        if (v > cls) { cls = v; best = c; }
      }
      const score = Math.pow(Math.max(obj, 0), 0.6) * Math.pow(Math.max(cls, 0), 0.4);
      if (score < o.scoreThreshold) continue;
      const cx = (x + Math.tanh(at(1, y, x))) / gw, cy = (y + Math.tanh(at(2, y, x))) / gh;
      const w = sigmoid(at(3, y, x)), h = sigmoid(at(4, y, x));
      const W = t.inputWidth, H = t.inputHeight;
      cands.push({ box: toSource((cx - w / 2) * W, (cy - h / 2) * H, (cx + w / 2) * W, (cy + h / 2) * H, t), score, classId: best });
    }
  }
  return finish(cands, o);
}

/** YOLO-FastestV2's COCO anchors (352 x 352), [w, h] per anchor, for the stride-16 and stride-32 maps. */
export const YOLO_FASTESTV2_ANCHORS: [number, number][][] = [
  [[12.64, 19.39], [37.88, 51.48], [55.71, 138.31]],
  [[126.91, 78.23], [131.57, 214.55], [279.92, 258.87]],
];

/**
 * YOLO-FastestV2 (dog-qiuqiu/Yolo-FastestV2, `pytorch2onnx.py`): two maps [1, H, W, 4A + A + C]
 * (NHWC, A = 3 anchors; strides 16 and 32), box offsets and objectness sigmoid, classes softmax,
 * shared by the cell's anchors. As the repository's `handel_preds`: centre = (2 r - 0.5 + cell) * s,
 * size = (2 r)^2 * anchor; score = obj^0.6 * cls^0.4 as its ncnn / ONNX samples.
 */
export function decodeYoloFastestV2(maps: TensorData[], t: ImageTransform, o: DetectorOptions, anchors: [number, number][][] = YOLO_FASTESTV2_ANCHORS): BoxPrediction[] {
  if (anchors.length !== maps.length) throw new Error(`YOLO-FastestV2: ${maps.length} output maps but ${anchors.length} anchor lists`);
  const cands: Candidate[] = [];
  maps.forEach((m, level) => {
    const d = m.data as Float32Array;
    const [, gh, gw, ch] = m.dims;
    const A = anchors[level].length;
    const nc = ch - 5 * A;
    if (nc <= 0) throw new Error(`YOLO-FastestV2 map ${level} has ${ch} channels, expected ${5 * A} + classes`);
    const s = t.inputHeight / gh;
    for (let y = 0; y < gh; y++) {
      for (let x = 0; x < gw; x++) {
        const r = (y * gw + x) * ch;
        let best = 0, cls = -1;
        for (let c = 0; c < nc; c++) if (d[r + 5 * A + c] > cls) { cls = d[r + 5 * A + c]; best = c; }
        for (let a = 0; a < A; a++) {
          const obj = d[r + 4 * A + a];
          const score = Math.pow(Math.max(obj, 0), 0.6) * Math.pow(Math.max(cls, 0), 0.4);
          if (score < o.scoreThreshold) continue;
          const b = r + 4 * a;
          const cx = (d[b] * 2 - 0.5 + x) * s, cy = (d[b + 1] * 2 - 0.5 + y) * s;
          const w = (d[b + 2] * 2) ** 2 * anchors[level][a][0], h = (d[b + 3] * 2) ** 2 * anchors[level][a][1];
          cands.push({ box: toSource(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, t), score, classId: best });
        }
      }
    }
  });
  return finish(cands, o);
}

const flat = (t: TensorData) => t.data as Float32Array;

/**
 * YuNet (OpenCV zoo `face_detection_yunet_2023mar.onnx`): per stride 8, 16, 32 the outputs
 * cls_s [1, N, 1], obj_s [1, N, 1], bbox_s [1, N, 4], kps_s [1, N, 10]; N = (W / s) x (H / s).
 * As OpenCV's FaceDetectorYN: score = sqrt(clamp(cls) * clamp(obj)), centre = (col + dx, row + dy) * s,
 * size = exp(dw, dh) * s, landmark = (col + kx, row + ky) * s.
 */
export function decodeYunet(byName: { cls: TensorData[]; obj: TensorData[]; bbox: TensorData[]; kps: TensorData[] }, t: ImageTransform, o: DetectorOptions, strides = [8, 16, 32]): BoxPrediction[] {
  const cands: KeyedCandidate[] = [];
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  strides.forEach((s, i) => {
    const cls = flat(byName.cls[i]), obj = flat(byName.obj[i]), bbox = flat(byName.bbox[i]), kps = flat(byName.kps[i]);
    const cols = Math.floor(t.inputWidth / s), rows = Math.floor(t.inputHeight / s);
    if (cls.length !== cols * rows) throw new Error(`YuNet stride ${s}: ${cls.length} cells, a ${t.inputWidth}x${t.inputHeight} input gives ${cols * rows}`);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const k = r * cols + c;
        const score = Math.sqrt(clamp(cls[k]) * clamp(obj[k]));
        if (score < o.scoreThreshold) continue;
        const cx = (c + bbox[4 * k]) * s, cy = (r + bbox[4 * k + 1]) * s;
        const w = Math.exp(bbox[4 * k + 2]) * s, h = Math.exp(bbox[4 * k + 3]) * s;
        const keypoints: number[] = [];
        for (let n = 0; n < 5; n++) keypoints.push(...pointToSource((kps[10 * k + 2 * n] + c) * s, (kps[10 * k + 2 * n + 1] + r) * s, t));
        cands.push({ box: toSource(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, t), score, classId: 0, keypoints });
      }
    }
  });
  return finish(cands, { ...o, classes: o.classes.length ? o.classes : ['face'] });
}

/**
 * SCRFD (insightface `scrfd_*_kps.onnx`, e.g. scrfd_500m_bnkps): 9 outputs in order — scores for
 * strides 8, 16, 32 ([N, 1], already sigmoid), then boxes [N, 4], then landmarks [N, 10] (6
 * outputs without landmarks). A anchors per cell (2), centres (col * s, row * s); as insightface's
 * `distance2bbox` / `distance2kps`: box = centre -/+ distances * s, landmark = centre + d * s.
 */
export function decodeScrfd(outs: TensorData[], t: ImageTransform, o: DetectorOptions, strides = [8, 16, 32]): BoxPrediction[] {
  const L = strides.length;
  const withKps = outs.length >= 3 * L;
  const cands: KeyedCandidate[] = [];
  strides.forEach((s, i) => {
    const scores = flat(outs[i]), boxes = flat(outs[L + i]), kps = withKps ? flat(outs[2 * L + i]) : null;
    const cols = Math.ceil(t.inputWidth / s), rows = Math.ceil(t.inputHeight / s);
    const A = scores.length / (cols * rows);
    if (!Number.isInteger(A) || A < 1) throw new Error(`SCRFD stride ${s}: ${scores.length} scores for ${cols} x ${rows} cells`);
    for (let k = 0; k < scores.length; k++) {
      const score = scores[k];
      if (score < o.scoreThreshold) continue;
      const cell = Math.floor(k / A);
      const cx = (cell % cols) * s, cy = Math.floor(cell / cols) * s;
      const box = toSource(cx - boxes[4 * k] * s, cy - boxes[4 * k + 1] * s, cx + boxes[4 * k + 2] * s, cy + boxes[4 * k + 3] * s, t);
      let keypoints: number[] | undefined;
      if (kps) {
        keypoints = [];
        for (let n = 0; n < 5; n++) keypoints.push(...pointToSource(cx + kps[10 * k + 2 * n] * s, cy + kps[10 * k + 2 * n + 1] * s, t));
      }
      cands.push({ box, score, classId: 0, keypoints });
    }
  });
  return finish(cands, { ...o, classes: o.classes.length ? o.classes : ['face'] });
}

/**
 * RT-DETR as Ultralytics exports it (`yolo export model=rtdetr-l.pt format=onnx`): `output0`
 * [1, Q, 4 + C], boxes (cx, cy, w, h) normalised to the input, class scores sigmoid. End to end:
 * each query is one object (best class), no NMS.
 */
export function decodeRtdetr(out: Float32Array, dims: readonly number[], t: ImageTransform, o: DetectorOptions): BoxPrediction[] {
  const [, q, width] = dims;
  const nc = width - 4;
  if (nc <= 0) throw new Error(`RT-DETR output has ${width} values per query, expected 4 + classes`);
  const preds: BoxPrediction[] = [];
  for (let i = 0; i < q; i++) {
    const r = i * width;
    let best = 0, score = -1;
    for (let c = 0; c < nc; c++) if (out[r + 4 + c] > score) { score = out[r + 4 + c]; best = c; }
    if (score < o.scoreThreshold) continue;
    const W = t.inputWidth, H = t.inputHeight;
    const cx = out[r] * W, cy = out[r + 1] * H, w = out[r + 2] * W, h = out[r + 3] * H;
    const box = toSource(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, t);
    if (box[2] <= box[0] || box[3] <= box[1]) continue;
    preds.push({ label: label(o.classes, best), score, box });
  }
  return preds.sort((a, b) => b.score - a.score).slice(0, o.maxDetections ?? 300);
}
