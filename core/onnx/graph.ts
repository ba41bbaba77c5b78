/**
 * ONNX graphs written from TypeScript (onnx-proto, no Node I/O): the trainers of core/training export
 * their models with buildModel; tests use the tiny constant / identity models whose outputs are fixed tensors (Constant -> Identity), with the
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
  const model = onnx.ModelProto.create({ irVersion: 7, opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 13 })], producerName: 'datum', graph });
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
  const model = onnx.ModelProto.create({ irVersion: 7, opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 13 })], producerName: 'datum', graph });
  return onnx.ModelProto.encode(model).finish();
}

/** Element types the graph builder writes (ONNX TensorProto data types). */
export type GraphType = 'float32' | 'int32' | 'int64' | 'bool';
const DTYPE: Record<GraphType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

export interface GraphValue {
  name: string;
  /** -1 = a dynamic dimension. */
  dims: number[];
  type?: GraphType;
}

export interface GraphNode {
  op: string;
  inputs: string[];
  outputs: string[];
  /** Numbers are ints unless listed in `floatAttrs`; arrays become INTS/FLOATS; strings STRING. */
  attrs?: Record<string, number | number[] | string>;
  floatAttrs?: string[];
}

export interface GraphInitializer {
  name: string;
  dims: number[];
  data: Float32Array | Int32Array | BigInt64Array;
}

export interface GraphSpec {
  inputs: GraphValue[];
  outputs: GraphValue[];
  nodes: GraphNode[];
  initializers?: GraphInitializer[];
  opset?: number;
}

function typedValueInfo(v: GraphValue) {
  return onnx.ValueInfoProto.create({
    name: v.name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: DTYPE[v.type ?? 'float32'],
        shape: onnx.TensorShapeProto.create({ dim: v.dims.map((d, i) => onnx.TensorShapeProto.Dimension.create(d < 0 ? { dimParam: `${v.name}_d${i}` } : { dimValue: d })) }),
      }),
    }),
  });
}

function attribute(name: string, v: number | number[] | string, float: boolean) {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return onnx.AttributeProto.create({ name, type: A.STRING, s: new TextEncoder().encode(v) });
  if (Array.isArray(v)) return float ? onnx.AttributeProto.create({ name, type: A.FLOATS, floats: v }) : onnx.AttributeProto.create({ name, type: A.INTS, ints: v });
  return float ? onnx.AttributeProto.create({ name, type: A.FLOAT, f: v }) : onnx.AttributeProto.create({ name, type: A.INT, i: v });
}

/**
 * A real ONNX graph from nodes (any standard operator), typed inputs/outputs and initializers, so
 * a test can build a model whose outputs are known functions of its inputs.
 */
export function buildModel(spec: GraphSpec): Uint8Array {
  const initializer = (spec.initializers ?? []).map((t) => {
    const type: GraphType = t.data instanceof Float32Array ? 'float32' : t.data instanceof Int32Array ? 'int32' : 'int64';
    return onnx.TensorProto.create({ name: t.name, dims: t.dims, dataType: DTYPE[type], rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) });
  });
  const node = spec.nodes.map((n, i) =>
    onnx.NodeProto.create({
      opType: n.op,
      input: n.inputs,
      output: n.outputs,
      name: `${n.op}_${i}`,
      attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v, n.floatAttrs?.includes(k) ?? false)),
    }),
  );
  const graph = onnx.GraphProto.create({ name: 'test', node, initializer, input: spec.inputs.map(typedValueInfo), output: spec.outputs.map(typedValueInfo) });
  const model = onnx.ModelProto.create({ irVersion: 8, opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: spec.opset ?? 17 })], producerName: 'datum', graph });
  return onnx.ModelProto.encode(model).finish();
}
