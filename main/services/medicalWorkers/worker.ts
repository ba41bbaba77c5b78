/**
 * worker_threads entry of the medical volume pool (pool.ts): runs core's fillSliceTask for each
 * request, reading the file here and writing the slice straight into the shared volume, so neither
 * file bytes nor voxels cross the thread boundary. Build note: its own esbuild entry point
 * (scripts/build-main.mjs emits dist/main/medical-worker.js).
 */
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

parentPort?.on('message', (request: FillRequest) => void handle(request));
// Tells the pool the module loaded: a thread that dies before this could not start (the pool then
// builds on the calling thread); one that dies after it failed on the file it was given.
parentPort?.postMessage({ ready: true });
