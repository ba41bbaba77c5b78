/** Test helper: the ONNX graph builder now lives in core/onnx/graph.ts (the trainers export with it). */
export * from '../../../../core/onnx/graph';
