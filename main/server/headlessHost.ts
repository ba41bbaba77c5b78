/**
 * `datum serve`: the headless host. Serves the built renderer, the contract over a WebSocket at
 * /rpc, and bytes over HTTP. Binds loopback by default. Every request needs the random token
 * (query `?token=` once, then an HttpOnly SameSite=Strict cookie), a Host header naming this
 * server (defeats DNS rebinding) and, when an Origin is sent, our own origin.
 */
import http from 'node:http';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Router } from '../rpc/router';
import type { ProjectService } from '../services/projectService';
import { serveBlob, type BlobResponse } from '../services/blobs';
import { contentSecurityPolicy } from './contentSecurity';
import { attachRpcSocket, MAX_MESSAGE_BYTES } from './rpcSocket';

export interface HeadlessHostOptions {
  router: Router;
  projects: ProjectService;
  rendererDir: string;
  host?: string;
  port?: number;
  token?: string;
  log?: (line: string) => void;
}

export interface HeadlessHost {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Browsers send a host's cookies to every port on it, so two `datum serve` on one machine would
 * overwrite each other's `datum_token`; the name carries the port instead.
 */
const cookieName = (port: number) => `datum_token_${port}`;
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
  const token = opts.token ?? randomBytes(24).toString('hex');
  const bindHost = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => {});
  let allowedHosts = new Set<string>();
  let cookie = cookieName(0); // set once listening

  const tokenOk = (req: http.IncomingMessage, url: URL): boolean => {
    const candidates = [url.searchParams.get('token'), readCookie(req.headers.cookie, cookie)];
    return candidates.some((c) => c != null && safeEqual(c, token));
  };
  const hostOk = (req: http.IncomingMessage): boolean => {
    const origin = req.headers.origin;
    if (!req.headers.host || !allowedHosts.has(req.headers.host.toLowerCase())) return false;
    if (origin === undefined) return true;
    try {
      const o = new URL(origin);
      return o.protocol === 'http:' && allowedHosts.has(o.host.toLowerCase());
    } catch {
      return false;
    }
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (!decodable(url.pathname)) {
      // Checked before the token, like a proxy would: it says nothing about the app.
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('400 bad request: malformed percent-encoding in the path');
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
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (url.pathname !== '/rpc' || !hostOk(req) || !tokenOk(req, url)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachRpcSocket(ws, opts.router, log));
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
      headers['content-security-policy'] = contentSecurityPolicy([`ws://${host}`]);
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
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${hostForUrl(bindHost)}:${port}`].map((h) => h.toLowerCase()));
  const url = `http://${hostForUrl(bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost)}:${port}/?token=${token}`;
  log(`datum serve listening on ${url}`);
  return {
    url,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
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
  else blob.body.pipe(res);
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
