/**
 * worker_threads entry: reads a file and parses it off the main thread, then transfers the typed
 * arrays back. Reading happens here too, so the file bytes never cross the thread boundary.
 * Build note: this file is its own esbuild entry point (see pool.ts for how it is located).
 */
import { basename } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { PointCloudError, transferablesOf } from '../../../core/formats/pointcloud';
import { readCloudFile } from './readCloudFile';
import type { NodeParseRequest, NodeParseResponse } from './protocol';

async function handle({ id, path, options }: NodeParseRequest): Promise<void> {
  const fileName = basename(path);
  let response: NodeParseResponse;
  let transfer: ArrayBuffer[] = [];
  try {
    const cloud = await readCloudFile(path, options);
    response = { id, cloud };
    transfer = transferablesOf(cloud);
  } catch (e) {
    const error = e instanceof PointCloudError ? e : new PointCloudError(fileName, (e as Error)?.message ?? String(e), 'corrupt');
    response = { id, error: { code: error.code, message: error.message, fileName: error.fileName, problem: error.problem } };
  }
  parentPort!.postMessage(response, transfer);
}

parentPort?.on('message', (request: NodeParseRequest) => void handle(request));
