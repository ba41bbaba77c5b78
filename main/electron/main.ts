/**
 * The Electron host: a thin shell. It is the only code that imports `electron`. It mounts the
 * same router as `datum serve` over IPC, serves the renderer and bytes through the privileged
 * `datum://app/` protocol (same URLs as the headless host: /blob/..., /thumb/...), and locks the
 * window down: contextIsolation, sandbox, no nodeIntegration, CSP, no navigation, no new windows,
 * no network requests, sender checks on IPC.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import { createHostServices } from '../hostServices';
import { serveBlob } from '../services/blobs';
import { contentSecurityPolicy } from '../server/contentSecurity';
import type { Connection } from '../rpc/router';
import { checkTeamServerUrl } from '../../core/team/serverUrl';
import { DatumError } from '../rpc/errors';
import { createHash } from 'node:crypto';

const SCHEME = 'datum';
const ORIGIN = `${SCHEME}://app`;
const RPC_CHANNEL = 'datum:rpc';
const EVENT_CHANNEL = 'datum:event';

protocol.registerSchemesAsPrivileged([
  { scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: false } },
]);

const distDir = path.join(__dirname, '..');
const rendererDir = path.join(distDir, 'renderer');
const preloadPath = path.join(distDir, 'preload', 'preload.cjs');

let mainWindow: BrowserWindow | null = null;

/** True for URLs of the app itself: the whole origin (scheme and host) must match, not a prefix. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${SCHEME}:` && u.host === 'app' && !u.username && !u.password && !u.port;
  } catch {
    return false;
  }
}

/** Schemes a link in the app may open in the operating system, after the user confirms. */
const EXTERNAL_SCHEMES = new Set(['https:', 'http:', 'mailto:']);

async function openExternalWithConsent(url: string): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return;
  }
  if (!EXTERNAL_SCHEMES.has(parsed.protocol)) return;
  const answer = await dialog.showMessageBox(mainWindow ?? undefined!, {
    type: 'question',
    buttons: ['Open', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    message: 'Open this link outside Datum?',
    detail: parsed.href,
  });
  if (answer.response === 0) await shell.openExternal(parsed.href);
}

async function pickFolder(): Promise<string | null> {
  const res = await dialog.showOpenDialog(mainWindow ?? undefined!, { properties: ['openDirectory', 'createDirectory'] });
  return res.canceled || !res.filePaths[0] ? null : res.filePaths[0];
}

/**
 * A team server in a window of its own: its own persistent session partition per origin (cookies
 * and offline drafts in IndexedDB survive restarts; nothing is shared with the local app), no
 * preload (the page talks to its server over WebSocket like a browser), sandboxed, locked to that
 * origin; certificate errors are refused by Electron's default.
 */
async function connectTeamServer(input: string): Promise<string> {
  const check = checkTeamServerUrl(input);
  if (!check.ok) throw new DatumError('BAD_REQUEST', check.reason);
  const partition = `persist:team-${createHash('sha256').update(check.origin).digest('hex').slice(0, 16)}`;
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: `Datum — ${check.origin}`,
    backgroundColor: '#111418',
    webPreferences: { partition, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false },
  });
  const sameOrigin = (url: string) => {
    try {
      return new URL(url).origin === check.origin;
    } catch {
      return false;
    }
  };
  win.webContents.on('will-navigate', (e, url) => {
    if (!sameOrigin(url)) e.preventDefault();
  });
  win.webContents.on('will-redirect', (e, url) => {
    if (!sameOrigin(url)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    void openExternalWithConsent(url);
    return { action: 'deny' };
  });
  win.webContents.session.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  await win.loadURL(check.url);
  return check.url;
}

const services = createHostServices({
  userDataDir: app.getPath('userData'),
  host: 'electron',
  pickFolder,
  connectTeamServer,
  demoDir: path.join(app.getPath('userData'), 'demo-project'),
});

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

async function handleProtocol(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.host !== 'app') return new Response('not found', { status: 404 });
  if (url.pathname.startsWith('/blob/') || url.pathname.startsWith('/thumb/')) {
    const blob = await serveBlob(services.projects, url.pathname, request.headers.get('range') ?? undefined);
    const body: BodyInit | null =
      blob.body == null ? null : Buffer.isBuffer(blob.body) ? new Uint8Array(blob.body) : (Readable.toWeb(blob.body) as ReadableStream);
    return new Response(body, { status: blob.status, headers: blob.headers });
  }
  let rel: string;
  try {
    rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
  } catch {
    return new Response('malformed percent-encoding in the path', { status: 400 }); // URIError: the request's fault
  }
  let file = path.resolve(rendererDir, rel);
  if (path.relative(rendererDir, file).startsWith('..')) return new Response('forbidden', { status: 403 });
  const exists = await fs.stat(file).then((s) => s.isFile()).catch(() => false);
  if (!exists) {
    if (path.extname(rel)) return new Response('not found', { status: 404 });
    file = path.join(rendererDir, 'index.html');
  }
  const headers: Record<string, string> = { 'content-type': STATIC_TYPES[path.extname(file)] ?? 'application/octet-stream' };
  if (file.endsWith('.html')) headers['content-security-policy'] = contentSecurityPolicy();
  return new Response(await fs.readFile(file), { status: 200, headers });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'Datum',
    backgroundColor: '#111418',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  // No navigation away from the app and no new windows; external links open in the OS browser.
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  win.webContents.on('will-redirect', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    void openExternalWithConsent(url);
    return { action: 'deny' };
  });
  void win.loadURL(`${ORIGIN}/`);
  return win;
}

const connections = new Map<number, Connection>();

function connectionFor(contents: Electron.WebContents): Connection {
  let conn = connections.get(contents.id);
  if (!conn) {
    conn = services.router.connect((event, data) => {
      if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, { event, data });
    });
    connections.set(contents.id, conn);
    contents.once('destroyed', () => {
      connections.get(contents.id)?.close();
      connections.delete(contents.id);
    });
  }
  return conn;
}

function buildMenu() {
  const send = (method: string) => mainWindow?.webContents.send(EVENT_CHANNEL, { event: 'menu', data: { action: method } });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      {
        label: 'File',
        submenu: [
          { label: 'Open Dataset Folder…', accelerator: 'CmdOrCtrl+O', click: () => send('open-folder') },
          { label: 'Open Demo', click: () => send('open-demo') },
          { label: 'Connect to Team Server…', click: () => send('connect-team') },
          { type: 'separator' },
          { role: 'quit' },
        ],
      },
      { label: 'Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }] },
      // DevTools only for developers running from source, never in a packaged build.
      { label: 'View', submenu: app.isPackaged ? [{ role: 'reload' }, { role: 'togglefullscreen' }] : [{ role: 'reload' }, { role: 'toggleDevTools' }, { role: 'togglefullscreen' }] },
      { label: 'Help', submenu: [{ label: 'Keyboard Shortcuts', accelerator: 'Shift+/', click: () => send('shortcuts') }] },
    ]),
  );
}

app.whenReady().then(() => {
  // The app makes no network request of its own: anything but our scheme is cancelled.
  session.defaultSession.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (_d, cb) =>
    cb({ cancel: true }),
  );
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  protocol.handle(SCHEME, handleProtocol);
  ipcMain.handle(RPC_CHANNEL, async (event, msg: { method?: unknown; params?: unknown }) => {
    // Only our own page may call: check the sending frame's origin.
    if (!isAppUrl(event.senderFrame?.url ?? '')) return { error: { code: 'FORBIDDEN', message: 'IPC from an unexpected origin' } };
    if (!msg || typeof msg !== 'object') return { error: { code: 'BAD_REQUEST', message: 'malformed IPC message' } };
    return connectionFor(event.sender).call(String(msg.method), msg.params);
  });
  buildMenu();
  mainWindow = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
});

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
