/**
 * The Electron main process starts: dist/main/electron.cjs is loaded in Node the way Electron's
 * main process loads it (CommonJS require) with a recording stand-in for `electron`, `whenReady`
 * resolves, and what it registered is probed. Runs in CI without an Electron binary. The same
 * checks run on the packaged layout in package.test.ts.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectSafeStartup, ROOT, startMain } from './harness';

describe('Electron main process start-up (built bundle, stand-in electron)', () => {
  it('starts without an exception and locks the window down', () => {
    const r = startMain(path.join(ROOT, 'dist/main/electron.cjs'));
    expectSafeStartup(r);
    // Running from source (not packaged): DevTools stay in the View menu for developers.
    expect(r.probes.menu).toContain('toggleDevTools');
  });

  it('a packaged start has no DevTools menu entry', () => {
    const r = startMain(path.join(ROOT, 'dist/main/electron.cjs'), ['--packaged']);
    expect(r.errors).toEqual([]);
    expect(r.probes.menu).not.toContain('toggleDevTools');
  });
});
