/**
 * Test helper: the real UltraFace RFB-320 graph with its post-processing cut off, as exports
 * "without post-processing" (for NCNN / MNN) ship it: `scores` are the classifier's logits (no
 * Softmax) and `boxes` the raw location regressions (no prior-box decoding). `keepSoftmax` keeps
 * the Softmax and cuts only the box decoding.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export function writeUltrafaceWithoutPostprocessing(src: string, dest: string, keepSoftmax = false): string {
  const model = onnx.ModelProto.decode(readFileSync(src));
  const g = model.graph!;
  const nodes = g.node ?? [];
  const softmaxAt = nodes.findIndex((n) => n.opType === 'Softmax' && n.output?.[0] === 'scores');
  if (softmaxAt < 0) throw new Error(`${src}: no Softmax producing "scores" (not the RFB-320 export)`);
  const softmax = nodes[softmaxAt];
  const logits = softmax.input![0];
  // the box decoding starts with a Slice of the concatenated locations, right after the Softmax
  const locations = nodes[softmaxAt + 1].input![0];
  g.node = nodes.slice(0, softmaxAt);
  for (const n of g.node) n.output = (n.output ?? []).map((o) => (o === locations ? 'boxes' : o === logits && !keepSoftmax ? 'scores' : o));
  if (keepSoftmax) g.node.push(softmax);
  writeFileSync(dest, onnx.ModelProto.encode(model).finish());
  return dest;
}
