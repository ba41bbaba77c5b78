/**
 * Shared shapes of the inference layer: tensors that cross the worker boundary and predictions in
 * the image's own pixel coordinates.
 */

export type TensorType = 'float32' | 'int64' | 'int32' | 'uint8' | 'bool';

/** A tensor as plain data (what crosses postMessage; `data` is transferred, not copied). */
export interface TensorData {
  type: TensorType;
  dims: number[];
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
}

export type Tensors = Record<string, TensorData>;

export interface BoxPrediction {
  label: string;
  score: number;
  /** [x1, y1, x2, y2] in the source image's pixels. */
  box: [number, number, number, number];
  /** Face detectors (YuNet, SCRFD): 5 landmarks, flat [x0, y0, ...] in source pixels (adapters/detectors2d.ts FACE_LANDMARKS). */
  keypoints?: number[];
}
export interface PolygonPrediction {
  label: string;
  score: number;
  /** Flat [x0, y0, x1, y1, ...] in the source image's pixels. */
  polygon: number[];
}
export interface MaskPrediction {
  label: string;
  score: number;
  /** COCO uncompressed RLE (column-major counts starting with background), size [height, width]. */
  mask: { size: [number, number]; counts: number[] };
  /** Bounding box of the mask, when the adapter knows it. */
  box?: [number, number, number, number];
  /** Outer contour of the largest region, simplified, when the adapter computes it. */
  polygon?: number[];
}
/** An open line (lane detectors), flat [x0, y0, x1, y1, ...] in the source image's pixels. */
export interface PolylinePrediction {
  label: string;
  score: number;
  polyline: number[];
}
export type Prediction = BoxPrediction | PolygonPrediction | MaskPrediction | PolylinePrediction;

/** Where the network input came from in the source image: source = (net - pad) / scale. */
export interface ImageTransform {
  /** Source image size. */
  width: number;
  height: number;
  /** Network input size. */
  inputWidth: number;
  inputHeight: number;
  scaleX: number;
  scaleY: number;
  padX: number;
  padY: number;
}

export function f32(t: TensorData | undefined, what: string): Float32Array {
  if (!t) throw new Error(`model output ${what} is missing`);
  if (!(t.data instanceof Float32Array)) throw new Error(`model output ${what} is ${t.type}, expected float32`);
  return t.data;
}

/** A 3D box from a LiDAR detector, in the point cloud file's own frame (yaw about +z from +x). */
export interface CuboidPrediction {
  label: string;
  score: number;
  cuboid: { center: [number, number, number]; size: [number, number, number]; yaw: number };
}
