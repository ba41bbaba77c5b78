/** Runs tests/desktop/startMain.cjs on a built Electron main bundle and returns its report. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface StartupReport {
  loaded: boolean;
  errors: string[];
  calls: string[];
  workers: string[];
  asarPathsToWorkers: string[];
  probes: Record<string, any>;
}

export function requireBuilt(file: string): void {
  if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" first (npm install/npm ci do it)`);
}

export function startMain(bundle: string, flags: string[] = []): StartupReport {
  requireBuilt(bundle);
  const userData = mkdtempSync(path.join(os.tmpdir(), 'datum-startup-'));
  // A clean environment: the real app gets no NODE_OPTIONS (and the fuse forbids them).
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.homedir(), DATUM_INFERENCE_PROVIDERS: 'cpu' };
  const run = spawnSync(process.execPath, [path.join(ROOT, 'tests/desktop/startMain.cjs'), bundle, userData, ...flags], {
    encoding: 'utf8',
    env,
    cwd: os.tmpdir(),
    timeout: 120_000,
    maxBuffer: 64 << 20,
  });
  const line = run.stdout.split('\n').find((l) => l.startsWith('REPORT '));
  if (!line) throw new Error(`startMain.cjs printed no report (exit ${run.status}, signal ${run.signal}):\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(line.slice('REPORT '.length)) as StartupReport;
}

/** Assertions shared by the source build and the packaged app. */
export function expectSafeStartup(r: StartupReport): void {
  expect(r.errors, r.errors.join('\n')).toEqual([]);
  expect(r.loaded).toBe(true);
  const p = r.probes;
  // A sandboxed window on the app's own origin.
  expect(p.window.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
  expect(p.window.url).toBe('datum://app/');
  expect(p.preloadExists).toBe(true);
  expect(p.privileged.map((s: { scheme: string }) => s.scheme)).toEqual(['datum']);
  // datum:// serves the renderer with a CSP and nothing outside the renderer folder.
  const byUrl = Object.fromEntries(p.protocol.map((x: { url: string }) => [x.url, x]));
  expect(byUrl['datum://app/'].status).toBe(200);
  expect(byUrl['datum://app/'].type).toContain('text/html');
  expect(byUrl['datum://app/'].head).toContain('<!doctype html>');
  expect(byUrl['datum://app/'].csp).toContain("default-src 'self'");
  for (const escape of ['datum://app/..%2F..%2Fpackage.json', 'datum://app/%2e%2e%2fmain%2felectron.cjs', 'datum://app/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd']) {
    expect(byUrl[escape].status, escape).toBe(403);
  }
  expect(byUrl['datum://other/index.html'].status).toBe(404);
  // Malformed percent-encoding is the request's fault: 400, not a failed protocol handler.
  expect(byUrl['datum://app/%E0%A4%A'].status).toBe(400);
  expect(byUrl['datum://app/blob/item/%E0%A4%A'].status).toBe(400);
  // No network requests of its own.
  expect(p.webRequestFilter.urls).toEqual(expect.arrayContaining(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*']));
  for (const answer of Object.values(p.webRequest)) expect(answer).toEqual({ cancel: true });
  // Permissions denied, asked or checked.
  expect(p.permissionRequest).toBe(false);
  expect(p.permissionCheck).toBe(false);
  // IPC only from the app's own origin (whole origin, not a prefix).
  expect(p.ipc.foreign.error.code).toBe('FORBIDDEN');
  expect(p.ipc.lookalike.error.code).toBe('FORBIDDEN');
  expect(p.ipc.file.error.code).toBe('FORBIDDEN');
  expect(p.ipc.malformed.error.code).toBe('BAD_REQUEST');
  expect(p.ipc.own.result).toMatchObject({ host: 'electron' });
  // Navigation away is blocked; in-app navigation is not.
  expect(p.navigation).toEqual({ 'https://evil.example/': true, 'datum://app.evil.example/': true, 'datum://app/#/dataset': false });
  // New windows never open; a web link is opened outside only after the user confirms (the
  // stand-in user cancels), other schemes are not even offered.
  for (const answer of Object.values(p.windowOpen)) expect(answer).toEqual({ action: 'deny' });
  expect(p.confirmations).toEqual(['https://example.com/help']);
  expect(p.openedExternally).toEqual([]);
}

