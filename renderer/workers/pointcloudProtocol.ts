/**
 * Messages between the renderer and the point-cloud worker, plus the request handler itself (kept
 * free of worker globals so it can be unit-tested in Node).
 */
import { parsePointCloud, PointCloudError, transferablesOf, type ParseOptions, type PointCloud } from '../../core/formats/pointcloud';
import { parsePointCloudChunks } from '../../core/formats/pointcloud/streamChunks';

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

/** A fetched body as it arrives: its chunks and its length when the server says it (null if not). */
export interface FetchedStream {
  chunks: AsyncIterable<Uint8Array>;
  size: number | null;
}

/**
 * `fetchBytes` (tests) gets the whole body; without it the body is streamed (`fetch` + its
 * reader) and parsed as it arrives, so a record file is never held whole in the worker (issue #19).
 */
export async function handlePointCloudRequest(
  request: PointCloudRequest,
  fetchBytes?: (url: string) => Promise<ArrayBuffer>,
  extraOptions: Pick<ParseOptions, 'lazPerf'> = {},
  fetchStream: (url: string) => Promise<FetchedStream> = defaultFetchStream,
): Promise<HandledResponse> {
  const { id, fileName } = request;
  let source: ArrayBuffer | FetchedStream;
  if ('bytes' in request) {
    source = request.bytes;
  } else {
    try {
      source = fetchBytes ? await fetchBytes(request.url) : await fetchStream(request.url);
    } catch (e) {
      return { response: { id, error: { code: 'fetch', message: `${fileName}: cannot fetch ${request.url}: ${(e as Error).message}` } }, transfer: [] };
    }
  }
  try {
    const options = { ...request.options, ...extraOptions };
    const cloud = 'chunks' in source ? await parsePointCloudChunks(source.chunks, source.size, fileName, options) : await parsePointCloud(source, fileName, options);
    return { response: { id, cloud }, transfer: transferablesOf(cloud) };
  } catch (e) {
    const error = e instanceof PointCloudError
      ? { code: e.code, message: e.message }
      : { code: 'internal', message: `${fileName}: ${(e as Error)?.message ?? String(e)}` };
    return { response: { id, error }, transfer: [] };
  }
}

async function defaultFetchStream(url: string): Promise<FetchedStream> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const length = res.headers.get('content-length');
  // A compressed transfer's Content-Length is not the file's: read the body whole then.
  const encoded = (res.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const size = length !== null && !encoded && /^\d+$/.test(length) ? Number(length) : null;
  if (!res.body) {
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { chunks: (async function* () { yield bytes; })(), size: bytes.length };
  }
  const reader = res.body.getReader();
  return {
    size,
    chunks: {
      async *[Symbol.asyncIterator]() {
        try {
          for (let r = await reader.read(); !r.done; r = await reader.read()) yield r.value;
        } finally {
          reader.releaseLock();
        }
      },
    },
  };
}
