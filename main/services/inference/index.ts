/** Public surface of the inference layer (model library, worker runtime, adapters, pre-labelling). */
export { ModelManifest, ModelInput, MODEL_ADAPTERS, MODEL_TASKS, parseManifest, type ModelManifestInput } from './manifest';
export {
  appModelsDir,
  checkModelIo,
  discoverModels,
  importModel,
  inspectOnnx,
  readManifestFile,
  readModelFolder,
  sha256File,
  verifyModel,
  type DiscoverResult,
  type ImportManifest,
  type ImportOptions,
  type LibraryDirs,
  type ModelEntry,
  type ModelSource,
} from './library';
export { InferenceRuntime, abortError, defaultProviders, type LoadedModel, type RunOptions, type RuntimeOptions } from './runtime';
export type { IoInfo, LoadResult, Provider } from './protocol';
export { openPredictor, type BatchItem, type BatchOptions, type Predictor } from './predictor';
export { openSam, SamSession, samDecode, samPromptFeeds, type SamEmbedding, type SamPrompt } from './adapters/sam';
export { DECODERS, decoderFor, type Decoder } from './adapters';
export { decodeYolox, decodeYolov5, decodeYolov8, decodeYolov8Seg, type DecodeOptions } from './adapters/yolo';
export { decodeUltraface } from './adapters/ultraface';
export { decodeDb, type DbOptions } from './adapters/ppocrDet';
export { openDetector3d, pillarFeeds, decodeDetections, type Detector3D } from './detector3d';
export { anchorGrid, anchorCandidates, featureMap, limitPeriod, suppress } from './adapters/pointpillars';
export { bindPointPillars, INPUT_NAMES, type PillarBinding } from './adapters/pointpillarsIo';
export { preprocess, planResize, packTensor, imageSize, type ImageSource, type RawImage, type Prepared } from './preprocess';
export { nms, iou, clampBox, type Candidate } from './nms';
export { connectedComponents, convexHull, minAreaRect, rectCorners, traceOuterContour, simplifyPolygon, maskToPolygon, polygonArea, type RotatedRect } from './contours';
export type { BoxPrediction, CuboidPrediction, ImageTransform, MaskPrediction, PolygonPrediction, Prediction, TensorData, TensorType, Tensors } from './types';
