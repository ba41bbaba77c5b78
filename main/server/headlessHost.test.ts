import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import net from 'node:net';
import WebSocket from 'ws';
import { createHostServices } from '../hostServices';
import { startHeadlessHost, type HeadlessHost } from './headlessHost';

function request(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      })
      .on('error', reject);
  });
}

function wsCall(ws: WebSocket, id: number, method: string, params: unknown): Promise<any> {
  return new Promise((resolve) => {
    const onMsg = (raw: WebSocket.RawData) => {
      const msg = JSON.parse(String(raw));
      if (msg.id === id) {
        ws.off('message', onMsg);
        resolve(msg);
      }
    };
    ws.on('message', onMsg);
    ws.send(JSON.stringify({ id, method, params }));
  });
}


/** A raw TCP client that completes the WebSocket upgrade and then writes whatever bytes a test wants. */
function rawUpgrade(port: number, token: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('error', reject);
    sock.write(
      `GET /rpc?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      sock.off('data', onData);
      if (!head.startsWith('HTTP/1.1 101')) reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
      else resolve(sock);
    };
    sock.on('data', onData);
  });
}

/** Resolves when the server ends the raw connection (after its close frame, if any). */
function closedByServer(sock: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (sock.destroyed) return resolve();
    sock.resume();
    sock.once('close', () => resolve());
  });
}

async function openWs(port: number, token = 'secret-token'): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/rpc?token=${token}`);
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  return ws;
}

describe('headless host', () => {
  let host: HeadlessHost;
  let base: string;
  const project = mkdtempSync(path.join(os.tmpdir(), 'host-'));
  const renderer = mkdtempSync(path.join(os.tmpdir(), 'renderer-'));

  beforeAll(async () => {
    writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><p>app</p>');
    mkdirSync(path.join(project, 'imgs'));
    writeFileSync(path.join(project, 'imgs', 'a.png'), Buffer.from('0123456789'));
    const services = createHostServices({ userDataDir: mkdtempSync(path.join(os.tmpdir(), 'ud-')), host: 'headless' });
    await services.grants.add(project);
    await services.projects.create(project);
    await services.projects.refreshIndex(() => {}, new AbortController().signal);
    host = await startHeadlessHost({ router: services.router, projects: services.projects, rendererDir: renderer, token: 'secret-token' });
    base = `http://127.0.0.1:${host.port}`;
  });
  afterAll(() => host.close());

  it('answers 403 without the token, with a wrong token, a foreign Origin or a foreign Host', async () => {
    expect((await request(`${base}/`)).status).toBe(403);
    expect((await request(`${base}/?token=wrong`)).status).toBe(403);
    expect((await request(`${base}/?token=secret-token`, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await request(`${base}/?token=secret-token`, { host: 'evil.example' })).status).toBe(403);
  });

  it('serves the app with a strict CSP and trades the token for a cookie', async () => {
    const r = await request(`${base}/?token=secret-token`, { origin: base });
    expect(r.status).toBe(200);
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    // The cookie name carries the port: browsers send 127.0.0.1's cookies to every port.
    expect(String(r.headers['set-cookie'])).toMatch(new RegExp(`^datum_token_${host.port}=secret-token; HttpOnly; SameSite=Strict`));
    expect((await request(`${base}/`, { cookie: `datum_token_${host.port}=secret-token` })).status).toBe(200);
  });

  it('two hosts on one machine keep their own cookies', async () => {
    const services = createHostServices({ userDataDir: mkdtempSync(path.join(os.tmpdir(), 'ud-')), host: 'headless' });
    const other = await startHeadlessHost({ router: services.router, projects: services.projects, rendererDir: renderer, token: 'other-token' });
    try {
      const otherBase = `http://127.0.0.1:${other.port}`;
      const a = await request(`${base}/?token=secret-token`);
      const b = await request(`${otherBase}/?token=other-token`);
      const cookie = [a, b].map((r) => String(r.headers['set-cookie']).split(';')[0]).join('; ');
      // A browser sends both cookies (cookies ignore the port) to both servers: each finds its own.
      expect((await request(`${base}/`, { cookie })).status).toBe(200);
      expect((await request(`${otherBase}/`, { cookie })).status).toBe(200);
      const ws = new WebSocket(`ws://127.0.0.1:${other.port}/rpc`, { headers: { cookie } });
      await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
      expect((await wsCall(ws, 1, 'app.info', {})).result.host).toBe('headless');
      ws.close();
    } finally {
      await other.close();
    }
  });

  it('answers 400 to malformed percent-encoding in app, blob and thumb paths', async () => {
    const cookie = `datum_token_${host.port}=secret-token`;
    for (const p of ['/%E0%A4%A', '/assets/%E0%A4%A.js', '/blob/item/%E0%A4%A', '/blob/source/main/%E0%A4%A', '/thumb/%E0%A4%A']) {
      const r = await request(`${base}${p}`, { cookie });
      expect([p, r.status]).toEqual([p, 400]);
    }
  });

  it('a reserved-opcode frame closes that connection only; the server keeps answering', async () => {
    const sock = await rawUpgrade(host.port, 'secret-token');
    const closed = closedByServer(sock);
    // FIN + opcode 0x3 (reserved), masked, zero length, 4-byte mask: 6 bytes.
    sock.write(Buffer.from([0x83, 0x80, 1, 2, 3, 4]));
    await closed;
    const ws = await openWs(host.port);
    expect((await wsCall(ws, 1, 'app.info', {})).result.host).toBe('headless');
    ws.close();
  });

  it('a frame header declaring a huge payload closes that connection without reading it', async () => {
    const sock = await rawUpgrade(host.port, 'secret-token');
    const closed = closedByServer(sock);
    // FIN + text, masked, 64-bit length 2^40, mask; no payload follows.
    const header = Buffer.from([0x81, 0xff, 0, 0, 0x01, 0, 0, 0, 0, 0, 1, 2, 3, 4]);
    sock.write(header);
    await closed;
    const ws = await openWs(host.port);
    expect((await wsCall(ws, 1, 'app.info', {})).result.host).toBe('headless');
    ws.close();
  });

  it('a flood of requests on one connection does not starve another connection', async () => {
    const flood = await openWs(host.port);
    const N = 20000;
    let floodReplies = 0;
    const floodDone = new Promise<void>((resolve) =>
      flood.on('message', () => {
        if (++floodReplies === N) resolve();
      }),
    );
    const msg = JSON.stringify({ id: 1, method: 'items.list', params: { limit: 1000 } });
    for (let i = 0; i < N; i++) flood.send(msg);
    await new Promise((r) => setTimeout(r, 50)); // the flood is arriving
    const other = await openWs(host.port);
    const t0 = Date.now();
    const reply = await wsCall(other, 1, 'app.info', {});
    const waited = Date.now() - t0;
    expect(reply.result.host).toBe('headless');
    // Answered while the flood is still being worked through, not after it.
    expect(floodReplies).toBeLessThan(N);
    expect(waited).toBeLessThan(1000);
    await floodDone;
    flood.close();
    other.close();
  }, 60_000);

  it('serves item bytes with Range support and refuses paths outside the project', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/rpc?token=secret-token`);
    await new Promise((r) => ws.once('open', r));
    const list = await wsCall(ws, 1, 'items.list', {});
    const id = list.result.items[0].id;
    ws.close();
    const part = await request(`${base}/blob/item/${id}`, { cookie: `datum_token_${host.port}=secret-token`, range: 'bytes=2-5' });
    expect(part.status).toBe(206);
    expect(part.body).toBe('2345');
    expect(part.headers['content-range']).toBe('bytes 2-5/10');
    const escape = await request(`${base}/blob/source/main/..%2F..%2F..%2Fetc%2Fpasswd`, { cookie: `datum_token_${host.port}=secret-token` });
    expect(escape.status).toBe(403);
  });

  it('rejects WebSocket upgrades without the token or from a foreign origin, and validates calls', async () => {
    const bad = new WebSocket(`ws://127.0.0.1:${host.port}/rpc`);
    await expect(new Promise((resolve, reject) => (bad.once('open', resolve), bad.once('error', reject)))).rejects.toThrow(/403/);
    const foreign = new WebSocket(`ws://127.0.0.1:${host.port}/rpc?token=secret-token`, { origin: 'http://evil.example' });
    await expect(new Promise((resolve, reject) => (foreign.once('open', resolve), foreign.once('error', reject)))).rejects.toThrow(/403/);
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/rpc?token=secret-token`, { origin: base });
    await new Promise((r) => ws.once('open', r));
    expect((await wsCall(ws, 1, 'items.list', { limit: 'lots' })).error.code).toBe('BAD_REQUEST');
    expect((await wsCall(ws, 2, 'project.open', { path: '/etc' })).error.code).toBe('FORBIDDEN');
    expect((await wsCall(ws, 3, 'annotations.load', { itemId: '../../x' })).error.code).toMatch(/NOT_FOUND|BAD_REQUEST/);
    ws.send('not json');
    const reply = await new Promise<any>((r) => ws.once('message', (m) => r(JSON.parse(String(m)))));
    expect(reply.error.code).toBe('BAD_REQUEST');
    ws.close();
  });
});
