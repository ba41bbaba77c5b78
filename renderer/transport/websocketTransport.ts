/**
 * Headless host transport: one WebSocket to /rpc on our own origin (authenticated by the cookie
 * the server set when the page loaded with ?token=). Reconnects with backoff; calls made while
 * disconnected wait for the socket, calls in flight when it drops fail with a clear error.
 */
import type { RpcErrorShape } from '../../preload/contract';
import type { Transport } from './client';

type Reply = { result: unknown } | { error: RpcErrorShape };

export function websocketTransport(url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc`): Transport {
  let socket: WebSocket | null = null;
  let ready: Promise<WebSocket> | null = null;
  let nextId = 1;
  const pending = new Map<number, (r: Reply) => void>();
  const eventListeners = new Set<(event: string, data: unknown) => void>();
  let backoff = 250;

  const connect = (): Promise<WebSocket> => {
    if (ready) return ready;
    ready = new Promise((resolve) => {
      // One promise per outage: attempts that never open retry inside it, so calls made while the
      // host is unreachable (a restarting team server) wait for it and then go out, in order.
      const attempt = () => {
        const ws = new WebSocket(url);
        let opened = false;
        ws.onopen = () => {
          opened = true;
          socket = ws;
          backoff = 250;
          resolve(ws);
        };
        ws.onmessage = (msg) => {
          let data: { id?: number; event?: string; data?: unknown } & Partial<Reply>;
          try {
            data = JSON.parse(String(msg.data));
          } catch {
            return;
          }
          if (typeof data.event === 'string') {
            eventListeners.forEach((cb) => cb(data.event!, data.data));
          } else if (typeof data.id === 'number') {
            const done = pending.get(data.id);
            pending.delete(data.id);
            done?.(data as Reply);
          }
        };
        ws.onclose = () => {
          const delay = backoff;
          backoff = Math.min(backoff * 2, 5000);
          if (!opened) {
            setTimeout(attempt, delay);
            return;
          }
          socket = null;
          ready = null;
          for (const [id, done] of pending) {
            pending.delete(id);
            done({ error: { code: 'INTERNAL', message: 'lost the connection to the Datum host' } });
          }
          eventListeners.forEach((cb) => cb('connection', { connected: false }));
          setTimeout(() => void connect().then(() => eventListeners.forEach((cb) => cb('connection', { connected: true }))), delay);
        };
      };
      attempt();
    });
    return ready;
  };
  return {
    kind: 'websocket',
    async invoke(method, params) {
      const ws = socket ?? (await connect());
      const id = nextId++;
      return new Promise<Reply>((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    onEvent(cb) {
      eventListeners.add(cb);
      void connect();
      return () => eventListeners.delete(cb);
    },
  };
}
