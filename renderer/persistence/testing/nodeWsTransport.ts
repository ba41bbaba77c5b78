/** A Transport over a real WebSocket from Node (the `ws` package), for tests against a real host. */
import WebSocket from 'ws';
import type { Transport } from '../../transport/client';

export function nodeWsTransport(url: string): Transport & { close(): void } {
  const ws = new WebSocket(url);
  const open = new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  open.catch(() => {}); // a refused connection is answered per call below
  let next = 1;
  const pending = new Map<number, (v: any) => void>();
  const listeners = new Set<(event: string, data: unknown) => void>();
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw));
    if (typeof m.event === 'string') listeners.forEach((l) => l(m.event, m.data));
    else pending.get(m.id)?.(m);
  });
  ws.on('close', () => pending.forEach((p) => p({ error: { code: 'INTERNAL', message: 'closed' } })));
  return {
    kind: 'websocket',
    async invoke(method, params) {
      await open.catch(() => {});
      if (ws.readyState !== ws.OPEN) return { error: { code: 'INTERNAL', message: 'closed' } };
      const id = next++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    onEvent(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    close: () => ws.close(),
  };
}
