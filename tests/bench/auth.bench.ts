/**
 * Team server sign-in and its per-request cost, on a real headless host over loopback with the
 * project's FolderStore (the default back end):
 * - the scrypt hash (N=2^15, r=8, p=1) one sign-in costs, which is also what one offline guess
 *   against a leaked hash costs (a floor, not a speed target: it must stay expensive);
 * - a sign-in round trip (POST /auth/login: scrypt + a session record written);
 * - a byte request (/blob) and an RPC (items.get) on a team server, against the same requests on a
 *   single-user host (token) in the same run: what the session lookup and the permission check add.
 *
 * npm run bench auth
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import WebSocket from 'ws';
import { createHostServices } from '../../main/hostServices';
import { startHeadlessHost, type HeadlessHost } from '../../main/server/headlessHost';
import { AccountService, hashPassword } from '../../main/services/team/accounts';
import { SessionService } from '../../main/services/team/sessions';
import type { BenchRow } from './types';

const N = 30;
const REQUESTS = 300;

function pct(times: number[], p: number): number {
  const s = [...times].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const r = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
    });
    r.on('error', reject);
    r.end(opts.body);
  });
}

async function timed(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function rpcTimes(url: string, headers: Record<string, string>, itemId: string): Promise<number[]> {
  const ws = new WebSocket(url, { headers });
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  let id = 0;
  const call = () =>
    new Promise<void>((resolve, reject) => {
      const mine = ++id;
      const on = (raw: WebSocket.RawData) => {
        const m = JSON.parse(String(raw));
        if (m.id !== mine) return;
        ws.off('message', on);
        if (m.error) reject(new Error(m.error.message));
        else resolve();
      };
      ws.on('message', on);
      ws.send(JSON.stringify({ id: mine, method: 'items.get', params: { id: itemId } }));
    });
  await timed(20, call); // warm-up
  const t = await timed(REQUESTS, call);
  ws.close();
  return t;
}

async function makeHost(team: boolean): Promise<{ host: HeadlessHost; itemId: string; headers: Record<string, string>; base: string }> {
  const project = mkdtempSync(path.join(os.tmpdir(), 'bench-auth-'));
  const renderer = mkdtempSync(path.join(os.tmpdir(), 'bench-renderer-'));
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html>');
  mkdirSync(path.join(project, 'imgs'));
  writeFileSync(path.join(project, 'imgs', 'a.png'), Buffer.alloc(4096, 7));
  const services = createHostServices({ userDataDir: mkdtempSync(path.join(os.tmpdir(), 'bench-ud-')), host: 'headless' });
  await services.grants.add(project);
  await services.projects.create(project);
  await services.projects.refreshIndex(() => {}, new AbortController().signal);
  const itemId = services.projects.listItems({ offset: 0, limit: 1 } as never).items[0].id;
  if (!team) {
    const host = await startHeadlessHost({ router: services.router, projects: services.projects, rendererDir: renderer, token: 'bench-token' });
    return { host, itemId, base: `http://127.0.0.1:${host.port}`, headers: { cookie: `datum_token_${host.port}=bench-token` } };
  }
  const store = services.projects.requireStore();
  const accounts = new AccountService(store);
  await accounts.add('ann', 'annotator-pass-1', 'annotator');
  const host = await startHeadlessHost({ router: services.router, projects: services.projects, rendererDir: renderer, auth: { accounts, sessions: new SessionService(store) } });
  return { host, itemId, base: `http://127.0.0.1:${host.port}`, headers: {} };
}

export default async function bench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const hashes = await timed(N, () => hashPassword('correct horse battery staple'));
  rows.push({ name: `scrypt N=2^15 r=8 p=1 hash, median (n=${N})`, value: pct(hashes, 0.5), unit: 'ms', target: '>= 20 ms (each offline guess costs this)', pass: pct(hashes, 0.5) >= 20 });
  rows.push({ name: `scrypt hash, p95 (n=${N})`, value: pct(hashes, 0.95), unit: 'ms' });

  const single = await makeHost(false);
  const team = await makeHost(true);
  try {
    const login = () =>
      request(`${team.base}/auth/login`, { method: 'POST', headers: { origin: team.base, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ann', password: 'annotator-pass-1' }) });
    let cookie = '';
    const logins = await timed(N, async () => {
      const r = await login();
      if (r.status !== 200) throw new Error(`sign-in failed: ${r.status}`);
      cookie = String(r.headers['set-cookie']).split(';')[0];
    });
    rows.push({ name: `sign-in round trip (POST /auth/login), median (n=${N})`, value: pct(logins, 0.5), unit: 'ms' });
    rows.push({ name: `sign-in round trip, p95 (n=${N})`, value: pct(logins, 0.95), unit: 'ms' });
    team.headers = { cookie, origin: team.base };

    for (const [label, h] of [
      ['single-user (token)', single],
      ['team (session)', team],
    ] as const) {
      await timed(20, () => request(`${h.base}/blob/item/${h.itemId}`, { headers: h.headers }));
    }
    const blobSingle = await timed(REQUESTS, () => request(`${single.base}/blob/item/${single.itemId}`, { headers: single.headers }));
    const blobTeam = await timed(REQUESTS, async () => {
      const r = await request(`${team.base}/blob/item/${team.itemId}`, { headers: team.headers });
      if (r.status !== 200) throw new Error(`blob: ${r.status}`);
    });
    rows.push({ name: `GET /blob median, single-user host (n=${REQUESTS})`, value: pct(blobSingle, 0.5), unit: 'ms' });
    rows.push({ name: `GET /blob median, team server: session lookup in the folder store (n=${REQUESTS})`, value: pct(blobTeam, 0.5), unit: 'ms' });
    const rpcSingle = await rpcTimes(`ws://127.0.0.1:${single.host.port}/rpc`, single.headers, single.itemId);
    const rpcTeam = await rpcTimes(`ws://127.0.0.1:${team.host.port}/rpc`, team.headers, team.itemId);
    rows.push({ name: `RPC items.get median, single-user host (n=${REQUESTS})`, value: pct(rpcSingle, 0.5), unit: 'ms' });
    rows.push({ name: `RPC items.get median, team server: permission check + identity (n=${REQUESTS})`, value: pct(rpcTeam, 0.5), unit: 'ms' });
    rows.push({ name: 'RPC median ratio team / single-user', value: pct(rpcTeam, 0.5) / pct(rpcSingle, 0.5), unit: 'x' });
  } finally {
    await single.host.close();
    await team.host.close();
  }
  return rows;
}
