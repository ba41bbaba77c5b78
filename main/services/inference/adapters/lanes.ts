/**
 * Row-anchor lane detection (Ultra-Fast-Lane-Detection v1, cfzd/Ultra-Fast-Lane-Detection): the
 * network classifies, for each lane slot and each of a fixed set of image rows, which of G column
 * cells the lane crosses (or a last "no lane" cell). Decoded as the repository's demo.py: softmax
 * over the G cells, location = expectation of (cell + 1), dropped where the arg-max is "no lane";
 * x = location * (799 / (G - 1)) in the 800 px wide input, y = the row anchor; lanes with more than
 * 2 points become polylines. Pure.
 */
import type { ImageTransform, PolylinePrediction } from '../types';

/** CULane's 18 row anchors (121..287) and TuSimple's 56 (64..284) in the 288 px high input. */
export const CULANE_ROWS = Array.from({ length: 18 }, (_, i) => 121 + 10 * i);
export const TUSIMPLE_ROWS = Array.from({ length: 56 }, (_, i) => 64 + 4 * i);

export function decodeRowAnchorLanes(
  out: Float32Array,
  dims: readonly number[],
  t: ImageTransform,
  o: { classes: readonly string[]; scoreThreshold: number; rowAnchors?: number[] },
): PolylinePrediction[] {
  const [, cells, rows, lanes] = dims;
  const G = cells - 1;
  const anchors = o.rowAnchors ?? (rows === CULANE_ROWS.length ? CULANE_ROWS : rows === TUSIMPLE_ROWS.length ? TUSIMPLE_ROWS : null);
  if (!anchors || anchors.length !== rows) throw new Error(`row-anchor lane output has ${rows} rows; give decode.rowAnchors (CULane has 18, TuSimple 56)`);
  if (G < 2) throw new Error(`row-anchor lane output has ${cells} cells per row, expected griding cells + 1`);
  // the 800 px input is cut into G columns: demo.py's np.linspace(0, 799, G) spacing, scaled to this input's width
  const cellW = ((t.inputWidth - 1) / (G - 1));
  const at = (c: number, r: number, l: number) => out[(c * rows + r) * lanes + l];
  const preds: PolylinePrediction[] = [];
  for (let l = 0; l < lanes; l++) {
    const pts: number[] = [];
    let present = 0;
    for (let r = 0; r < rows; r++) {
      let arg = 0, max = -Infinity;
      for (let c = 0; c <= G; c++) if (at(c, r, l) > max) { max = at(c, r, l); arg = c; }
      if (arg === G) continue; // "no lane" in this row
      let sum = 0, acc = 0, all = 0;
      for (let c = 0; c < G; c++) {
        const e = Math.exp(at(c, r, l) - max);
        sum += e;
        acc += e * (c + 1);
      }
      for (let c = 0; c <= G; c++) all += Math.exp(at(c, r, l) - max);
      const loc = acc / sum;
      present += sum / all; // probability that the lane crosses this row
      // demo.py: int(loc * col_sample_w * img_w / 800) - 1, int(img_h * row_anchor / 288) - 1 (without the int)
      pts.push((loc * cellW - t.padX) / t.scaleX - 1, (anchors[r] - t.padY) / t.scaleY - 1);
    }
    const n = pts.length / 2;
    if (n <= 2) continue;
    const score = present / n;
    if (score < o.scoreThreshold) continue;
    preds.push({ label: o.classes[l] ?? 'lane', score, polyline: pts });
  }
  return preds;
}

/**
 * LSTR (liuruijin17/LSTR; the ONNX export of PINTO's model zoo 167_LSTR): `pred_logits` [1, Q, 2]
 * (no lane / lane) and `pred_curves` [1, Q, 8] = lower, upper, k, f, m, n, b, b3 of the lane's curve
 * x = k / (y - f)^2 + m / (y - f) + n + b y - b3, x and y normalised to the (stretched) input. As
 * LSTR's own drawing code, y is sampled evenly from lower to upper (`samples` points); a lane is
 * kept where softmax(logits)[1] is the larger and reaches the score threshold.
 */
export function decodeLstr(
  logits: Float32Array,
  curves: Float32Array,
  t: ImageTransform,
  o: { classes: readonly string[]; scoreThreshold: number; samples?: number },
): PolylinePrediction[] {
  const q = logits.length / 2;
  if (curves.length !== q * 8) throw new Error(`LSTR: ${q} queries in pred_logits but ${curves.length / 8} curves of 8 parameters`);
  const samples = o.samples ?? 20;
  const preds: PolylinePrediction[] = [];
  for (let i = 0; i < q; i++) {
    const mx = Math.max(logits[2 * i], logits[2 * i + 1]);
    const e0 = Math.exp(logits[2 * i] - mx), e1 = Math.exp(logits[2 * i + 1] - mx);
    const score = e1 / (e0 + e1);
    if (score < o.scoreThreshold || logits[2 * i + 1] <= logits[2 * i]) continue;
    const [lower, upper, k, f, m, n, b, b3] = curves.subarray(8 * i, 8 * i + 8);
    const pts: number[] = [];
    for (let s = 0; s < samples; s++) {
      const y = lower + ((upper - lower) * s) / (samples - 1);
      const x = k / (y - f) ** 2 + m / (y - f) + n + b * y - b3;
      if (!Number.isFinite(x)) continue;
      pts.push((x * t.inputWidth - t.padX) / t.scaleX, (y * t.inputHeight - t.padY) / t.scaleY);
    }
    if (pts.length >= 4) preds.push({ label: o.classes[0] ?? 'lane', score, polyline: pts });
  }
  return preds.sort((a, b) => b.score - a.score);
}
