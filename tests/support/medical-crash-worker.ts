/**
 * The real medical worker (main/services/medicalWorkers/worker.ts) plus one fault: a request for a
 * file whose name contains "crash-thread" ends the thread, as an out-of-memory or a codec abort
 * would. pool.test.ts uses it to check a load fails naming the file and the pool recovers.
 */
import { parentPort } from 'node:worker_threads';
import '../../main/services/medicalWorkers/worker';
import type { FillRequest } from '../../main/services/medicalWorkers/protocol';

parentPort?.on('message', (request: Partial<FillRequest>) => {
  if (request.task?.file.includes('crash-thread')) process.exit(7);
});
