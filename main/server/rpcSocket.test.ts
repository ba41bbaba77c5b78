import { afterAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { createRouter, type Handlers } from '../rpc/router';
import { attachRpcSocket, MAX_IN_FLIGHT } from './rpcSocket';

// index.refresh stands in for any long job: it runs until cancelled.
const handlers = {
  'index.refresh': (_: unknown, ctx: { signal: AbortSignal }) =>
    new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))),
  'app.info': async () => ({ version: '1', host: 'headless', platform: 'linux', canPickFolders: false }),
} as unknown as Handlers;

describe('rpc socket', () => {
  const server = http.createServer();
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => attachRpcSocket(ws, createRouter(handlers), () => {}));
  afterAll(() => new Promise<void>((r) => (wss.close(), server.close(() => r()))));

  it('jobs.cancel reaches a connection whose every slot holds a long job', async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await new Promise((r) => ws.once('open', r));
    const replies = new Map<number, any>();
    ws.on('message', (m) => {
      const msg = JSON.parse(String(m));
      replies.set(msg.id, msg);
    });
    for (let i = 1; i <= MAX_IN_FLIGHT + 4; i++) ws.send(JSON.stringify({ id: i, method: 'index.refresh', params: { jobId: `j${i}` } }));
    ws.send(JSON.stringify({ id: 1000, method: 'app.info', params: {} })); // queued behind the jobs
    ws.send(JSON.stringify({ id: 999, method: 'jobs.cancel', params: { jobId: 'j1' } }));
    await expect.poll(() => replies.get(999)?.result).toEqual({ cancelled: true });
    await expect.poll(() => replies.get(1)?.error?.code).toBe('CANCELLED');
    // The freed slot goes to the next queued call, in order.
    await expect.poll(() => replies.size).toBe(2);
    for (let i = 2; i <= MAX_IN_FLIGHT + 4; i++) ws.send(JSON.stringify({ id: 2000 + i, method: 'jobs.cancel', params: { jobId: `j${i}` } }));
    await expect.poll(() => replies.get(1000)?.result?.host).toBe('headless');
    ws.close();
  });
});
