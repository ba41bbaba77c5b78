/**
 * Fetch a point cloud by URL and parse it in the point-cloud worker (PCD, PLY, LAS/LAZ, KITTI /
 * nuScenes .bin): the bytes are transferred to the worker and the parsed typed arrays come back
 * transferred, so the UI thread never touches per-point work beyond picking fields.
 */
import { PointCloudWorkerClient, type WorkerLike } from '../../workers/pointcloudClient';
import type { WorkerParseOptions } from '../../workers/pointcloudProtocol';
import type { PointCloud } from '../../../core/formats/pointcloud/types';

export interface LoadedCloud {
  count: number;
  /** x y z interleaved, relative to `offset`. */
  positions: Float32Array;
  offset: [number, number, number];
  intensity?: Float32Array;
  /** 0..1 colours, 3 per point, when the file has an `rgb` field. */
  rgb?: Float32Array;
  format: string;
  warnings: string[];
  /** Parse time in the worker and whether its wasm SIMD kernels ran (shown in the HUD tooltip). */
  decode?: { ms: number; simd: boolean };
}

let client: PointCloudWorkerClient | null = null;
function workerClient(): PointCloudWorkerClient {
  client ??= new PointCloudWorkerClient(
    () => new Worker(new URL('../../workers/pointcloud.worker.ts', import.meta.url), { type: 'module' }) as unknown as WorkerLike,
  );
  return client;
}

export async function loadCloud(url: string, fileName: string, signal?: AbortSignal, options?: WorkerParseOptions): Promise<LoadedCloud> {
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`${fileName}: HTTP ${res.status} ${await res.text()}`);
  const buf = await res.arrayBuffer();
  const cloud = await workerClient().parse(buf, fileName, options);
  signal?.throwIfAborted();
  return fromPointCloud(cloud);
}

/** Picks the fields the viewer uses (no copy when they already have the right type). */
export function fromPointCloud(cloud: PointCloud): LoadedCloud {
  const out: LoadedCloud = { count: cloud.count, positions: cloud.positions, offset: cloud.offset, format: cloud.format, warnings: cloud.warnings, decode: cloud.decode };
  const intensity = cloud.fields.find((f) => f.name === 'intensity' || f.name === 'reflectance' || f.name === 'scalar_intensity');
  if (intensity && intensity.count === 1) out.intensity = intensity.data instanceof Float32Array ? intensity.data : Float32Array.from(intensity.data);
  const rgb = cloud.fields.find((f) => f.name === 'rgb' && f.count === 3);
  if (rgb) {
    const c = new Float32Array(cloud.count * 3);
    const d = rgb.data;
    for (let i = 0; i < c.length; i++) c[i] = d[i] / 255;
    out.rgb = c;
  }
  return out;
}

/** Bytes a loaded cloud holds (its typed arrays), for the frame cache's budget. */
export function loadedCloudBytes(c: LoadedCloud): number {
  return c.positions.byteLength + (c.intensity?.byteLength ?? 0) + (c.rgb?.byteLength ?? 0);
}
