/**
 * The sandboxed preload: exposes exactly two functions to the page, `invoke(method, params)` for
 * contract methods and `onEvent(cb)` for host events. No file I/O here, no Node APIs leak out;
 * unknown method names are refused before they reach the main process.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { isMethodName } from './contract';

export const RPC_CHANNEL = 'datum:rpc';
export const EVENT_CHANNEL = 'datum:event';

contextBridge.exposeInMainWorld('datumHost', {
  invoke(method: string, params: unknown): Promise<unknown> {
    if (!isMethodName(method)) return Promise.resolve({ error: { code: 'BAD_REQUEST', message: `unknown method "${method}"` } });
    return ipcRenderer.invoke(RPC_CHANNEL, { method, params });
  },
  onEvent(cb: (event: string, data: unknown) => void): () => void {
    const listener = (_e: unknown, msg: { event: string; data: unknown }) => cb(msg.event, msg.data);
    ipcRenderer.on(EVENT_CHANNEL, listener);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, listener);
  },
});
