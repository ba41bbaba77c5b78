#!/usr/bin/env node
/**
 * Starts the built Electron main process (dist/main/electron.cjs) in plain Node, the way Electron
 * loads it (CommonJS require), with a recording stand-in for the `electron` module, then probes
 * what it registered. Prints one line `REPORT <json>` and exits. Used by tests/desktop/*.test.ts
 * on the source build and on the packaged layout; needs no Electron binary.
 *
 *   node tests/desktop/startMain.cjs <electron.cjs> <userDataDir> [--packaged] [--exercise]
 *
 * --packaged  app.isPackaged is true (as in an installed app)
 * --exercise  also open the demo project and pre-label its images with the bundled OCR detector
 *             through the IPC handler (inference worker thread + ONNX Runtime + model file)
 */
'use strict';
const Module = require('node:module');
const path = require('node:path');

const [bundle, userData] = process.argv.slice(2, 4);
const packaged = process.argv.includes('--packaged');
const exercise = process.argv.includes('--exercise');
if (!bundle || !userData) {
  console.error('usage: startMain.cjs <electron.cjs> <userDataDir> [--packaged] [--exercise]');
  process.exit(2);
}

const report = { loaded: false, errors: [], calls: [], windows: [], probes: {} };
const rec = (name, detail) => report.calls.push(detail === undefined ? name : `${name} ${JSON.stringify(detail)}`);
process.on('uncaughtException', (e) => report.errors.push(`uncaughtException: ${e && e.stack ? e.stack : e}`));
process.on('unhandledRejection', (e) => report.errors.push(`unhandledRejection: ${e && e.stack ? e.stack : e}`));

// ---- the stand-in ---------------------------------------------------------------------------
class Emitter {
  constructor() { this.listeners = {}; }
  on(ev, fn) { (this.listeners[ev] ||= []).push(fn); return this; }
  once(ev, fn) { return this.on(ev, fn); }
  emit(ev, ...args) { for (const fn of this.listeners[ev] || []) fn(...args); }
}
let readyResolve;
const ready = new Promise((r) => { readyResolve = r; });
const app = Object.assign(new Emitter(), {
  isPackaged: packaged,
  getPath: (name) => { rec('app.getPath', name); return path.join(userData, name === 'userData' ? '' : name); },
  getVersion: () => '0.0.0-stand-in',
  getName: () => 'Datum',
  whenReady: () => ready,
  isReady: () => true,
  quit: () => rec('app.quit'),
});
let contentsId = 1;
class WebContents extends Emitter {
  constructor() { super(); this.id = contentsId++; this.sent = []; }
  setWindowOpenHandler(fn) { this.windowOpenHandler = fn; }
  send(channel, msg) { this.sent.push({ channel, msg }); }
  isDestroyed() { return false; }
}
class BrowserWindow extends Emitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    BrowserWindow.all.push(this);
    rec('new BrowserWindow');
  }
  loadURL(url) { this.loadedUrl = url; rec('loadURL', url); return Promise.resolve(); }
  show() {}
  static getAllWindows() { return BrowserWindow.all; }
}
BrowserWindow.all = [];
const protocol = {
  privileged: null,
  handlers: {},
  registerSchemesAsPrivileged(list) { rec('protocol.registerSchemesAsPrivileged', list.map((s) => s.scheme)); protocol.privileged = list; },
  handle(scheme, fn) { rec('protocol.handle', scheme); protocol.handlers[scheme] = fn; },
};
const webRequest = { onBeforeRequest(filter, fn) { rec('webRequest.onBeforeRequest'); webRequest.filter = filter; webRequest.listener = fn; } };
const session = {
  defaultSession: {
    webRequest,
    setPermissionRequestHandler(fn) { rec('setPermissionRequestHandler'); session.permissionRequest = fn; },
    setPermissionCheckHandler(fn) { rec('setPermissionCheckHandler'); session.permissionCheck = fn; },
  },
};
const ipcMain = { handlers: {}, handle(channel, fn) { rec('ipcMain.handle', channel); ipcMain.handlers[channel] = fn; } };
const Menu = {
  buildFromTemplate: (template) => ({ template }),
  setApplicationMenu(menu) { rec('Menu.setApplicationMenu'); Menu.current = menu; },
};
const shell = { opened: [], openExternal(url) { shell.opened.push(url); return Promise.resolve(); } };
const dialog = {
  boxes: [],
  showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }),
  // The user answers "Cancel" (button 1) to every question.
  showMessageBox(_win, options) { dialog.boxes.push(options.detail || options.message); return Promise.resolve({ response: 1 }); },
};
const electronStandIn = { app, BrowserWindow, protocol, session, ipcMain, Menu, shell, dialog };

// Worker threads cannot read from inside app.asar (only Electron's main-process fs can): record
// every worker started, and every path inside app.asar handed to one (a model file ONNX Runtime
// would open natively), so the packaged-layout run can check both.
const INSIDE_ASAR = /[\\/]app\.asar[\\/]/;
report.workers = [];
report.asarPathsToWorkers = [];
const threads = require('node:worker_threads');
class RecordingWorker extends threads.Worker {
  constructor(script, options) {
    super(script, options);
    report.workers.push(options && options.eval ? '(eval)' : String(script));
  }
  postMessage(msg, transfer) {
    const scan = (v, depth) => {
      if (typeof v === 'string') { if (INSIDE_ASAR.test(v)) report.asarPathsToWorkers.push(v); }
      else if (v && typeof v === 'object' && depth < 3 && !ArrayBuffer.isView(v)) for (const k of Object.keys(v)) scan(v[k], depth + 1);
    };
    scan(msg, 0);
    return super.postMessage(msg, transfer);
  }
}
const recordingThreads = { ...threads, Worker: RecordingWorker };

const realLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request === 'electron') return electronStandIn;
  if (request === 'node:worker_threads' || request === 'worker_threads') return recordingThreads;
  return realLoad.call(this, request, parent, isMain);
};

// ---- probes ----------------------------------------------------------------------------------
async function fetchApp(url) {
  const res = await protocol.handlers.datum(new Request(url));
  const body = res.body ? Buffer.from(await res.arrayBuffer()) : Buffer.alloc(0);
  return { url, status: res.status, type: res.headers.get('content-type'), csp: res.headers.get('content-security-policy'), head: body.subarray(0, 200).toString('utf8') };
}

function callIpc(frameUrl, msg) {
  const win = BrowserWindow.all[0];
  const event = { senderFrame: { url: frameUrl }, sender: win.webContents };
  return ipcMain.handlers['datum:rpc'](event, msg);
}

function navigate(url) {
  let prevented = false;
  BrowserWindow.all[0].webContents.emit('will-navigate', { preventDefault: () => { prevented = true; } }, url);
  return prevented;
}

function flatMenu(items) {
  return (items || []).flatMap((i) => [i.role || i.label, ...flatMenu(Array.isArray(i.submenu) ? i.submenu : [])]);
}

async function probe() {
  const p = report.probes;
  const win = BrowserWindow.all[0];
  p.window = win ? { webPreferences: win.options.webPreferences, url: win.loadedUrl } : null;
  if (win) p.preloadExists = require('node:fs').existsSync(win.options.webPreferences.preload);
  p.privileged = protocol.privileged;
  p.protocol = [];
  for (const url of ['datum://app/', 'datum://app/index.html', 'datum://app/..%2F..%2Fpackage.json', 'datum://app/%2e%2e%2fmain%2felectron.cjs', 'datum://app/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd', 'datum://other/index.html', 'datum://app/%E0%A4%A', 'datum://app/blob/item/%E0%A4%A']) {
    try { p.protocol.push(await fetchApp(url)); } catch (e) { p.protocol.push({ url, error: String(e) }); }
  }
  p.webRequestFilter = webRequest.filter;
  p.webRequest = {};
  for (const url of ['http://example.com/', 'https://example.com/x.js', 'ws://127.0.0.1:9/', 'wss://example.com/']) {
    await new Promise((resolve) => webRequest.listener({ url }, (answer) => { p.webRequest[url] = answer; resolve(); }));
  }
  p.permissionRequest = await new Promise((resolve) => session.permissionRequest(win.webContents, 'media', resolve, {}));
  p.permissionCheck = session.permissionCheck ? session.permissionCheck(win.webContents, 'media', 'datum://app', {}) : 'no handler';
  p.ipc = {
    foreign: await callIpc('https://evil.example/', { method: 'app.info', params: {} }),
    lookalike: await callIpc('datum://app.evil.example/', { method: 'app.info', params: {} }),
    file: await callIpc('file:///tmp/x.html', { method: 'app.info', params: {} }),
    own: await callIpc('datum://app/', { method: 'app.info', params: {} }),
    malformed: await callIpc('datum://app/', null),
  };
  p.navigation = {
    'https://evil.example/': navigate('https://evil.example/'),
    'datum://app.evil.example/': navigate('datum://app.evil.example/'),
    'datum://app/#/dataset': navigate('datum://app/#/dataset'),
  };
  p.windowOpen = {};
  for (const url of ['https://example.com/help', 'file:///etc/passwd', 'javascript:alert(1)']) p.windowOpen[url] = win.webContents.windowOpenHandler({ url });
  await new Promise((r) => setTimeout(r, 50));
  p.confirmations = dialog.boxes.slice();
  p.openedExternally = shell.opened.slice();
  p.menu = flatMenu(Menu.current && Menu.current.template);

  if (exercise) {
    const call = async (method, params) => {
      const res = await callIpc('datum://app/', { method, params });
      if (res && res.error) throw new Error(`${method}: ${res.error.code} ${res.error.message}`);
      return res;
    };
    const ex = (p.exercise = {});
    try {
      const project = await call('project.openDemo', {});
      ex.project = project.result ? 'opened' : JSON.stringify(project).slice(0, 200);
      ex.indexed = (await call('index.refresh', { jobId: 'startup-index' })).result.items;
      const models = await call('models.list', {});
      ex.models = models.result.models.map((m) => m.id);
      ex.modelProblems = models.result.problems;
      ex.prelabel = (await call('prelabel.run', { jobId: 'startup-ocr', modelId: 'ppocr-v4-det' })).result;
      ex.proposals3d = (await call('prelabel.run', { jobId: 'startup-3d', modelId: 'proposals3d' })).result;
    } catch (e) {
      ex.error = String(e && e.stack ? e.stack : e);
    }
  }
}

(async () => {
  try {
    require(path.resolve(bundle));
    report.loaded = true;
  } catch (e) {
    report.errors.push(`load: ${e && e.stack ? e.stack : e}`);
  }
  if (report.loaded) {
    readyResolve();
    await new Promise((r) => setTimeout(r, 100));
    try {
      await probe();
    } catch (e) {
      report.errors.push(`probe: ${e && e.stack ? e.stack : e}`);
    }
  }
  process.stdout.write(`REPORT ${JSON.stringify(report)}\n`);
  process.exit(0);
})();
