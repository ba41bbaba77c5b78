/**
 * Module worker that parses point clouds off the UI thread. Receives a PointCloudRequest, answers
 * with a PointCloudResponse whose typed arrays are transferred, never structured-cloned.
 *
 * Bundling note: laz-perf's browser build fetches `laz-perf.wasm` next to the script; Vite must
 * emit that file (or a `lazPerf` factory with `locateFile` must be wired here) for LAZ to work.
 */
import { handlePointCloudRequest, type PointCloudRequest } from './pointcloudProtocol';

interface WorkerScope {
  onmessage: ((event: MessageEvent<PointCloudRequest>) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  void handlePointCloudRequest(event.data).then(({ response, transfer }) => scope.postMessage(response, transfer));
};
