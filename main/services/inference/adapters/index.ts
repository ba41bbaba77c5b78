/**
 * Adapter registry: for each manifest adapter, how to turn the session's outputs into predictions.
 * Pre-processing is shared (preprocess.ts driven by the manifest's `input`); SAM is promptable and
 * has its own entry point (sam.ts); the 3D proposals built-in runs no ONNX model.
 */
import type { ModelManifest } from '../manifest';
import { f32, type ImageTransform, type Prediction, type Tensors } from '../types';
import { decodeDb } from './ppocrDet';
import { decodeUltraface } from './ultraface';
import { decodeYolov5, decodeYolov8, decodeYolov8Seg, decodeYolox } from './yolo';
import { DETECTOR_DECODERS } from './detectors2dDecoders';

export type Decoder = (outputs: Tensors, outputNames: readonly string[], t: ImageTransform, m: ModelManifest) => Prediction[];

/** Output `i` by the manifest's names, else the session's order. */
function pick(outputs: Tensors, outputNames: readonly string[], m: ModelManifest, i: number) {
  const name = m.outputs?.[i] ?? outputNames[i];
  const t = outputs[name];
  if (!t) throw new Error(`${m.id}: model has no output ${name ?? `#${i}`} (outputs: ${Object.keys(outputs).join(', ')})`);
  return { name, t };
}

const opts = (m: ModelManifest) => ({ classes: m.classes, scoreThreshold: m.thresholds.score, nmsThreshold: m.thresholds.nms });

export const DECODERS: Partial<Record<ModelManifest['adapter'], Decoder>> = {
  ...DETECTOR_DECODERS,
  yolox: (o, names, t, m) => {
    const { name, t: out } = pick(o, names, m, 0);
    return decodeYolox(f32(out, name), out.dims, t, opts(m));
  },
  yolov5: (o, names, t, m) => {
    const { name, t: out } = pick(o, names, m, 0);
    return decodeYolov5(f32(out, name), out.dims, t, opts(m));
  },
  yolov8: (o, names, t, m) => {
    const { name, t: out } = pick(o, names, m, 0);
    if (m.task === 'segment2d') {
      const p = pick(o, names, m, 1);
      return decodeYolov8Seg(f32(out, name), out.dims, f32(p.t, p.name), p.t.dims, t, { ...opts(m), numClasses: m.classes.length || undefined, maskThreshold: m.thresholds.mask });
    }
    return decodeYolov8(f32(out, name), out.dims, t, opts(m));
  },
  ultraface: (o, names, t, m) => {
    const s = pick(o, names, m, 0), b = pick(o, names, m, 1);
    return decodeUltraface(f32(s.t, s.name), f32(b.t, b.name), t, { scoreThreshold: m.thresholds.score, nmsThreshold: m.thresholds.nms, label: m.classes[0] });
  },
  'ppocr-det': (o, names, t, m) => {
    const { name, t: out } = pick(o, names, m, 0);
    const dims = out.dims;
    return decodeDb(f32(out, name), dims[dims.length - 1], dims[dims.length - 2], t, {
      bitmapThreshold: m.thresholds.mask,
      boxThreshold: m.thresholds.score,
      unclipRatio: m.thresholds.unclip,
      label: m.classes[0],
    });
  },
};

export function decoderFor(m: ModelManifest): Decoder {
  const d = DECODERS[m.adapter];
  if (!d) throw new Error(`${m.id}: adapter ${m.adapter} is not a one-shot image detector`);
  return d;
}
