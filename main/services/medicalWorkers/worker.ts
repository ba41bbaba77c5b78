/**
 * worker_threads entry of the medical volume pool (pool.ts): runs core's fillSliceTask for each
 * request, reading the file here and writing the slice straight into the shared volume, so neither
 * file bytes nor voxels cross the thread boundary. Build note: its own esbuild entry point
 * (scripts/build-main.mjs emits dist/main/medical-worker.js).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import { fillSliceTask } from '../../../core/medical/series';
import { registerHostCodecs } from '../medicalCodecs';
import { taskIo } from './fileIo';
import type { FillReply, FillRequest } from './protocol';

// 12-bit JPEG and the other host codecs, as on the calling thread.
registerHostCodecs();

async function handle({ id, root, volume, nx, ny, task }: FillRequest): Promise<void> {
  let reply: FillReply;
  try {
    reply = { id, outcomes: await fillSliceTask(task, volume, nx, ny, taskIo(root)) };
  } catch (e) {
    reply = { id, crash: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
}

/**
 * A full GC of this thread's (small) heap. Each request carried the whole volume, a view on a
 * 157 MB SharedArrayBuffer for a 512x512x300 CT: until this thread collects those views, the
 * volume's memory stays mapped even after the host dropped it (measured: the host's RSS grew by
 * ~100 MB per load over 8 loads and fills slowed from ~180 to ~300 ms). The pool asks for this
 * when a load is done. `--expose-gc` makes `gc` visible to new contexts only, hence runInNewContext.
 */
let collect: (() => void) | null = null;
try {
  setFlagsFromString('--expose-gc');
  collect = runInNewContext('gc') as () => void;
} catch {
  collect = null;
}

parentPort?.on('message', (request: FillRequest | { release: true }) => {
  if ('release' in request) collect?.();
  else void handle(request);
});
// Tells the pool the module loaded: a thread that dies before this could not start (the pool then
// builds on the calling thread); one that dies after it failed on the file it was given.
parentPort?.postMessage({ ready: true });
