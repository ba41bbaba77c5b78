/**
 * Electron smoke test: launches the real desktop shell where an Electron binary exists
 * (ELECTRON_OVERRIDE_DIST_PATH, or the one `electron` downloaded) and checks the window is
 * locked down and the start screen works. Skipped, with the reason, where there is no binary.
 */
import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../e2e/host';

function electronBinary(): string | null {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const exe = process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
    const p = path.join(override, exe);
    return existsSync(p) ? p : null;
  }
  try {
    const require = createRequire(import.meta.url);
    const pathFile = path.join(path.dirname(require.resolve('electron/package.json')), 'path.txt');
    if (!existsSync(pathFile)) return null;
    const p = require('electron') as string;
    return existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (!binary) console.log('[electron smoke] skipped: no Electron binary here (set ELECTRON_OVERRIDE_DIST_PATH or let electron download one on first launch)');

test('desktop shell opens the start screen with a sandboxed renderer', async () => {
  test.skip(!binary, 'no Electron binary available (set ELECTRON_OVERRIDE_DIST_PATH)');
  const userData = mkdtempSync(path.join(os.tmpdir(), 'datum-electron-'));
  const app = await electron.launch({ executablePath: binary!, args: [ROOT, `--user-data-dir=${userData}`, '--no-sandbox'] });
  const win = await app.firstWindow();
  await expect(win.getByTestId('open-demo')).toBeVisible();
  // No Node in the page, only the two bridge functions.
  expect(await win.evaluate(() => typeof (globalThis as any).require)).toBe('undefined');
  expect(await win.evaluate(() => Object.keys((window as any).datumHost ?? {}).sort())).toEqual(['invoke', 'onEvent']);
  expect(await win.evaluate(() => typeof (globalThis as any).process)).toBe('undefined'); // sandboxed, no Node
  // The app makes no network request of its own: http(s) is cancelled by the session.
  expect(await win.evaluate(() => fetch('http://127.0.0.1:9/').then(() => 'reached', () => 'blocked'))).toBe('blocked');
  await win.getByTestId('open-demo').click();
  await expect(win.getByTestId('item-count')).toHaveText('8 items', { timeout: 60_000 });
  // One demo item in each editor: image, image sequence, LiDAR sequence (bytes over datum://).
  await win.getByTestId('item-tile').filter({ hasText: 'shapes_01' }).dblclick();
  await expect(win.getByTestId('image-editor')).toBeVisible();
  await expect(win.getByTestId('image-viewer').locator('img')).toHaveJSProperty('naturalWidth', 640);
  await win.getByTestId('back').click();
  await win.getByTestId('item-tile').filter({ hasText: 'gliding_square' }).dblclick();
  await expect(win.getByTestId('frame-label')).toHaveText('Frame 1 / 12');
  await win.keyboard.press('d');
  await expect(win.getByTestId('frame-label')).toHaveText('Frame 2 / 12');
  await win.getByTestId('back').click();
  await win.getByTestId('item-tile').filter({ hasText: 'lidar_drive' }).dblclick();
  await expect(win.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 60_000 });
  expect(Number((await win.getByTestId('point-count').innerText()).replace(/\D/g, ''))).toBeGreaterThan(20000);
  await app.close();
});
