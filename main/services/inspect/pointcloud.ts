/**
 * `datum inspect <cloud> --json`: a summary of a point-cloud file. Parses in-process (the CLI is a
 * one-shot process with nothing else to keep responsive, and no worker entry to locate).
 */
import type { ParseOptions, PointCloudFormat, ScalarType, Vec3 } from '../../../core/formats/pointcloud';
import { readCloudFile } from '../pointcloud/readCloudFile';

export interface PointCloudInspection {
  format: PointCloudFormat;
  points: number;
  /** x, y, z first (as parsed: float32 relative to the cloud offset), then every other field. */
  fields: { name: string; type: ScalarType; count: number }[];
  bounds: { min: Vec3; max: Vec3 };
  width?: number;
  height?: number;
}

export async function inspectPointCloud(path: string, options: Omit<ParseOptions, 'lazPerf'> = {}): Promise<PointCloudInspection> {
  const cloud = await readCloudFile(path, options);
  return {
    format: cloud.format,
    points: cloud.count,
    fields: [
      ...['x', 'y', 'z'].map((name) => ({ name, type: 'float32' as const, count: 1 })),
      ...cloud.fields.map(({ name, type, count }) => ({ name, type, count })),
    ],
    bounds: cloud.bounds,
    ...(cloud.width !== undefined ? { width: cloud.width, height: cloud.height } : {}),
  };
}
