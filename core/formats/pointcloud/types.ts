/**
 * Shared types for point-cloud parsing. Everything here is pure data: no Node APIs, no DOM, so the
 * same parsers run in a browser worker, a Node worker thread and the CLI.
 */

export type ScalarType = 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32';

export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array;

export type PointCloudFormat = 'pcd' | 'kitti-bin' | 'nuscenes-bin' | 'bin' | 'ply' | 'las' | 'laz';

/** One per-point attribute besides x, y, z. `data.length === cloud.count * count`, interleaved per point. */
export interface PointField {
  name: string;
  type: ScalarType;
  /** Components per point (e.g. 3 for `rgb`, 33 for an FPFH histogram). */
  count: number;
  data: TypedArray;
}

export type Vec3 = [number, number, number];

export interface PointCloud {
  format: PointCloudFormat;
  count: number;
  /** x y z interleaved, relative to `offset` (original = positions + offset). */
  positions: Float32Array;
  /** Subtracted from every coordinate before the float32 conversion; [0,0,0] unless recentred. */
  offset: Vec3;
  fields: PointField[];
  /** Organized clouds (PCD WIDTH x HEIGHT) only; absent once NaN points are dropped. */
  width?: number;
  height?: number;
  /** PCD VIEWPOINT: tx ty tz qw qx qy qz. */
  viewpoint?: number[];
  /** In original coordinates (offset included); non-finite points are ignored. */
  bounds: { min: Vec3; max: Vec3 };
  warnings: string[];
  /** How the parse went: wall time, and whether the wasm SIMD kernels were available to it. */
  decode?: { ms: number; simd: boolean };
}

/** Layout of a headerless binary file: `stride` bytes per point, little-endian fields at `offset`. */
export interface BinLayout {
  stride: number;
  fields: { name: string; type: ScalarType; offset: number; count?: number }[];
}

/** Minimal surface of the laz-perf WASM module that the LAZ reader uses. */
export interface LazPerfModule {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  LASZip: new () => {
    open(ptr: number, length: number): void;
    getPoint(dest: number): void;
    getCount(): number;
    getPointLength(): number;
    getPointFormat(): number;
    delete(): void;
  };
}

export interface ParseOptions {
  /** Drop points whose x, y or z is not finite (organized clouds become unorganized). Default false. */
  dropNaN?: boolean;
  /** Required for generic `.bin` files; KITTI / nuScenes layouts are known. */
  binLayout?: BinLayout;
  /** Overrides how the laz-perf module is created (e.g. to point `locateFile` at a bundled wasm URL). */
  lazPerf?: () => Promise<LazPerfModule>;
}

export type PointCloudErrorCode =
  | 'unknown-format'
  | 'missing-header'
  | 'bad-header'
  | 'unsupported'
  | 'truncated'
  | 'corrupt'
  | 'io';

/** A file we refuse to read. The message always starts with the file name, then the problem. */
export class PointCloudError extends Error {
  override readonly name = 'PointCloudError';
  constructor(
    readonly fileName: string,
    readonly problem: string,
    readonly code: PointCloudErrorCode = 'bad-header',
  ) {
    super(`${fileName}: ${problem}`);
  }
}

export const BYTES_PER_ELEMENT: Record<ScalarType, number> = {
  float32: 4,
  float64: 8,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
};

export function createTypedArray(type: ScalarType, length: number): TypedArray {
  switch (type) {
    case 'float32': return new Float32Array(length);
    case 'float64': return new Float64Array(length);
    case 'int8': return new Int8Array(length);
    case 'uint8': return new Uint8Array(length);
    case 'int16': return new Int16Array(length);
    case 'uint16': return new Uint16Array(length);
    case 'int32': return new Int32Array(length);
    case 'uint32': return new Uint32Array(length);
  }
}

/** How the host streams a record file (see stream.ts, which makes these). */
export interface StreamPlan {
  format: PointCloudFormat;
  /** Byte offset of the first record. */
  bodyStart: number;
  recordSize: number;
  count: number;
  /** Decodes `n` whole records (`records` starts at a record boundary) as records first .. first + n - 1. */
  decode(records: Uint8Array, first: number, n: number): void;
  /** Bytes after the last record that the plan wants to see (whitespace or not, for a warning). */
  trailer?: { start: number; end: number; inspect(bytes: Uint8Array): void };
  /** The cloud's parts (columns.ts's CloudParts, spelled out here so types.ts imports nothing). */
  finish(): Omit<PointCloud, 'format' | 'bounds' | 'decode'> & { bounds?: { min: Vec3; max: Vec3 } };
}

