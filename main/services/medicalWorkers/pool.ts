/**
 * Worker threads that fill DICOM volumes for the host (issue #18, "faster volumes"): each thread
 * reads a slice's pixel bytes from its file straight into one SharedArrayBuffer-backed volume,
 * masks, rescales and scans min/max in place (or decodes a compressed file's frames there), so
 * the rescale and the codecs run on several cores beside the reads and the host's event loop
 * stays free during a load. The volume is never copied or transferred.
 *
 * Threads start on the first load that is worth them (`worthIt`: tiny series stay on the calling
 * thread) or when groupDicomFolder sees a large folder (`warm`), and are reused by later loads;
 * idle threads do not keep the process alive. Until the first thread is up the calling thread
 * fills slices itself (a cold start costs 40-500 ms on the loaded dev machine), so a first load
 * never waits for them. A thread that cannot start at all (no worker file) leaves the pool
 * unusable: a warning, and volumes are built on the calling thread. A thread that dies during a
 * load fails that load with an error naming the file it was on; the pool replaces it and the next
 * load works.
 *
 * Worker location, as main/services/pointcloud/pool.ts: `./medical-worker.js` beside the bundle
 * (dist/main, or app.asar.unpacked in a packaged app), `./worker.ts` through tsx from source.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MedicalFormatError } from '../../../core/medical/types';
import { errorMessage, fillSliceTask, type ParallelSliceFiller, type SliceOutcome, type SliceTask } from '../../../core/medical/series';
import { unpackedUrl } from '../packaging/asar';
import { registerHostCodecs } from '../medicalCodecs';
import { taskIo } from './fileIo';
import type { FillReply, FillRequest } from './protocol';

export interface MedicalPoolOptions {
  /** Threads at most; default min(cores, 4). */
  size?: number;
  workerUrl?: URL;
  /** Smallest volume (voxels) that goes to the threads; default MIN_PARALLEL_VOXELS (tests: 0). */
  minVoxels?: number;
}

/**
 * Smallest volume (voxels) that goes to the threads. `npm run bench medical` with
 * DATUM_BENCH_CUTOFF=1 (docs/medical.md; fresh processes, threads forced on, n = 5 each, two runs at
 * load 13-20 on 2 cores): cold, 4 / 16 / 64 slices of 512 x 512 took 193-320 / 245-649 / 442-912 ms
 * against 83-311 / 162-233 / 396-621 ms on the calling thread alone (thread start-up not repaid);
 * with the threads already running, 16 slices were still slower (1.18-1.67x) and 64 faster
 * (0.55-0.90x); 300 slices took 0.6-0.8x the calling thread's time cold. So: 64 slices.
 */
export const MIN_PARALLEL_VOXELS = 64 * 512 * 512;

/** Tasks posted to one thread before it answers: the next one is queued while it works. */
const IN_FLIGHT_PER_THREAD = 2;

interface Load {
  root: string;
  volume: Int16Array;
  nx: number;
  ny: number;
  queue: SliceTask[];
  remaining: number;
  onOutcome: (o: SliceOutcome) => void;
  settle: (error: Error | null, filled: boolean) => void;
  done: boolean;
}

interface Job {
  load: Load;
  task: SliceTask;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  jobs: Map<number, Job>;
}

const isTypeScript = (url: URL) => /\.[cm]?ts$/.test(url.pathname);

export function defaultWorkerUrl(): URL {
  // import.meta.url: this module from source, the ESM bundle, or (build-main's define) electron.cjs.
  const here = new URL(import.meta.url);
  if (isTypeScript(here)) return new URL('./worker.ts', here);
  // In dist/main the worker is emitted beside the bundle; a packaged app runs it from
  // app.asar.unpacked (worker threads cannot load scripts from inside app.asar).
  return unpackedUrl(new URL('./medical-worker.js', here));
}

function startWorker(url: URL): Worker {
  // execArgv []: a thread must not inherit the host's flags (`--import tsx` under the bench made
  // each thread load tsx: hundreds of ms per start under load).
  if (!isTypeScript(url)) return new Worker(url, { execArgv: [] });
  // Node 20 does not apply `--import tsx` to a worker's entry: register tsx inside the thread.
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  return new Worker(`import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`, { eval: true });
}

export class MedicalWorkerPool {
  readonly size: number;
  private readonly workerUrl: URL;
  private readonly minVoxels: number;
  private readonly slots: Slot[] = [];
  private readonly loads: Load[] = [];
  private nextId = 1;
  /** Why threads cannot be used here (set when one died before it started); null while usable. */
  private unusable: string | null = null;
  private closed = false;

  constructor(options: MedicalPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? Math.min(availableParallelism(), 4));
    this.workerUrl = options.workerUrl ?? defaultWorkerUrl();
    this.minVoxels = options.minVoxels ?? MIN_PARALLEL_VOXELS;
  }

  /** Why the pool fell back to the calling thread for good, or null. */
  get problem(): string | null {
    return this.unusable;
  }

  /** Slice outcomes the threads have reported so far (for tests and diagnostics). */
  slicesFilled = 0;

  /** Threads started (for tests and diagnostics). */
  get threads(): number {
    return this.slots.length;
  }

  /** Threads started and ready for work. */
  get readyThreads(): number {
    return this.slots.filter((s) => s.ready).length;
  }

  /** The ParallelSliceFiller of a PixelReader over files below `root`. */
  forRoot(root: string): ParallelSliceFiller {
    return {
      worthIt: (sliceVoxels, slices) => !this.closed && !this.unusable && sliceVoxels * slices >= this.minVoxels,
      // (unusable: buildVolume takes its own calling-thread path, the same work without the queue.)
      fill: (tasks, volume, nx, ny, onOutcome) => this.fill(root, tasks, volume, nx, ny, onOutcome),
    };
  }

  /** Start the threads now (a load is coming: their start-up overlaps the header reads). */
  warm(): void {
    if (this.closed || this.unusable) return;
    while (this.slots.length < this.size) this.spawn();
    for (const slot of this.slots) if (slot.jobs.size === 0) slot.worker.unref();
  }

  /**
   * Run `tasks` on the threads (or here, until one is up). Resolves true when every slice has an
   * outcome, false when the pool is closed (the caller builds on its own thread); rejects when a
   * thread died on a file of this load.
   */
  fill(root: string, tasks: SliceTask[], volume: Int16Array, nx: number, ny: number, onOutcome: (o: SliceOutcome) => void): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (!(volume.buffer instanceof SharedArrayBuffer)) return Promise.reject(new Error('MedicalWorkerPool.fill needs a volume in a SharedArrayBuffer'));
    if (tasks.length === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve, reject) => {
      const load: Load = {
        root,
        volume,
        nx,
        ny,
        queue: [...tasks],
        remaining: tasks.length,
        onOutcome,
        done: false,
        settle: (error, filled) => {
          if (load.done) return;
          load.done = true;
          load.queue.length = 0;
          this.loads.splice(this.loads.indexOf(load), 1);
          // Let the threads drop their views on this volume now (worker.ts: `release`).
          if (this.loads.length === 0) for (const slot of this.slots) if (slot.ready) slot.worker.postMessage({ release: true });
          if (error) reject(error);
          else resolve(filled);
        },
      };
      this.loads.push(load);
      this.pump();
    });
  }

  /** Ends every thread; loads in progress fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const load of [...this.loads]) load.settle(new Error('the medical worker pool was closed'), false);
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private nextJob(): Job | null {
    for (const load of this.loads) {
      const task = load.queue.shift();
      if (task) return { load, task };
    }
    return null;
  }

  private pump(): void {
    const waiting = this.loads.reduce((n, l) => n + l.queue.length, 0);
    if (waiting === 0) return;
    if (!this.unusable) while (this.slots.length < this.size) this.spawn();
    // Until a thread is up (a cold start costs 40-500 ms here, under load) the calling thread
    // fills slices itself, so a first load does not wait for the threads and a host where they
    // cannot start still builds. Once one is up, the calling thread only dispatches.
    if (!this.slots.some((s) => s.ready)) return this.helpHere();
    // Round-robin one task at a time so every thread gets work before any gets its second.
    for (let round = 0; round < IN_FLIGHT_PER_THREAD; round++) {
      for (const slot of this.slots) {
        if (!slot.ready || slot.jobs.size > round) continue;
        const job = this.nextJob();
        if (!job) return;
        const id = this.nextId++;
        slot.jobs.set(id, job);
        slot.worker.ref();
        const { root, volume, nx, ny } = job.load;
        slot.worker.postMessage({ id, root, volume, nx, ny, task: job.task } satisfies FillRequest);
      }
    }
  }

  /** Hand a task's outcomes to its load (from a thread or from helpHere). */
  private deliver({ load, task }: Job, outcomes: SliceOutcome[]): void {
    if (load.done) return;
    try {
      for (const o of outcomes) load.onOutcome(o);
    } catch (e) {
      return load.settle(e instanceof Error ? e : new Error(String(e)), false);
    }
    if (outcomes.length === 0) return load.settle(new MedicalFormatError(task.file, 'no outcome for this file'), false);
    if (--load.remaining === 0) load.settle(null, true);
  }

  private helping = false;

  /**
   * The calling thread runs queued tasks one at a time (the same fillSliceTask the threads run),
   * yielding to the event loop between them, while no thread is up.
   */
  private helpHere(): void {
    if (this.helping) return;
    this.helping = true;
    registerHostCodecs();
    void (async () => {
      try {
        while (!this.slots.some((s) => s.ready)) {
          const job = this.nextJob();
          if (!job) break;
          const { load, task } = job;
          try {
            this.deliver(job, await fillSliceTask(task, load.volume, load.nx, load.ny, taskIo(load.root)));
          } catch (e) {
            load.settle(new MedicalFormatError(task.file, `decoding failed: ${errorMessage(e)}`), false);
          }
          // Let the threads' "ready" (and the host's other work) in between slices.
          await new Promise((resolve) => setImmediate(resolve));
        }
      } finally {
        this.helping = false;
      }
      this.pump();
    })();
  }

  private spawn(): Slot {
    const worker = startWorker(this.workerUrl);
    const slot: Slot = { worker, ready: false, jobs: new Map() };
    worker.on('message', (reply: FillReply) => {
      if ('ready' in reply) {
        slot.ready = true;
        return this.pump();
      }
      const job = slot.jobs.get(reply.id);
      if (!job) return;
      slot.jobs.delete(reply.id);
      // Idle threads must not keep the host process (or a CLI run) alive.
      if (slot.jobs.size === 0) worker.unref();
      if ('crash' in reply) job.load.settle(new MedicalFormatError(job.task.file, `the decoding thread failed: ${reply.crash}`), false);
      else {
        this.slicesFilled += reply.outcomes.length;
        this.deliver(job, reply.outcomes);
      }
      this.pump();
    });
    let gone = false;
    const died = (why: string) => {
      if (gone) return;
      gone = true;
      const at = this.slots.indexOf(slot);
      if (at >= 0) this.slots.splice(at, 1);
      if (!slot.ready && !this.closed) {
        // It never started: threads cannot be used here; the calling thread fills (helpHere).
        if (!this.unusable) console.warn(`Datum: medical worker threads cannot start (${why}); DICOM volumes are built on the main thread`);
        this.unusable = `medical worker threads cannot start (${why})`;
        for (const other of this.slots.splice(0)) void other.worker.terminate();
        return this.pump();
      }
      for (const { load, task } of slot.jobs.values()) load.settle(new MedicalFormatError(task.file, `the decoding thread stopped (${why}) while reading this file`), false);
      slot.jobs.clear();
      this.pump();
    };
    worker.on('error', (e) => died(e.message));
    worker.on('exit', (code) => died(`exit code ${code}`));
    this.slots.push(slot);
    return slot;
  }
}

let shared: MedicalWorkerPool | null = null;

/** The host's pool (created on first use; threads start on the first load worth them). */
export function medicalWorkerPool(): MedicalWorkerPool {
  shared ??= new MedicalWorkerPool();
  return shared;
}

/** Ends the shared pool's threads (tests, shutdown). */
export async function closeMedicalWorkerPool(): Promise<void> {
  const pool = shared;
  shared = null;
  await pool?.close();
}
