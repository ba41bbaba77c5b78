/**
 * A team server for real: a project folder, its FolderStore holding accounts and sessions, the
 * headless host over HTTP and over HTTPS (a self-signed certificate made with openssl here), real
 * WebSocket clients. Sign-in, wrong passwords, role permissions on RPCs and on bytes, sign-out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import https from 'node:https';
import WebSocket from 'ws';
import { createHostServices } from '../hostServices';
import { startHeadlessHost, type HeadlessHost } from './headlessHost';
import { AccountService } from '../services/team/accounts';
import { SessionService } from '../services/team/sessions';
import { checkExposure } from '../services/team/serveTeam';

interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function req(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string; ca?: Buffer } = {}): Promise<Reply> {
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const r = mod.request(url, { method: opts.method ?? 'GET', headers: opts.headers, ca: opts.ca }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    r.on('error', reject);
    r.end(opts.body);
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

async function setUp(tls?: { cert: Buffer; key: Buffer }) {
  const project = mkdtempSync(path.join(os.tmpdir(), 'team-'));
  const renderer = mkdtempSync(path.join(os.tmpdir(), 'renderer-'));
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><p>app</p>');
  mkdirSync(path.join(project, 'imgs'));
  writeFileSync(path.join(project, 'imgs', 'a.png'), Buffer.from('0123456789'));
  const services = createHostServices({ userDataDir: mkdtempSync(path.join(os.tmpdir(), 'ud-')), host: 'headless' });
  await services.grants.add(project);
  await services.projects.create(project);
  await services.projects.refreshIndex(() => {}, new AbortController().signal);
  // The project service's own store: one writer per folder, as in `datum serve --accounts`.
  const store = services.projects.requireStore();
  const accounts = new AccountService(store, { scrypt: { N: 2 ** 10, r: 8, p: 1 } });
  await accounts.add('ann', 'annotator-pass-1', 'annotator');
  await accounts.add('rev', 'reviewer-pass-1', 'reviewer');
  await accounts.add('boss', 'manager-pass-1', 'manager');
  const sessions = new SessionService(store);
  const host = await startHeadlessHost({ router: services.router, projects: services.projects, rendererDir: renderer, auth: { accounts, sessions }, tls, revalidateMs: 100 });
  const base = `${tls ? 'https' : 'http'}://127.0.0.1:${host.port}`;
  const itemId = services.projects.listItems({ offset: 0, limit: 10 } as never).items[0].id;
  return { project, host, base, store, itemId, services, accounts };
}

describe('team server over HTTP on loopback', () => {
  let t: Awaited<ReturnType<typeof setUp>>;
  const cookies: Record<string, string> = {};
  const signIn = async (name: string, password: string) =>
    req(`${t.base}/auth/login`, { method: 'POST', headers: { origin: t.base, 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
  const open = (cookie?: string) => {
    const ws = new WebSocket(`ws://127.0.0.1:${t.host.port}/rpc`, { headers: { origin: t.base, ...(cookie ? { cookie } : {}) } });
    return new Promise<WebSocket>((resolve, reject) => (ws.once('open', () => resolve(ws)), ws.once('unexpected-response', (_r, res) => reject(new Error(`HTTP ${res.statusCode}`))), ws.once('error', reject)));
  };

  beforeAll(async () => {
    t = await setUp();
  });
  afterAll(async () => {
    await t.host.close();
    await t.store.close();
  });

  it('serves the app shell to anyone, data to nobody before sign-in, and no token', async () => {
    expect(t.host.token).toBe('');
    expect(t.host.url).toBe(`http://127.0.0.1:${t.host.port}/`);
    expect((await req(`${t.base}/`)).status).toBe(200);
    expect(JSON.parse((await req(`${t.base}/auth/status`)).body)).toEqual({ accounts: true, account: null });
    expect((await req(`${t.base}/blob/item/${t.itemId}`)).status).toBe(401);
    await expect(open()).rejects.toThrow('HTTP 401');
  });

  it('refuses a wrong password, and a sign-in from a foreign page', async () => {
    const wrong = await signIn('ann', 'not-her-password');
    expect(wrong.status).toBe(403);
    expect(JSON.parse(wrong.body).error).toBe('wrong name or password, or the account is disabled');
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const foreign = await req(`${t.base}/auth/login`, { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ann', password: 'annotator-pass-1' }) });
    expect(foreign.status).toBe(403);
    const noOrigin = await req(`${t.base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ann', password: 'annotator-pass-1' }) });
    expect(noOrigin.status).toBe(403);
  });

  it('signs in with an HttpOnly SameSite=Strict session cookie (not Secure on plain HTTP)', async () => {
    for (const [name, pw] of [['ann', 'annotator-pass-1'], ['rev', 'reviewer-pass-1'], ['boss', 'manager-pass-1']]) {
      const r = await signIn(name, pw);
      expect(r.status).toBe(200);
      const set = String(r.headers['set-cookie']);
      expect(set).toMatch(new RegExp(`^datum_session_${t.host.port}=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=/; Max-Age=\\d+$`));
      cookies[name] = set.split(';')[0];
    }
    expect(JSON.parse((await req(`${t.base}/auth/status`, { headers: { cookie: cookies.rev } })).body).account).toEqual({ name: 'rev', role: 'reviewer', accountId: 'rev' });
    expect((await req(`${t.base}/blob/item/${t.itemId}`, { headers: { cookie: cookies.ann } })).status).toBe(200);
  });

  it('enforces roles on every RPC and stamps the account, whatever profile the client names', async () => {
    const ann = await open(cookies.ann);
    const rev = await open(cookies.rev);
    const boss = await open(cookies.boss);
    const liar = { id: 'x', name: 'Mallory', roles: ['reviewer'] };
    for (const to of ['in_progress', 'submitted']) expect((await wsCall(ann, 1, 'review.transition', { itemId: t.itemId, to, profile: liar })).result).toBeDefined();
    const refused = await wsCall(ann, 2, 'review.transition', { itemId: t.itemId, to: 'accepted', profile: liar });
    expect(refused.error).toEqual({ code: 'FORBIDDEN', message: 'ann is an annotator: review.transition (moving an item to accepted) needs the reviewer role' });
    expect((await wsCall(rev, 3, 'project.updateOntology', { ontology: { labels: [] } })).error).toMatchObject({ code: 'FORBIDDEN', message: 'rev is a reviewer: project.updateOntology needs the manager role' });
    const accepted = await wsCall(rev, 4, 'review.transition', { itemId: t.itemId, to: 'accepted', profile: liar });
    expect(accepted.result.document.status).toBe('accepted');
    expect(accepted.result.document.history.map((h: { by: string; to: string }) => `${h.by}:${h.to}`)).toEqual(['ann:in_progress', 'ann:submitted', 'rev:accepted']);
    const info = (await wsCall(boss, 5, 'project.current', {})).result;
    expect((await wsCall(boss, 6, 'project.updateOntology', { ontology: info.ontology })).result).toBeDefined();
    for (const ws of [ann, rev, boss]) ws.close();
  });

  it('an editor save cannot rewrite review fields (status, history, issues) on a team server', async () => {
    const ann = await open(cookies.ann);
    const doc = (await wsCall(ann, 1, 'annotations.load', { itemId: t.itemId })).result;
    expect(doc.status).toBe('accepted');
    const forged = {
      ...doc,
      status: 'accepted',
      history: [...doc.history, { from: 'accepted', to: 'accepted', by: 'rev', at: 1 }],
      issues: [{ id: 'i1', itemId: t.itemId, comments: [{ author: 'rev', at: 1, text: 'fake' }], status: 'open' }],
      objects: [{ id: 'o1', label: 'car', geometry: { kind: 'box2d', x1: 1, y1: 1, x2: 5, y2: 5 }, attributes: {}, source: { kind: 'human' }, zOrder: 0 }],
    };
    // A team server takes a save only from whoever holds the item's lease (jobs and leases).
    const lease = await wsCall(ann, 9, 'lease.acquire', { itemId: t.itemId, who: 'ann' });
    expect(lease.error).toBeUndefined();
    const saved = await wsCall(ann, 2, 'annotations.save', { itemId: t.itemId, document: forged, baseRevision: doc.revision });
    expect(saved.error).toBeUndefined();
    const after = (await wsCall(ann, 3, 'annotations.load', { itemId: t.itemId })).result;
    expect(after.objects.map((o: { id: string; updatedBy?: string }) => `${o.id}:${o.updatedBy}`)).toEqual(['o1:ann']);
    expect(after.history).toEqual(doc.history);
    expect(after.issues ?? []).toEqual([]);
    ann.close();
  });

  it('sign-out revokes the session and closes its open sockets', async () => {
    const ws = await open(cookies.ann);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    const out = await req(`${t.base}/auth/logout`, { method: 'POST', headers: { origin: t.base, cookie: cookies.ann } });
    expect(out.status).toBe(200);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect(await closed).toBe(4001);
    await expect(open(cookies.ann)).rejects.toThrow('HTTP 401');
    expect((await req(`${t.base}/blob/item/${t.itemId}`, { headers: { cookie: cookies.ann } })).status).toBe(401);
  });

  it('an open socket is closed when its account is disabled or changes role, and the next one gets the new role', async () => {
    const r = await signIn('rev', 'reviewer-pass-1');
    const cookie = String(r.headers['set-cookie']).split(';')[0];
    let ws = await open(cookie);
    let closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await t.accounts.setRole('rev', 'annotator');
    expect(await closed).toBe(4001);
    ws = await open(cookie);
    expect((await wsCall(ws, 1, 'review.transition', { itemId: t.itemId, to: 'rejected', profile: { id: 'x', name: 'x', roles: ['reviewer'] } })).error.message).toBe('rev is an annotator: review.transition (moving an item to rejected) needs the reviewer role');
    closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await t.accounts.setDisabled('rev', true);
    expect(await closed).toBe(4001);
    await expect(open(cookie)).rejects.toThrow('HTTP 401');
    await t.accounts.setDisabled('rev', false);
    await t.accounts.setRole('rev', 'reviewer');
  });

  it('a WebSocket from a foreign page is refused even with a valid cookie', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${t.host.port}/rpc`, { headers: { origin: 'http://evil.example', cookie: cookies.rev } });
    await expect(new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)))).rejects.toThrow(/403/);
  });
});

describe('team server over TLS', () => {
  let t: Awaited<ReturnType<typeof setUp>>;
  let cert: Buffer;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    cert = readFileSync(path.join(dir, 'cert.pem'));
    t = await setUp({ cert, key: readFileSync(path.join(dir, 'key.pem')) });
  });
  afterAll(async () => {
    await t?.host.close();
    await t?.store.close();
  });

  it('speaks HTTPS and WSS with Secure cookies; a client that does not trust the certificate gets nothing', async () => {
    expect(t.host.url).toBe(`https://127.0.0.1:${t.host.port}/`);
    await expect(req(`${t.base}/`)).rejects.toThrow(/self[- ]signed/i);
    const page = await req(`${t.base}/`, { ca: cert });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain(`wss://127.0.0.1:${t.host.port}`);
    const r = await req(`${t.base}/auth/login`, { method: 'POST', ca: cert, headers: { origin: t.base, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'rev', password: 'reviewer-pass-1' }) });
    expect(r.status).toBe(200);
    expect(String(r.headers['set-cookie'])).toMatch(/; Secure$/);
    // An http:// Origin is not this server's origin any more.
    const downgrade = await req(`${t.base}/auth/login`, { method: 'POST', ca: cert, headers: { origin: `http://127.0.0.1:${t.host.port}` }, body: '{}' });
    expect(downgrade.status).toBe(403);
    const ws = new WebSocket(`wss://127.0.0.1:${t.host.port}/rpc`, { ca: cert, headers: { origin: t.base, cookie: String(r.headers['set-cookie']).split(';')[0] } });
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    expect((await wsCall(ws, 1, 'review.queue', {})).result.items).toEqual([]);
    ws.close();
  });

  it('binding a non-loopback address without TLS is refused with what to do', () => {
    expect(() => checkExposure('0.0.0.0', false)).toThrow(/refusing to serve 0\.0\.0\.0 without TLS.*--tls-cert FILE --tls-key FILE/);
    expect(() => checkExposure('192.168.1.5', false)).toThrow(/without TLS/);
    expect(() => checkExposure('0.0.0.0', true)).not.toThrow();
    for (const h of ['127.0.0.1', 'localhost', '::1']) expect(() => checkExposure(h, false)).not.toThrow();
  });
});
