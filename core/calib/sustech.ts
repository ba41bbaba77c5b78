/**
 * SUSTechPOINTS camera calibration JSON: `intrinsic` (9 numbers, 3x3 row-major) and `extrinsic`
 * (16 numbers, 4x4 row-major LiDAR -> camera).
 */
import type { CameraModel } from './camera';
import { FileFormatError } from './errors';

function numbers(value: unknown, n: number, file: string, field: string): number[] {
  if (!Array.isArray(value)) throw new FileFormatError(file, `"${field}" is missing or not an array`);
  if (value.length !== n) throw new FileFormatError(file, `"${field}" has ${value.length} numbers, expected ${n}`);
  const bad = value.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) throw new FileFormatError(file, `"${field}"[${bad}] is not a number`);
  return value as number[];
}

export function parseSustechCalib(text: string, file = 'calib.json', width = 2048, height = 1536, name?: string): CameraModel {
  let json: { intrinsic?: unknown; extrinsic?: unknown };
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FileFormatError(file, `not valid JSON (${(e as Error).message})`);
  }
  return {
    name,
    width,
    height,
    K: numbers(json.intrinsic, 9, file, 'intrinsic'),
    lidarToCamera: numbers(json.extrinsic, 16, file, 'extrinsic'),
  };
}
