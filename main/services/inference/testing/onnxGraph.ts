/**
 * Test helper: tiny ONNX models whose outputs are fixed tensors (Constant -> Identity), with the
 * input names and shapes of a real export, so adapters can be tested through a real session.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export interface ConstOutput {
  name: string;
  dims: number[];
  data: Float32Array;
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;

function valueInfo(name: string, dims: number[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: FLOAT,
        shape: onnx.TensorShapeProto.create({ dim: dims.map((d) => onnx.TensorShapeProto.Dimension.create(d < 0 ? { dimParam: `d${Math.abs(d)}` } : { dimValue: d })) }),
      }),
    }),
  });
}

/** A model with float inputs (ignored) and constant float outputs. */
export function constantModel(inputs: { name: string; dims: number[] }[], outputs: ConstOutput[]): Uint8Array {
  const initializer = outputs.map((o) =>
    onnx.TensorProto.create({ name: `${o.name}__value`, dims: o.dims, dataType: FLOAT, rawData: new Uint8Array(o.data.buffer, o.data.byteOffset, o.data.byteLength) }),
  );
  const node = outputs.map((o) => onnx.NodeProto.create({ opType: 'Identity', input: [`${o.name}__value`], output: [o.name], name: `id_${o.name}` }));
  const graph = onnx.GraphProto.create({
    name: 'const',
    node,
    initializer,
    input: inputs.map((i) => valueInfo(i.name, i.dims)),
    output: outputs.map((o) => valueInfo(o.name, o.dims)),
  });
  const model = onnx.ModelProto.create({ irVersion: 7, opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 13 })], producerName: 'datum-test', graph });
  return onnx.ModelProto.encode(model).finish();
}

/** input -> Identity -> output, float, with the given dims (-1 = dynamic, e.g. the batch). */
export function identityModel(inputName: string, outputName: string, dims: number[]): Uint8Array {
  const graph = onnx.GraphProto.create({
    name: 'identity',
    node: [onnx.NodeProto.create({ opType: 'Identity', input: [inputName], output: [outputName], name: 'id' })],
    input: [valueInfo(inputName, dims)],
    output: [valueInfo(outputName, dims)],
  });
  const model = onnx.ModelProto.create({ irVersion: 7, opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 13 })], producerName: 'datum-test', graph });
  return onnx.ModelProto.encode(model).finish();
}
