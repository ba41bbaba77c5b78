/**
 * What an import will save, worked out before anything is copied: the preset deep-merged with the
 * user's partial manifest, then fitted to what the ONNX graph itself declares (input size and
 * layout when they are fixed in the graph), and every way the graph does not fit the adapter
 * (output count, input size) named in words. `datum models import --dry-run` and the Models tab
 * show this plan; a real import refuses a plan with problems.
 */
import { checkModelIo, inspectOnnx, type ImportManifest } from './library';
import { parseManifest, type ModelManifest } from './manifest';
import type { IoInfo } from './protocol';

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);

/**
 * `over` merged onto `base`: nested objects merge key by key, arrays and scalars replace, and
 * `undefined` leaves the base value. So `{"input": {"width": 640}}` keeps a preset's mean, std and
 * resize instead of dropping the whole `input` block (issue #20).
 */
export function deepMerge<T>(base: T, over: unknown): T {
  if (over === undefined) return base;
  if (!isPlain(base) || !isPlain(over)) return over as T;
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlain(out[k]) && isPlain(v) ? deepMerge(out[k], v) : v;
  }
  return out as T;
}

/** How many outputs each image adapter reads, and what they look like (for the mismatch message). */
export const ADAPTER_OUTPUTS: Partial<Record<ModelManifest['adapter'], { count: number[]; what: string }>> = {
  yolox: { count: [1], what: '[1, anchors, 5 + classes]' },
  yolov5: { count: [1], what: '[1, N, 5 + classes]' },
  yolov8: { count: [1, 2], what: '[1, 4 + classes, N] (segment2d: + [1, 32, h, w] prototypes)' },
  ultraface: { count: [2], what: 'scores [1, N, 2] and boxes [1, N, 4]' },
  'ppocr-det': { count: [1], what: 'a [1, 1, H, W] probability map' },
  nanodet: { count: [1], what: '[1, N, classes + 4 x (regMax + 1)]' },
  fastestdet: { count: [1], what: '[1, 5 + classes, H, W]' },
  'yolo-fastestv2': { count: [2], what: 'two [1, H, W, 3 x 4 + 3 + classes] maps (strides 16 and 32)' },
  yunet: { count: [12], what: 'cls, obj, bbox and kps at strides 8, 16, 32' },
  scrfd: { count: [6, 9], what: 'score, bbox (and kps) at strides 8, 16, 32' },
  rtdetr: { count: [1], what: '[1, queries, 4 + classes]' },
  ufld: { count: [1], what: '[1, griding cells + 1, row anchors, lanes]' },
  lstr: { count: [2], what: 'pred_logits [1, Q, 2] and pred_curves [1, Q, 8]' },
};

export interface ImportPlan {
  /** The manifest as it will be saved (without file and sha256, which the copy fills in). */
  manifest: ModelManifest;
  /** What the graph declares: names, element types, shapes (-1 = dynamic). */
  graph: { inputs: IoInfo[]; outputs: IoInfo[] };
  /** What was taken from the graph rather than the preset (shown to the user). */
  notes: string[];
  /** Ways the graph does not fit the manifest; an import with any of these is refused. */
  problems: string[];
}

const fixedDim = (d: number | undefined): d is number => typeof d === 'number' && d > 0;
const shapeText = (s?: number[]) => (s ? `[${s.map((d) => (d < 0 ? '?' : d)).join(', ')}]` : '[?]');
export const ioText = (io: IoInfo) => `${io.name} ${io.type ?? ''} ${shapeText(io.shape)}`.replace(/\s+/g, ' ').trim();

/**
 * Fit an image model's `input` to the graph: a fixed H x W in the graph is the input size unless the
 * user gave one (then a different one is a problem), and the layout follows where the 3 channels
 * are. `explicit` is the user's own partial `input` (what they typed, not the preset's).
 */
export function fitInputToGraph(merged: ImportManifest, explicit: Plain | undefined, io: { inputs: IoInfo[] }, label: string): { manifest: ImportManifest; notes: string[]; problems: string[] } {
  const notes: string[] = [];
  const problems: string[] = [];
  const input = merged.input as Plain | undefined;
  if (!input || merged.adapter === 'pointpillars') return { manifest: merged, notes, problems };
  const graphInput = typeof input.name === 'string' ? io.inputs.find((i) => i.name === input.name) : io.inputs[0];
  const s = graphInput?.shape;
  if (!graphInput || !s || s.length !== 4) return { manifest: merged, notes, problems };
  const next: Plain = { ...input };
  if (explicit?.layout === undefined) {
    const layout = s[1] === 3 ? 'nchw' : s[3] === 3 ? 'nhwc' : undefined;
    if (layout && layout !== (input.layout ?? 'nchw')) {
      next.layout = layout;
      notes.push(`layout ${layout}: input ${graphInput.name} is ${shapeText(s)}`);
    }
  }
  const nchw = (next.layout ?? 'nchw') === 'nchw';
  const [h, w] = nchw ? [s[2], s[3]] : [s[1], s[2]];
  if (next.resize !== 'dynamic' && fixedDim(h) && fixedDim(w)) {
    const askedW = explicit?.width as number | undefined;
    const askedH = explicit?.height as number | undefined;
    if ((askedW !== undefined && askedW !== w) || (askedH !== undefined && askedH !== h)) {
      problems.push(`input ${graphInput.name} is fixed at ${w} x ${h} in the graph, the manifest asks for ${askedW ?? w} x ${askedH ?? h} (a model for another size needs its own export)`);
    } else if (next.width !== w || next.height !== h) {
      notes.push(`input size ${w} x ${h} read from the graph${next.width !== undefined ? ` (the ${label} says ${String(next.width)} x ${String(next.height)})` : ''}`);
      next.width = w;
      next.height = h;
    }
  }
  return { manifest: { ...merged, input: next as ImportManifest['input'] }, notes, problems };
}

/** "outputs 3 tensors (...), the yolov8 preset expects 1 (...)" when the count does not fit. */
export function checkOutputCount(m: ModelManifest, io: { outputs: IoInfo[] }, label: string): string[] {
  const spec = ADAPTER_OUTPUTS[m.adapter];
  if (!spec || m.outputs) return [];
  let count = spec.count;
  if (m.adapter === 'yolov8') count = [m.task === 'segment2d' ? 2 : 1];
  if (count.includes(io.outputs.length)) return [];
  const n = io.outputs.length;
  return [`the graph outputs ${n} tensor${n === 1 ? '' : 's'} (${io.outputs.map(ioText).join(', ')}), the ${label} expects ${count.join(' or ')}: ${spec.what}`];
}

/**
 * The whole plan for importing `onnxPath` with `merged` (preset + the user's partial manifest,
 * already deep-merged). `explicitInput` is the user's own `input` block, if any. Opens the graph
 * with ONNX Runtime (CPU, short-lived session) to read its inputs and outputs.
 */
export async function planImport(onnxPath: string, merged: ImportManifest, opts: { explicitInput?: Plain; label: string }): Promise<ImportPlan> {
  const graph = await inspectOnnx(onnxPath);
  const fitted = fitInputToGraph(merged, opts.explicitInput, graph, opts.label);
  const id = merged.id ?? (onnxPath.split(/[\\/]/).pop() ?? 'model').replace(/\.onnx$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-');
  const base = onnxPath.split(/[\\/]/).pop()!;
  const manifest = parseManifest({ ...fitted.manifest, id, name: merged.name ?? id, file: base }, `${onnxPath} (manifest)`);
  const problems = [...fitted.problems, ...checkOutputCount(manifest, graph, opts.label)];
  // the adapter's own shape rules only say something useful once the count fits
  if (!problems.length) problems.push(...checkModelIo(manifest, graph));
  return { manifest, graph, notes: fitted.notes, problems };
}
