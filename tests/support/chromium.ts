/**
 * Debian's Chromium (never a downloaded browser) and the flags every browser test and bench uses:
 * SwiftShader for headless WebGL2, no background networking (this machine has no network and the
 * app must make no request of its own).
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH: string | undefined =
  process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

export const CHROMIUM_ARGS = [
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
