/**
 * The check on a sample image at import (issue #20): run the model once on a real image with the
 * manifest it would be saved with, and say in words when the output looks like a model read wrong
 * rather than a model that found nothing. What it looks at, and why:
 * - the raw score tensors: probabilities lie in [0, 1]; logits outside it mean the export stops
 *   before its sigmoid / softmax (the "without post-processing" exports);
 * - the decoded boxes: most of the best ones covering the whole image is what raw box regressions
 *   read as corners look like;
 * - nothing at a score of 0.01 or more: the input is likely scaled wrong. The same image is then
 *   tried with the common input conventions (0-255, 0-1, (x - 127.5) / 128, ImageNet mean/std, RGB
 *   or BGR) and one that does find objects is named;
 * - a manifest whose normalisation differs from its preset's: both are run and compared, because a
 *   wrong mean/std does not always silence a model (UltraFace fed 0-255 finds confident "faces" on
 *   street scenes, docs/models.md).
 * Nothing here is a proof; the warnings say what is likely wrong.
 */
import { decoderFor } from './adapters';
import type { ModelInput, ModelManifest } from './manifest';
import { preprocess, type ImageSource, type Prepared } from './preprocess';
import { zeroCopies, zeroFeeds } from './predictor';
import type { InferenceRuntime } from './runtime';
import type { BoxPrediction, Prediction, Tensors } from './types';

/** Scores below this count as "nothing" (the probe threshold). */
export const PROBE_SCORE = 0.01;

export type SampleWarningCode = 'score-range' | 'raw-boxes' | 'whole-image' | 'nothing' | 'normalisation' | 'non-finite';
export interface SampleWarning {
  code: SampleWarningCode;
  message: string;
}

export interface SampleCheck {
  image: string;
  width: number;
  height: number;
  /** Predictions at the manifest's score threshold, best first (at most 50). */
  predictions: Prediction[];
  /** Best score at any threshold (null: nothing scored PROBE_SCORE or more). */
  bestScore: number | null;
  /** Smallest and largest value of the raw score outputs, when the adapter has them. */
  scoreRange: { output: string; min: number; max: number } | null;
  warnings: SampleWarning[];
}

/** The input conventions tried when a model finds nothing (scale, mean, std; both channel orders). */
export const NORMALISATIONS: { name: string; scale: number; mean: [number, number, number]; std: [number, number, number] }[] = [
  { name: 'pixels 0-255', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
  { name: 'pixels / 255', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] },
  { name: '(pixel - 127.5) / 128', scale: 1, mean: [127.5, 127.5, 127.5], std: [128, 128, 128] },
  { name: 'ImageNet mean/std', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
];

/** Which values of the raw outputs are probabilities, per adapter (null: the adapter has none). */
export function scoreValues(m: ModelManifest, outputs: Tensors, names: readonly string[]): { output: string; values: ArrayLike<number>; pick: (i: number) => boolean }[] {
  const out = (i: number) => {
    const name = m.outputs?.[i] ?? names[i];
    const t = name !== undefined ? outputs[name] : undefined;
    return t && t.data instanceof Float32Array ? { name, t, data: t.data } : null;
  };
  const last = (i: number) => out(i)?.t.dims.at(-1) ?? 1;
  const all = (i: number) => {
    const o = out(i);
    return o ? [{ output: o.name, values: o.data, pick: () => true }] : [];
  };
  const columnsFrom = (i: number, from: number, to?: number) => {
    const o = out(i);
    if (!o) return [];
    const w = last(i);
    return [{ output: o.name, values: o.data, pick: (k: number) => k % w >= from && (to === undefined || k % w < to) }];
  };
  const nc = m.classes.length;
  switch (m.adapter) {
    case 'yolox':
    case 'yolov5':
      return columnsFrom(0, 4);
    case 'rtdetr':
      return columnsFrom(0, 4);
    case 'yolov8': {
      const o = out(0);
      if (!o) return [];
      const n = o.t.dims.at(-1) ?? 1;
      const rows = nc || (o.t.dims[1] ?? 4) - 4;
      return [{ output: o.name, values: o.data, pick: (k) => Math.floor(k / n) >= 4 && Math.floor(k / n) < 4 + rows }];
    }
    case 'ultraface':
    case 'ppocr-det':
      return all(0);
    case 'nanodet':
      return nc ? columnsFrom(0, 0, nc) : [];
    case 'fastestdet': {
      const o = out(0);
      if (!o) return [];
      const plane = (o.t.dims[2] ?? 1) * (o.t.dims[3] ?? 1);
      return [{ output: o.name, values: o.data, pick: (k) => Math.floor(k / plane) === 0 || Math.floor(k / plane) >= 5 }];
    }
    case 'yolo-fastestv2':
      return [...columnsFrom(0, 12), ...columnsFrom(1, 12)];
    case 'scrfd':
      return [0, 1, 2].flatMap(all);
    case 'yunet':
      return [0, 1, 2, 3, 4, 5].flatMap(all);
    default:
      return [];
  }
}

/**
 * Share of box outputs with zero or negative size, for adapters whose graph gives decoded boxes
 * (UltraFace corners, YOLOv5/v8 and RT-DETR centre + size). Decoded boxes always have a size;
 * raw regressions (offsets, log-scales) are negative about half the time.
 */
export function degenerateBoxes(m: ModelManifest, outputs: Tensors, names: readonly string[]): { output: string; bad: number; total: number } | null {
  const get = (i: number) => {
    const name = m.outputs?.[i] ?? names[i];
    const t = name !== undefined ? outputs[name] : undefined;
    return t && t.data instanceof Float32Array ? { name, t, d: t.data } : null;
  };
  let bad = 0, total = 0;
  const o = get(m.adapter === 'ultraface' ? 1 : 0);
  if (!o) return null;
  if (m.adapter === 'ultraface') {
    for (let i = 0; i + 3 < o.d.length; i += 4, total++) if (!(o.d[i + 2] > o.d[i] && o.d[i + 3] > o.d[i + 1])) bad++;
  } else if (m.adapter === 'yolov5' || m.adapter === 'rtdetr') {
    const w = o.t.dims.at(-1) ?? 0;
    for (let i = 0; w >= 4 && i + w <= o.d.length; i += w, total++) if (!(o.d[i + 2] > 0 && o.d[i + 3] > 0)) bad++;
  } else if (m.adapter === 'yolov8') {
    const n = o.t.dims.at(-1) ?? 0;
    for (let k = 0; k < n; k++, total++) if (!(o.d[2 * n + k] > 0 && o.d[3 * n + k] > 0)) bad++;
  } else return null;
  return total ? { output: o.name, bad, total } : null;
}

function range(sets: ReturnType<typeof scoreValues>): { output: string; min: number; max: number; nonFinite: number } | null {
  let min = Infinity, max = -Infinity, nonFinite = 0, output = '';
  for (const s of sets) {
    for (let k = 0; k < s.values.length; k++) {
      if (!s.pick(k)) continue;
      const v = s.values[k];
      if (!Number.isFinite(v)) { nonFinite++; continue; }
      if (v < min) { min = v; if (min < 0) output = output || s.output; }
      if (v > max) { max = v; if (max > 1) output = output || s.output; }
    }
  }
  if (min === Infinity) return null;
  return { output: output || sets.map((s) => s.output).join(', '), min, max, nonFinite };
}

const boxOf = (p: Prediction) => ('box' in p && p.box ? p.box : null);
const area = (b: number[]) => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
const fmt = (v: number) => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3));

/** Warnings from one probe run (pure, so the rules are tested on their own). */
export function judge(run: { predictions: Prediction[]; width: number; height: number; scoreRange: ReturnType<typeof range>; boxes?: ReturnType<typeof degenerateBoxes> }): SampleWarning[] {
  const warnings: SampleWarning[] = [];
  const b = run.boxes;
  if (b && b.bad >= 0.1 * b.total) {
    warnings.push({
      code: 'raw-boxes',
      message: `${Math.round((100 * b.bad) / b.total)} % of the ${b.total} boxes in ${b.output} have zero or negative size: they look like raw regressions, not decoded boxes — the export is likely missing its box decoding (post-processing)`,
    });
  }
  const r = run.scoreRange;
  if (r?.nonFinite) warnings.push({ code: 'non-finite', message: `${r.nonFinite} score values are NaN or infinite: the model's arithmetic overflows on this input (wrong input scale?)` });
  if (r && (r.min < -1e-3 || r.max > 1 + 1e-3)) {
    warnings.push({
      code: 'score-range',
      message: `scores outside [0, 1] (from ${fmt(r.min)} to ${fmt(r.max)} in ${r.output}): the graph gives logits, not probabilities — the export is likely missing its post-processing (sigmoid / softmax, and box decoding), or the adapter does not fit this model`,
    });
  }
  const best = run.predictions.slice(0, 10).map(boxOf).filter((b): b is [number, number, number, number] => !!b);
  const whole = best.filter((b) => area(b) >= 0.9 * run.width * run.height).length;
  if (best.length && whole * 2 >= best.length) {
    warnings.push({
      code: 'whole-image',
      message: `${whole} of the ${best.length} best boxes cover the whole image: the box outputs are likely raw regressions (an export without its box decoding / post-processing), or the adapter reads them in the wrong format`,
    });
  }
  return warnings;
}

interface ProbeRun {
  predictions: Prediction[];
  scoreRange: ReturnType<typeof range>;
  boxes: ReturnType<typeof degenerateBoxes>;
  width: number;
  height: number;
}

/**
 * Run `manifest` (whose ONNX file is `modelPath`) on `image` and judge the output. The session is
 * loaded under a throw-away id and released afterwards, so a library model of the same id is not
 * disturbed. `preset`, when given, is the preset's own input block to compare normalisations with.
 */
export async function checkSample(runtime: InferenceRuntime, manifest: ModelManifest, modelPath: string, image: ImageSource, opts: { preset?: Partial<ModelInput>; signal?: AbortSignal } = {}): Promise<SampleCheck> {
  if (!manifest.input) throw new Error(`${manifest.id}: the sample check runs image models (adapter ${manifest.adapter} has no image input)`);
  const decode = decoderFor(manifest);
  const runId = `__sample-check-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const loaded = await runtime.load(runId, modelPath);
  const names = loaded.outputs.map((o) => o.name);
  const imageInput = manifest.input.name ?? loaded.inputs[0].name;
  const extras = zeroFeeds(manifest.id, loaded.inputs.filter((i) => i.name !== imageInput));
  const probe: ModelManifest = { ...manifest, thresholds: { ...manifest.thresholds, score: PROBE_SCORE } };
  const run = async (input: ModelInput, prepared?: Prepared): Promise<ProbeRun> => {
    const p = prepared ?? (await preprocess(image, input));
    const out = await runtime.run(runId, { ...zeroCopies(extras), [imageInput]: p.tensor }, { signal: opts.signal });
    const m = { ...probe, input };
    const predictions = decode(out, names, p.transform, m).sort((a, b) => b.score - a.score);
    return { predictions, scoreRange: range(scoreValues(m, out, names)), boxes: degenerateBoxes(m, out, names), width: p.transform.width, height: p.transform.height };
  };
  try {
    const main = await run(manifest.input);
    const warnings = judge(main);
    const threshold = manifest.thresholds.score;
    const above = (r: ProbeRun) => r.predictions.filter((p) => p.score >= threshold).length;
    if (!main.predictions.length && warnings.length) {
      warnings.push({ code: 'nothing', message: `nothing detected at any threshold (no valid box scores ${PROBE_SCORE} or more) on this image, because of the above` });
    } else if (!main.predictions.length) {
      // Nothing at all from outputs that look right: try the usual input conventions and name one that finds something.
      const found: string[] = [];
      for (const n of NORMALISATIONS)
        for (const order of ['rgb', 'bgr'] as const) {
          const input = { ...manifest.input, scale: n.scale, mean: n.mean, std: n.std, channelOrder: order };
          const r = await run(input);
          if (r.predictions.length && judge(r).length === 0) found.push(`${n.name}, ${order.toUpperCase()}: ${above(r)} above ${threshold}, best ${fmt(r.predictions[0].score)}`);
        }
      warnings.push({
        code: 'nothing',
        message:
          `nothing detected at any threshold (no score reaches ${PROBE_SCORE}) on this image: ` +
          (found.length
            ? `the input normalisation is likely wrong — the same image with ${found.slice(0, 2).join('; ')}`
            : 'likely wrong normalisation (scale, mean/std, channel order); no common input convention found anything either, so the image may hold nothing this model detects'),
      });
    }
    const pre = opts.preset;
    if (pre && differs(manifest.input, pre)) {
      const presetInput = { ...manifest.input, ...presetNorm(pre) };
      const r = await run(presetInput);
      warnings.push({
        code: 'normalisation',
        message:
          `the input normalisation differs from the preset's (${describeNorm(manifest.input)} instead of ${describeNorm(presetInput)}): on this image ${above(main)} predictions reach ${threshold} ` +
          `(best ${main.predictions[0] ? fmt(main.predictions[0].score) : 'none'}), ${above(r)} with the preset's (best ${r.predictions[0] ? fmt(r.predictions[0].score) : 'none'}). ` +
          'A wrong mean/std can still give confident boxes; use the values the model was trained with',
      });
    }
    return {
      image: typeof image === 'string' ? image : '(image)',
      width: main.width,
      height: main.height,
      predictions: main.predictions.filter((p) => p.score >= threshold).slice(0, 50),
      bestScore: main.predictions[0] ? main.predictions[0].score : null,
      scoreRange: main.scoreRange ? { output: main.scoreRange.output, min: main.scoreRange.min, max: main.scoreRange.max } : null,
      warnings,
    };
  } finally {
    await runtime.release(runId).catch(() => undefined);
  }
}

const NORM_KEYS = ['scale', 'mean', 'std', 'channelOrder'] as const;
function pick(i: Partial<ModelInput>): Partial<ModelInput> {
  const out: Partial<ModelInput> = {};
  for (const k of NORM_KEYS) if (i[k] !== undefined) (out as Record<string, unknown>)[k] = i[k];
  return out;
}
/** A preset's normalisation with the manifest schema's defaults for what it leaves out. */
function presetNorm(preset: Partial<ModelInput>): Pick<ModelInput, (typeof NORM_KEYS)[number]> {
  return { scale: 1, mean: [0, 0, 0], std: [1, 1, 1], channelOrder: 'rgb', ...pick(preset) };
}
function differs(a: ModelInput, preset: Partial<ModelInput>): boolean {
  const full = presetNorm(preset);
  return NORM_KEYS.some((k) => JSON.stringify(a[k]) !== JSON.stringify(full[k]));
}
function describeNorm(i: ModelInput): string {
  return `${i.channelOrder.toUpperCase()}, scale ${fmt(i.scale)}, mean [${i.mean.map(fmt).join(', ')}], std [${i.std.map(fmt).join(', ')}]`;
}

/** Boxes of a check's predictions, for callers that draw them. */
export const predictionBoxes = (c: SampleCheck) => c.predictions.filter((p): p is BoxPrediction => 'box' in p);
