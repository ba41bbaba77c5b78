/** Desktop host transport: the two functions the sandboxed preload exposes. */
import type { RpcErrorShape } from '../../preload/contract';
import type { Transport } from './client';

interface DatumHostBridge {
  invoke(method: string, params: unknown): Promise<{ result: unknown } | { error: RpcErrorShape }>;
  onEvent(cb: (event: string, data: unknown) => void): () => void;
}

declare global {
  interface Window {
    datumHost?: DatumHostBridge;
  }
}

export function ipcTransport(bridge: DatumHostBridge): Transport {
  return { kind: 'electron', invoke: (m, p) => bridge.invoke(m, p), onEvent: (cb) => bridge.onEvent(cb) };
}
