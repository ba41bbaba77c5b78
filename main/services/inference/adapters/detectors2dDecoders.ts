/**
 * Registry entries for the detectors of detectors2d.ts: which outputs each reads (by the manifest's
 * `outputs`, by the export's names, else by position) and its `decode` parameters.
 */
import type { ModelManifest } from '../manifest';
import { f32, type ImageTransform, type Prediction, type TensorData, type Tensors } from '../types';
import { decodeLstr, decodeRowAnchorLanes } from './lanes';
import { decodeFastestDet, decodeNanodet, decodeRtdetr, decodeScrfd, decodeYoloFastestV2, decodeYunet } from './detectors2d';

type Decoder = (outputs: Tensors, outputNames: readonly string[], t: ImageTransform, m: ModelManifest) => Prediction[];

const opts = (m: ModelManifest) => ({ classes: m.classes, scoreThreshold: m.thresholds.score, nmsThreshold: m.thresholds.nms });

/** The outputs in the manifest's order, else the session's. */
function ordered(o: Tensors, names: readonly string[], m: ModelManifest): { name: string; t: TensorData }[] {
  return (m.outputs ?? names).map((name) => {
    const t = o[name];
    if (!t) throw new Error(`${m.id}: model has no output ${name} (outputs: ${Object.keys(o).join(', ')})`);
    f32(t, name);
    return { name, t };
  });
}

export const DETECTOR_DECODERS: Partial<Record<ModelManifest['adapter'], Decoder>> = {
  nanodet: (o, names, t, m) => {
    const [out] = ordered(o, names, m);
    return decodeNanodet(f32(out.t, out.name), out.t.dims, t, opts(m), { strides: m.decode?.strides, regMax: m.decode?.regMax });
  },
  fastestdet: (o, names, t, m) => {
    const [out] = ordered(o, names, m);
    return decodeFastestDet(f32(out.t, out.name), out.t.dims, t, opts(m));
  },
  'yolo-fastestv2': (o, names, t, m) => {
    // the finer map (stride 16) first, whatever order the session lists them in
    const maps = ordered(o, names, m).map((x) => x.t).sort((a, b) => b.dims[1] - a.dims[1]);
    return decodeYoloFastestV2(maps, t, opts(m), m.decode?.anchors);
  },
  yunet: (o, names, t, m) => {
    const outs = ordered(o, names, m);
    const strides = m.decode?.strides ?? [8, 16, 32];
    // OpenCV zoo names: cls_8 ... kps_32; otherwise the 2023mar export's order
    const group = (kind: string, at: number) => strides.map((s, i) => (outs.find((x) => x.name === `${kind}_${s}`) ?? outs[at * strides.length + i]).t);
    return decodeYunet({ cls: group('cls', 0), obj: group('obj', 1), bbox: group('bbox', 2), kps: group('kps', 3) }, t, opts(m), strides);
  },
  scrfd: (o, names, t, m) => decodeScrfd(ordered(o, names, m).map((x) => x.t), t, opts(m), m.decode?.strides ?? [8, 16, 32]),
  ufld: (o, names, t, m) => {
    const [out] = ordered(o, names, m);
    return decodeRowAnchorLanes(f32(out.t, out.name), out.t.dims, t, { classes: m.classes, scoreThreshold: m.thresholds.score, rowAnchors: m.decode?.rowAnchors });
  },
  lstr: (o, names, t, m) => {
    const outs = ordered(o, names, m);
    const logits = outs.find((x) => x.name === 'pred_logits') ?? outs[0];
    const curves = outs.find((x) => x.name === 'pred_curves') ?? outs[1];
    return decodeLstr(f32(logits.t, logits.name), f32(curves.t, curves.name), t, { classes: m.classes, scoreThreshold: m.thresholds.score });
  },
  rtdetr: (o, names, t, m) => {
    const [out] = ordered(o, names, m);
    return decodeRtdetr(f32(out.t, out.name), out.t.dims, t, opts(m));
  },
};
