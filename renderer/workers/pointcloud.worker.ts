/**
 * Module worker that parses point clouds off the UI thread. Receives a PointCloudRequest, answers
 * with a PointCloudResponse whose typed arrays are transferred, never structured-cloned.
 *
 * LAZ: laz-perf's web build is initialised here once, with its .wasm emitted by Vite as an asset
 * of our own origin (the CSP allows 'wasm-unsafe-eval', nothing remote).
 */
import { createLazPerf } from 'laz-perf/lib/web/index.js';
import lazPerfWasmUrl from 'laz-perf/lib/web/laz-perf.wasm?url';
import type { LazPerfModule } from '../../core/formats/pointcloud';
import { handlePointCloudRequest, type PointCloudRequest } from './pointcloudProtocol';

interface WorkerScope {
  onmessage: ((event: MessageEvent<PointCloudRequest>) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
let lazPerf: Promise<LazPerfModule> | null = null;
const lazPerfFactory = () =>
  (lazPerf ??= (createLazPerf as unknown as (o: object) => Promise<LazPerfModule>)({ locateFile: () => lazPerfWasmUrl }).catch((e) => {
    lazPerf = null;
    throw e;
  }));

scope.onmessage = (event) => {
  void handlePointCloudRequest(event.data, undefined, { lazPerf: lazPerfFactory }).then(({ response, transfer }) => scope.postMessage(response, transfer));
};
