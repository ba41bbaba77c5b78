/**
 * A minimal client of the host's WebSocket RPC (the same wire the renderer speaks): for E2E checks
 * and `npm run bench team`, where a browser per simulated person would be too heavy.
 */
import WebSocket from 'ws';

export interface RpcClient {
  call<T = unknown>(method: string, params: unknown): Promise<T>;
  /** Host events (item.changed, project.changed, ...) as they arrive. */
  events: Array<{ event: string; data: unknown }>;
  onEvent(f: (event: string, data: unknown) => void): void;
  close(): void;
}

export class RpcError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** `url`: the host's printed URL (http://127.0.0.1:PORT/?token=...). */
export function connectRpc(url: string): Promise<RpcClient> {
  const u = new URL(url);
  const ws = new WebSocket(`ws://${u.host}/rpc?token=${u.searchParams.get('token')}`);
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const events: RpcClient['events'] = [];
  const listeners: Array<(event: string, data: unknown) => void> = [];
  let next = 1;
  ws.on('message', (raw) => {
    const msg = JSON.parse(String(raw));
    if (typeof msg.id === 'number') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.error) p.reject(new RpcError(msg.error.code, msg.error.message));
      else p.resolve(msg.result);
    } else if (msg.event) {
      events.push(msg);
      for (const l of listeners) l(msg.event, msg.data);
    }
  });
  const failAll = (why: string) => {
    for (const p of pending.values()) p.reject(new RpcError('DISCONNECTED', why));
    pending.clear();
  };
  ws.on('close', () => failAll('the connection closed'));
  ws.on('error', () => failAll('the connection failed'));
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        events,
        onEvent: (f) => listeners.push(f),
        call: <T>(method: string, params: unknown) =>
          new Promise<T>((res, rej) => {
            if (ws.readyState !== ws.OPEN) return rej(new RpcError('DISCONNECTED', 'the connection is closed'));
            const id = next++;
            pending.set(id, { resolve: res as (v: unknown) => void, reject: rej });
            ws.send(JSON.stringify({ id, method, params }));
          }),
        close: () => ws.close(),
      }),
    );
  });
}
