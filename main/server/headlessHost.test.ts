import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
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
    expect(String(r.headers['set-cookie'])).toMatch(/datum_token=secret-token; HttpOnly; SameSite=Strict/);
    expect((await request(`${base}/`, { cookie: 'datum_token=secret-token' })).status).toBe(200);
  });

  it('serves item bytes with Range support and refuses paths outside the project', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/rpc?token=secret-token`);
    await new Promise((r) => ws.once('open', r));
    const list = await wsCall(ws, 1, 'items.list', {});
    const id = list.result.items[0].id;
    ws.close();
    const part = await request(`${base}/blob/item/${id}`, { cookie: 'datum_token=secret-token', range: 'bytes=2-5' });
    expect(part.status).toBe(206);
    expect(part.body).toBe('2345');
    expect(part.headers['content-range']).toBe('bytes 2-5/10');
    const escape = await request(`${base}/blob/source/main/..%2F..%2F..%2Fetc%2Fpasswd`, { cookie: 'datum_token=secret-token' });
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
