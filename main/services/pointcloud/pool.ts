/**
 * A small pool of worker threads that read and parse point-cloud files for the Node host and CLI.
 *
 * Worker location: by default `./pointcloud-worker.js` next to this module's URL (the esbuild output). When
 * this module runs from TypeScript source (vitest, tsx) it uses `./worker.ts`, loaded through a
 * bootstrap that registers tsx inside the thread (Node 20 does not apply `--import tsx` from a
 * worker's execArgv to the worker's entry module). In a CommonJS bundle (no import.meta.url) it
 * looks in __dirname. Hosts with another layout pass `workerUrl`.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PointCloudError, type PointCloud, type PointCloudErrorCode } from '../../../core/formats/pointcloud';
import type { NodeParseRequest, NodeParseResponse, NodeWorkerParseOptions } from './protocol';
import { unpackedUrl } from '../packaging/asar';

export interface PointCloudPoolOptions {
  /** Worker threads at most; default: cores - 1, between 1 and 4. */
  size?: number;
  workerUrl?: URL;
  /** Extra Node flags for the worker threads. */
  execArgv?: string[];
}

interface Task {
  request: NodeParseRequest;
  fileName: string;
  resolve: (cloud: PointCloud) => void;
  reject: (error: Error) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
}

const isTypeScript = (url: URL) => /\.[cm]?ts$/.test(url.pathname);

export function defaultWorkerUrl(): URL {
  const here = typeof import.meta !== 'undefined' ? (import.meta as { url?: string }).url : undefined;
  if (here && isTypeScript(new URL(here))) return new URL('./worker.ts', here);
  // In the bundle (dist/main/) the worker is emitted beside it as pointcloud-worker.js; a packaged
  // app runs it from app.asar.unpacked (worker threads cannot load scripts from inside app.asar).
  if (here) return unpackedUrl(new URL('./pointcloud-worker.js', here));
  return unpackedUrl(pathToFileURL(join(__dirname, 'pointcloud-worker.js')));
}

function startWorker(url: URL, execArgv: string[]): Worker {
  if (!isTypeScript(url)) return new Worker(url, { execArgv });
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, execArgv });
}

function abortError(fileName: string): Error {
  const error = new PointCloudError(fileName, 'parsing aborted', 'io');
  Object.defineProperty(error, 'name', { value: 'AbortError' });
  return error;
}

export class PointCloudWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private readonly size: number;
  private readonly workerUrl: URL;
  private readonly execArgv: string[];
  private nextId = 1;
  private closed = false;

  constructor(options: PointCloudPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? Math.min(4, Math.max(1, availableParallelism() - 1)));
    this.workerUrl = options.workerUrl ?? defaultWorkerUrl();
    this.execArgv = options.execArgv ?? [];
  }

  parse(path: string, options?: NodeWorkerParseOptions, signal?: AbortSignal): Promise<PointCloud> {
    const fileName = basename(path);
    if (this.closed) return Promise.reject(new PointCloudError(fileName, 'point cloud pool is closed', 'io'));
    if (signal?.aborted) return Promise.reject(abortError(fileName));
    return new Promise<PointCloud>((resolve, reject) => {
      const task: Task = { request: { id: this.nextId++, path, options }, fileName, resolve, reject, signal };
      if (signal) {
        task.onAbort = () => this.abort(task);
        signal.addEventListener('abort', task.onAbort, { once: true });
      }
      this.queue.push(task);
      this.pump();
    });
  }

  /** Terminates every worker; pending parses are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) this.finish(task, new PointCloudError(task.fileName, 'point cloud pool is closed', 'io'));
    await Promise.all(this.slots.splice(0).map((slot) => {
      if (slot.task) this.finish(slot.task, new PointCloudError(slot.task.fileName, 'point cloud pool is closed', 'io'));
      slot.task = null;
      return slot.worker.terminate();
    }));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.task === null);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const task = this.queue.shift()!;
      slot.task = task;
      slot.worker.ref();
      slot.worker.postMessage(task.request);
    }
  }

  private spawn(): Slot {
    const worker = startWorker(this.workerUrl, this.execArgv);
    const slot: Slot = { worker, task: null };
    worker.on('message', (response: NodeParseResponse) => {
      const task = slot.task;
      if (!task || task.request.id !== response.id) return;
      slot.task = null;
      // Idle workers must not keep the host process (or a CLI run) alive.
      worker.unref();
      if ('cloud' in response) this.finish(task, null, response.cloud);
      else this.finish(task, new PointCloudError(response.error.fileName, response.error.problem, response.error.code as PointCloudErrorCode));
      this.pump();
    });
    const fail = (why: string) => {
      this.remove(slot);
      if (slot.task) this.finish(slot.task, new PointCloudError(slot.task.fileName, `point cloud worker ${why}`, 'io'));
      slot.task = null;
      this.pump();
    };
    worker.on('error', (e) => fail(`failed: ${e.message}`));
    worker.on('exit', (code) => fail(`exited with code ${code}`));
    this.slots.push(slot);
    return slot;
  }

  private remove(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
  }

  private abort(task: Task): void {
    const queued = this.queue.indexOf(task);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.finish(task, abortError(task.fileName));
      return;
    }
    const slot = this.slots.find((s) => s.task === task);
    if (!slot) return;
    // A parse is synchronous inside the worker: the only way to stop it is to end the thread.
    slot.task = null;
    this.remove(slot);
    void slot.worker.terminate();
    this.finish(task, abortError(task.fileName));
    this.pump();
  }

  private finish(task: Task, error: Error | null, cloud?: PointCloud): void {
    if (task.signal && task.onAbort) task.signal.removeEventListener('abort', task.onAbort);
    if (error) task.reject(error);
    else task.resolve(cloud!);
  }
}

let sharedPool: PointCloudWorkerPool | null = null;

/** Reads and parses a file in a worker thread (shared pool, created on first use). */
export function parsePointCloudFile(path: string, options?: NodeWorkerParseOptions, signal?: AbortSignal): Promise<PointCloud> {
  sharedPool ??= new PointCloudWorkerPool();
  return sharedPool.parse(path, options, signal);
}

/** Closes the shared pool (tests, shutdown). */
export async function closePointCloudPool(): Promise<void> {
  const pool = sharedPool;
  sharedPool = null;
  await pool?.close();
}
