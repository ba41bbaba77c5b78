/**
 * Host side of inference: one worker thread owns the ONNX Runtime sessions (so the main/host thread
 * never blocks on a model), cached per model id. Tensors are transferred, not copied.
 *
 * Worker entry: in the esbuild bundle `inference-worker.js` next to the bundle that contains this
 * module (built from main/services/inference/worker.ts); when this module runs from source (.ts under
 * vitest/tsx) it starts worker.ts through tsx's loader.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { IoInfo, LoadResult, Provider, WorkerReply, WorkerRequest } from './protocol';
import type { TensorData, Tensors } from './types';
import { unpackedUrl } from '../packaging/asar';
import { defaultIntraOpThreads } from './threads';

export type { Provider, IoInfo, LoadResult } from './protocol';

export interface RuntimeOptions {
  /** Worker entry; defaults to inference-worker.js beside the bundle, or worker.ts from source. */
  workerUrl?: URL;
  /** ONNX Runtime intra-op threads per session (default: defaultIntraOpThreads(), from the cores). */
  threads?: number;
  /** Providers to try, in order (default: `defaultProviders()`, or DATUM_INFERENCE_PROVIDERS=cuda,cpu). */
  providers?: Provider[];
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Only fetch these outputs. */
  outputs?: string[];
  /**
   * Called with the feeds, their buffers transferred back, once the worker has run them: for
   * callers that refill the same buffers image after image (the predictor's tensor pool).
   */
  recycle?: (feeds: Tensors) => void;
}

export interface LoadedModel extends LoadResult {
  modelId: string;
  path: string;
}

/** Execution providers worth trying on a platform, best first; CPU always last. */
export function defaultProviders(platform: NodeJS.Platform = process.platform): Provider[] {
  const env = process.env.DATUM_INFERENCE_PROVIDERS;
  if (env) return env.split(',').map((s) => s.trim()).filter(Boolean) as Provider[];
  if (platform === 'win32') return ['cuda', 'dml', 'cpu'];
  if (platform === 'darwin') return ['coreml', 'cpu'];
  if (platform === 'linux') return ['cuda', 'cpu'];
  return ['cpu'];
}

export function abortError(): Error {
  const e = new Error('inference cancelled');
  e.name = 'AbortError';
  return e;
}

function defaultWorkerUrl(): URL {
  if (import.meta.url.endsWith('.ts')) return new URL('./worker.ts', import.meta.url);
  // Bundled: beside the bundle; a packaged app runs it from app.asar.unpacked.
  return unpackedUrl(new URL('./inference-worker.js', import.meta.url));
}

function spawn(url: URL): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url);
  // Source mode (vitest/tsx). `execArgv: ['--import', 'tsx']` does not apply to the worker's entry
  // module on Node 20, so register tsx's ESM hooks first and then import the .ts entry.
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(code, { eval: true });
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  recycle?: (feeds: Tensors) => void;
}

export class InferenceRuntime {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly models = new Map<string, { path: string; providers: Provider[]; loaded?: Promise<LoadedModel>; provider?: Provider }>();
  private readonly workerUrl: URL;
  private readonly threads: number;
  private readonly providers: Provider[];
  private closed = false;

  constructor(options: RuntimeOptions = {}) {
    this.workerUrl = options.workerUrl ?? defaultWorkerUrl();
    this.threads = options.threads ?? defaultIntraOpThreads();
    this.providers = options.providers ?? defaultProviders();
  }

  private ensureWorker(): Worker {
    if (this.closed) throw new Error('inference runtime is closed');
    if (this.worker) return this.worker;
    const w = spawn(this.workerUrl);
    w.unref();
    w.on('message', (r: WorkerReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (this.pending.size === 0) w.unref();
      if (r.ok && r.returned) p.recycle?.(r.returned);
      if (r.ok) p.resolve(r.result);
      else p.reject(new Error(r.error));
    });
    const fail = (err: Error) => {
      if (this.worker !== w) return;
      this.worker = null;
      // sessions died with the worker: reload on next use
      for (const m of this.models.values()) m.loaded = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    w.on('error', (e) => fail(new Error(`inference worker failed: ${e.message}`)));
    w.on('exit', (code) => fail(new Error(`inference worker exited (code ${code})`)));
    this.worker = w;
    return w;
  }

  private call<T>(req: WithoutId<WorkerRequest>, transfer: ArrayBuffer[] = [], recycle?: (feeds: Tensors) => void): { id: number; promise: Promise<T> } {
    const w = this.ensureWorker();
    const id = this.nextId++;
    const promise = new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, recycle }));
    w.ref();
    w.postMessage({ ...req, id }, transfer);
    return { id, promise };
  }

  /** Open (or reuse) the session of a model. Loading the same id and path again is free. */
  load(modelId: string, path: string, options: { providers?: Provider[] } = {}): Promise<LoadedModel> {
    const providers = options.providers ?? this.providers;
    const known = this.models.get(modelId);
    if (known && known.path === path && known.loaded) return known.loaded;
    const entry = { path, providers, loaded: undefined as Promise<LoadedModel> | undefined, provider: undefined as Provider | undefined };
    this.models.set(modelId, entry);
    entry.loaded = this.call<LoadResult>({ op: 'load', modelId, path, providers, threads: this.threads }).promise.then(
      (r) => {
        entry.provider = r.provider;
        return { ...r, modelId, path };
      },
      (e) => {
        if (this.models.get(modelId) === entry) this.models.delete(modelId);
        throw e;
      },
    );
    return entry.loaded;
  }

  /** The execution provider actually running a loaded model ('cpu', 'cuda', ...). */
  providerFor(modelId: string): Provider | undefined {
    return this.models.get(modelId)?.provider;
  }

  /** Input/output names and shapes of a loaded model. */
  async describe(modelId: string): Promise<LoadedModel> {
    const m = this.models.get(modelId);
    if (!m) throw new Error(`model ${modelId} is not loaded`);
    return (m.loaded ??= this.load(modelId, m.path, { providers: m.providers }));
  }

  /**
   * Run a loaded model. The feeds' buffers are transferred to the worker (they are unusable here
   * afterwards). An abort rejects at once with an AbortError; a run already inside ONNX Runtime
   * finishes in the worker and its result is dropped.
   */
  async run(modelId: string, feeds: Tensors, options: RunOptions = {}): Promise<Tensors> {
    const { signal } = options;
    if (signal?.aborted) throw abortError();
    const m = this.models.get(modelId);
    if (!m) throw new Error(`model ${modelId} is not loaded`);
    if (!m.loaded) this.load(modelId, m.path, { providers: m.providers });
    await this.models.get(modelId)!.loaded;
    if (signal?.aborted) throw abortError();
    const transfer: ArrayBuffer[] = [];
    for (const t of Object.values(feeds)) {
      if (t.data.byteOffset !== 0 || t.data.byteLength !== t.data.buffer.byteLength || !(t.data.buffer instanceof ArrayBuffer)) t.data = t.data.slice() as TensorData['data'];
      if (!transfer.includes(t.data.buffer as ArrayBuffer)) transfer.push(t.data.buffer as ArrayBuffer);
    }
    const { recycle } = options;
    const { id, promise } = this.call<Tensors>({ op: 'run', modelId, feeds, outputs: options.outputs, giveBack: !!recycle }, transfer, recycle);
    if (!signal) return promise;
    return new Promise<Tensors>((resolve, reject) => {
      const onAbort = () => {
        // forget the request: its reply (when ONNX Runtime finishes) is ignored
        if (this.pending.delete(id) && this.pending.size === 0) this.worker?.unref();
        reject(abortError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
        (e) => { signal.removeEventListener('abort', onAbort); reject(e); },
      );
    });
  }

  /** Close a model's session. */
  async release(modelId: string): Promise<void> {
    if (!this.models.delete(modelId) || !this.worker) return;
    await this.call({ op: 'release', modelId }).promise;
  }

  /** How many sessions the worker has created so far, and which are open. */
  stats(): Promise<{ sessionsCreated: number; sessions: string[] }> {
    return this.call<{ sessionsCreated: number; sessions: string[] }>({ op: 'stats' }).promise;
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    for (const p of this.pending.values()) p.reject(new Error('inference runtime closed'));
    this.pending.clear();
    if (w) await w.terminate();
  }
}

