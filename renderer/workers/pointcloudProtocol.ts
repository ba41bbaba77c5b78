/**
 * Messages between the renderer and the point-cloud worker, plus the request handler itself (kept
 * free of worker globals so it can be unit-tested in Node).
 */
import { parsePointCloud, PointCloudError, transferablesOf, type ParseOptions, type PointCloud } from '../../core/formats/pointcloud';

/** Options that survive structured clone (the laz-perf factory is a function, so it stays out). */
export type WorkerParseOptions = Omit<ParseOptions, 'lazPerf'>;

export type PointCloudRequest =
  | { id: number; bytes: ArrayBuffer; fileName: string; options?: WorkerParseOptions }
  | { id: number; url: string; fileName: string; options?: WorkerParseOptions };

export interface PointCloudWorkerError {
  /** A PointCloudErrorCode, or 'fetch' / 'internal'. */
  code: string;
  message: string;
}

export type PointCloudResponse = { id: number; cloud: PointCloud } | { id: number; error: PointCloudWorkerError };

export interface HandledResponse {
  response: PointCloudResponse;
  /** Buffers to move (not copy) with postMessage. */
  transfer: ArrayBuffer[];
}

export async function handlePointCloudRequest(
  request: PointCloudRequest,
  fetchBytes: (url: string) => Promise<ArrayBuffer> = defaultFetch,
  extraOptions: Pick<ParseOptions, 'lazPerf'> = {},
): Promise<HandledResponse> {
  const { id, fileName } = request;
  let bytes: ArrayBuffer;
  if ('bytes' in request) {
    bytes = request.bytes;
  } else {
    try {
      bytes = await fetchBytes(request.url);
    } catch (e) {
      return { response: { id, error: { code: 'fetch', message: `${fileName}: cannot fetch ${request.url}: ${(e as Error).message}` } }, transfer: [] };
    }
  }
  try {
    const cloud = await parsePointCloud(bytes, fileName, { ...request.options, ...extraOptions });
    return { response: { id, cloud }, transfer: transferablesOf(cloud) };
  } catch (e) {
    const error = e instanceof PointCloudError
      ? { code: e.code, message: e.message }
      : { code: 'internal', message: `${fileName}: ${(e as Error)?.message ?? String(e)}` };
    return { response: { id, error }, transfer: [] };
  }
}

async function defaultFetch(url: string): Promise<ArrayBuffer> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.arrayBuffer();
}
