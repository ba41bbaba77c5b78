/**
 * `datum serve`: the headless host. Serves the built renderer, the contract over a WebSocket at
 * /rpc, and bytes over HTTP. Binds loopback by default.
 *
 * Two ways in:
 * - single user (the default): every request needs the random token (query `?token=` once, then
 *   an HttpOnly SameSite=Strict cookie), a Host header naming this server (defeats DNS rebinding)
 *   and, when an Origin is sent, our own origin;
 * - team server (`accounts`): people sign in with a name and password (POST /auth/login) and get
 *   a session cookie (main/services/team/sessions.ts). The app shell (HTML, scripts, fonts) is
 *   served to anyone so the sign-in page can show; data (/rpc, /blob, /thumb) needs a session, and
 *   every RPC passes the permission table of the account's role (team/permissions.ts). Writes
 *   (POST) and the WebSocket need an Origin equal to the Host they were sent to.
 * With `tls` it speaks HTTPS and WSS and marks its cookies Secure.
 */
import http from 'node:http';
import https from 'node:https';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { pipeline, Readable } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Router } from '../rpc/router';
import type { ProjectService } from '../services/projectService';
import { serveBlob, type BlobResponse } from '../services/blobs';
import { contentSecurityPolicy } from './contentSecurity';
import { attachRpcSocket, MAX_MESSAGE_BYTES } from './rpcSocket';
import type { WebSocket } from 'ws';
import type { AccountService } from '../services/team/accounts';
import { SessionService } from '../services/team/sessions';
import { guardRouter, httpRouteRole } from '../services/team/permissions';
import type { Caller } from '../rpc/router';
import { DatumError } from '../rpc/errors';

export interface TeamAuth {
  accounts: AccountService;
  sessions: SessionService;
}

export interface HeadlessHostOptions {
  router: Router;
  projects: ProjectService;
  rendererDir: string;
  host?: string;
  port?: number;
  token?: string;
  log?: (line: string) => void;
  /** Team server: sign-in with accounts and sessions instead of the token. */
  auth?: TeamAuth;
  /** PEM certificate and key: serve HTTPS and WSS. */
  tls?: { cert: Buffer | string; key: Buffer | string };
  /** Tests: how often open sockets re-check their session (default REVALIDATE_MS). */
  revalidateMs?: number;
}

export interface HeadlessHost {
  url: string;
  /** The access token of a single-user host; empty on a team server (people sign in). */
  token: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Browsers send a host's cookies to every port on it, so two `datum serve` on one machine would
 * overwrite each other's `datum_token`; the name carries the port instead.
 */
const cookieName = (port: number) => `datum_token_${port}`;
const sessionCookieName = (port: number) => `datum_session_${port}`;
/** Sign-in requests are a name and a password: anything bigger is not one. */
const MAX_AUTH_BODY = 8 * 1024;
/** How often open sockets of a team server re-check their session (sign-out elsewhere, disabled, new role). */
const REVALIDATE_MS = 15_000;
const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

export async function startHeadlessHost(opts: HeadlessHostOptions): Promise<HeadlessHost> {
  const team = opts.auth;
  const token = team ? '' : (opts.token ?? randomBytes(24).toString('hex'));
  const bindHost = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => {});
  const secure = !!opts.tls;
  const scheme = secure ? 'https:' : 'http:';
  const router = team ? guardRouter(opts.router) : opts.router;
  let allowedHosts = new Set<string>();
  let cookie = cookieName(0); // set once listening
  let sessionCookie = sessionCookieName(0);
  /** Open sockets per session id, closed when the session is signed out. */
  const socketsOfSession = new Map<string, Set<WebSocket>>();

  const tokenOk = (req: http.IncomingMessage, url: URL): boolean => {
    const candidates = [url.searchParams.get('token'), readCookie(req.headers.cookie, cookie)];
    return candidates.some((c) => c != null && safeEqual(c, token));
  };
  const hostOk = (req: http.IncomingMessage): boolean => {
    const origin = req.headers.origin;
    const host = req.headers.host?.toLowerCase();
    if (!host) return false;
    // A team server is reached by whatever name its certificate or network gives it, so any Host
    // goes; DNS rebinding gains nothing there, as no cookie of ours is sent to a foreign name and
    // there is no token to ride on. Origins must still be our own.
    if (!team && !allowedHosts.has(host)) return false;
    if (origin === undefined) return true;
    try {
      const o = new URL(origin);
      return o.protocol === scheme && (team ? o.host.toLowerCase() === host : allowedHosts.has(o.host.toLowerCase()));
    } catch {
      return false;
    }
  };
  // An open WebSocket was authorized once, at its upgrade. Every REVALIDATE_MS its session is
  // looked up again: signed out elsewhere, expired, disabled (datum team user disable) or given
  // another role, the socket is closed, and the page reconnects as what the account now is, or
  // shows the sign-in page.
  const revalidate = team
    ? setInterval(() => {
        for (const [id, set] of socketsOfSession) {
          void team.sessions.resolveId(id).then(
            (now) => {
              for (const ws of set) {
                const was = (ws as WebSocket & { datumRole?: string }).datumRole;
                if (!now || now.role !== was) ws.close(4001, now ? 'role changed' : 'session ended');
              }
            },
            () => {},
          );
        }
      }, opts.revalidateMs ?? REVALIDATE_MS)
    : null;
  revalidate?.unref();
  const sessionOf = async (req: http.IncomingMessage) => (team ? team.sessions.resolve(readCookie(req.headers.cookie, sessionCookie)) : null);

  const handleAuth = async (req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<void> => {
    const json = (status: number, body: unknown, headers: Record<string, string | string[]> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
      res.end(JSON.stringify(body));
    };
    if (pathname === '/auth/status' && req.method === 'GET') {
      if (!team) return json(200, { accounts: false });
      const s = await sessionOf(req);
      return json(200, { accounts: true, account: s ? { name: s.name, role: s.role, accountId: s.accountId } : null });
    }
    if (!team) return json(404, { error: 'this server has no accounts' });
    if (req.method !== 'POST' || !req.headers.origin || !hostOk(req)) return json(403, { error: 'sign-in requests come from this server\'s own page' });
    if (pathname === '/auth/login') {
      let body: { name?: unknown; password?: unknown };
      try {
        body = JSON.parse((await readBody(req, MAX_AUTH_BODY)).toString('utf8'));
      } catch (err) {
        return json(400, { error: `a sign-in is JSON {name, password}: ${(err as Error).message}` });
      }
      if (typeof body.name !== 'string' || typeof body.password !== 'string') return json(400, { error: 'a sign-in is JSON {name, password}' });
      const address = req.socket.remoteAddress ?? 'unknown';
      try {
        const account = await team.accounts.authenticate(body.name, body.password, address);
        const s = await team.sessions.create(account, address);
        const maxAge = Math.max(0, Math.floor((s.expiresAt - Date.now()) / 1000));
        log(`sign-in: ${account.name} (${account.role}) from ${address}`);
        return json(200, { account: { name: account.name, role: account.role, accountId: account.id } }, { 'set-cookie': sessionCookieHeader(sessionCookie, s.token, maxAge, secure) });
      } catch (err) {
        if (err instanceof DatumError && err.code === 'FORBIDDEN') {
          log(`failed sign-in for "${body.name.slice(0, 64)}" from ${address}`);
          return json(403, { error: err.message });
        }
        throw err;
      }
    }
    if (pathname === '/auth/logout') {
      const raw = readCookie(req.headers.cookie, sessionCookie);
      const s = await sessionOf(req);
      if (raw) await team.sessions.revoke(raw);
      if (s) for (const ws of socketsOfSession.get(s.sessionId) ?? []) ws.close(4001, 'signed out');
      return json(200, { ok: true }, { 'set-cookie': sessionCookieHeader(sessionCookie, '', 0, secure) });
    }
    return json(404, { error: 'no such sign-in route' });
  };

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (!decodable(url.pathname)) {
      // Checked before the token, like a proxy would: it says nothing about the app.
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('400 bad request: malformed percent-encoding in the path');
      return;
    }
    if (team) {
      try {
        await serveTeam(req, res, url);
      } catch (err) {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String((err as Error).message));
      }
      return;
    }
    if (url.pathname === '/auth/status' && hostOk(req) && tokenOk(req, url)) {
      await handleAuth(req, res, url.pathname);
      return;
    }
    if (!hostOk(req) || !tokenOk(req, url)) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('403 forbidden: missing or wrong token, or a foreign origin');
      return;
    }
    if (url.searchParams.has('token')) {
      // Trade the query token for a cookie so <img>, <video> and workers authenticate too.
      res.setHeader('set-cookie', `${cookie}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    }
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      if (url.pathname.startsWith('/blob/') || url.pathname.startsWith('/thumb/')) {
        send(res, await serveBlob(opts.projects, url.pathname, req.headers.range), req.method === 'HEAD');
        return;
      }
      await serveStatic(res, url.pathname, req.headers.host!);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String((err as Error).message));
    }
  };

  /** A team server's HTTP: sign-in routes, the public app shell, data for signed-in people only. */
  const serveTeam = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    if (!hostOk(req)) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('403 forbidden: a foreign origin');
      return;
    }
    if (url.pathname.startsWith('/auth/')) return handleAuth(req, res, url.pathname);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (url.pathname.startsWith('/blob/') || url.pathname.startsWith('/thumb/')) {
      const s = await sessionOf(req);
      const need = httpRouteRole(req.method, url.pathname);
      if (!s || !need) {
        res.writeHead(s ? 403 : 401, { 'content-type': 'text/plain; charset=utf-8' }).end(s ? '403 forbidden' : '401: sign in first');
        return;
      }
      send(res, await serveBlob(opts.projects, url.pathname, req.headers.range), req.method === 'HEAD');
      return;
    }
    await serveStatic(res, url.pathname, req.headers.host!);
  };

  const server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) : http.createServer(handler);

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const refuse = (socket: import('node:stream').Duplex, status = '403 Forbidden') => {
    socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    socket.destroy();
  };
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (url.pathname !== '/rpc' || !hostOk(req)) return refuse(socket);
    if (!team) {
      if (!tokenOk(req, url)) return refuse(socket);
      wss.handleUpgrade(req, socket, head, (ws) => attachRpcSocket(ws, router, log));
      return;
    }
    // Browsers always send an Origin on a WebSocket; without one this is not our page.
    if (!req.headers.origin) return refuse(socket);
    socket.on('error', () => {});
    void sessionOf(req).then(
      (s) => {
        if (!s) return refuse(socket, '401 Unauthorized');
        const caller: Caller = { accountId: s.accountId, name: s.name, role: s.role };
        wss.handleUpgrade(req, socket, head, (ws) => {
          let set = socketsOfSession.get(s.sessionId);
          if (!set) socketsOfSession.set(s.sessionId, (set = new Set()));
          set.add(ws);
          (ws as WebSocket & { datumRole?: string }).datumRole = s.role;
          ws.once('close', () => {
            set!.delete(ws);
            if (!set!.size) socketsOfSession.delete(s.sessionId);
          });
          attachRpcSocket(ws, router, log, caller);
        });
      },
      () => refuse(socket, '500 Internal Server Error'),
    );
  });

  const serveStatic = async (res: http.ServerResponse, pathname: string, host: string) => {
    const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const file = path.resolve(opts.rendererDir, rel);
    const inside = path.relative(opts.rendererDir, file);
    let target = file;
    if (inside.startsWith('..') || path.isAbsolute(inside) || !(await isFile(file))) {
      // Client-side routes fall back to the app shell; missing assets are 404.
      if (path.extname(rel)) {
        res.writeHead(404).end('not found');
        return;
      }
      target = path.join(opts.rendererDir, 'index.html');
    }
    const headers: Record<string, string> = {
      'content-type': STATIC_TYPES[path.extname(target)] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
    };
    if (target.endsWith('.html')) {
      headers['content-security-policy'] = contentSecurityPolicy([`${secure ? 'wss' : 'ws'}://${host}`]);
      headers['cache-control'] = 'no-store';
    }
    res.writeHead(200, headers);
    createReadStream(target).pipe(res);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, bindHost, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  cookie = cookieName(port);
  sessionCookie = sessionCookieName(port);
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${hostForUrl(bindHost)}:${port}`].map((h) => h.toLowerCase()));
  const url = `${scheme}//${hostForUrl(bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost)}:${port}/${team ? '' : `?token=${token}`}`;
  log(`datum serve listening on ${url}`);
  return {
    url,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        if (revalidate) clearInterval(revalidate);
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: http.ServerResponse, blob: BlobResponse, headOnly: boolean) {
  res.writeHead(blob.status, blob.headers);
  if (headOnly || !blob.body) {
    if (blob.body instanceof Readable) blob.body.destroy();
    res.end();
  } else if (Buffer.isBuffer(blob.body)) res.end(blob.body);
  // pipeline, not pipe: a client that goes away destroys the body (a streamed volume's build is
  // then cancelled, a file stream closed).
  else pipeline(blob.body, res, () => {});
}

/** `decodeURIComponent` throws URIError on `%E0%A4%A`; such a path is the client's mistake (400). */
function decodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

async function isFile(p: string): Promise<boolean> {
  const st = await fs.stat(p).catch(() => null);
  return !!st && st.isFile();
}

function sessionCookieHeader(name: string, value: string, maxAgeS: number, secure: boolean): string {
  return `${name}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error(`the request is over ${limit} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

function hostForUrl(h: string): string {
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
}
