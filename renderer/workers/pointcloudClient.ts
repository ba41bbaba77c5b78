/**
 * Promise API over the point-cloud worker. The Worker is created through a factory so tests (and
 * hosts with their own bundling) can substitute it.
 */
import { PointCloudError, type PointCloud, type PointCloudErrorCode } from '../../core/formats/pointcloud';
import type { PointCloudRequest, PointCloudResponse, WorkerParseOptions } from './pointcloudProtocol';

/** The part of the DOM Worker interface the client uses. */
export interface WorkerLike {
  postMessage(message: PointCloudRequest, transfer: Transferable[]): void;
  onmessage: ((event: { data: PointCloudResponse }) => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
  terminate(): void;
}

export type WorkerFactory = () => WorkerLike;

export const defaultWorkerFactory: WorkerFactory = () =>
  new Worker(new URL('./pointcloud.worker.ts', import.meta.url), { type: 'module' }) as unknown as WorkerLike;

interface Pending {
  fileName: string;
  resolve: (cloud: PointCloud) => void;
  reject: (error: Error) => void;
}

export class PointCloudWorkerClient {
  private worker: WorkerLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly createWorker: WorkerFactory = defaultWorkerFactory) {}

  /**
   * Parses a URL (fetched inside the worker) or bytes. Bytes are transferred: the caller's
   * ArrayBuffer is detached afterwards (a Uint8Array that views only part of its buffer is copied).
   */
  parse(source: string | ArrayBuffer | Uint8Array, fileName: string, options?: WorkerParseOptions): Promise<PointCloud> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<PointCloud>((resolve, reject) => {
      this.pending.set(id, { fileName, resolve, reject });
      if (typeof source === 'string') {
        worker.postMessage({ id, url: source, fileName, options }, []);
        return;
      }
      const bytes = source instanceof Uint8Array ? ownBuffer(source) : source;
      worker.postMessage({ id, bytes, fileName, options }, [bytes]);
    });
  }

  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
    this.failAll('point cloud worker terminated');
  }

  private ensureWorker(): WorkerLike {
    if (this.worker) return this.worker;
    const worker = this.createWorker();
    worker.onmessage = ({ data }) => this.settle(data);
    worker.onerror = (event) => {
      // A worker-level error (e.g. the script failed to load) loses every request in flight.
      this.worker?.terminate();
      this.worker = null;
      this.failAll(`point cloud worker failed: ${event.message ?? 'unknown error'}`);
    };
    this.worker = worker;
    return worker;
  }

  private settle(data: PointCloudResponse): void {
    const entry = this.pending.get(data.id);
    if (!entry) return;
    this.pending.delete(data.id);
    if ('cloud' in data) {
      entry.resolve(data.cloud);
      return;
    }
    const prefix = `${entry.fileName}: `;
    const problem = data.error.message.startsWith(prefix) ? data.error.message.slice(prefix.length) : data.error.message;
    entry.reject(new PointCloudError(entry.fileName, problem, data.error.code as PointCloudErrorCode));
  }

  private failAll(message: string): void {
    for (const [id, entry] of this.pending) {
      this.pending.delete(id);
      entry.reject(new PointCloudError(entry.fileName, message, 'io'));
    }
  }
}

function ownBuffer(view: Uint8Array): ArrayBuffer {
  if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer) return view.buffer;
  return view.slice().buffer as ArrayBuffer;
}

let shared: PointCloudWorkerClient | null = null;

/** One-call API: parses in a shared worker (created on first use by `createWorker`). */
export function parseInWorker(source: string | ArrayBuffer | Uint8Array, fileName: string, options?: WorkerParseOptions, createWorker?: WorkerFactory): Promise<PointCloud> {
  if (createWorker) {
    // A dedicated worker for this one call, released once it answers.
    const client = new PointCloudWorkerClient(createWorker);
    return client.parse(source, fileName, options).finally(() => client.terminate());
  }
  shared ??= new PointCloudWorkerClient();
  return shared.parse(source, fileName, options);
}
