/**
 * Playwright global setup: the shared-data gate, then the renderer variant with test hooks
 * (renderer/testHooks.ts) built into dist/renderer-test, which every `datum serve` the tests start
 * serves (DATUM_RENDERER_DIR, inherited by the workers). The production renderer (dist/renderer) carries no test hooks.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharedDataGate from './sharedDataGate';
import pgSetup from './pgSetup';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TEST_RENDERER_DIR = path.join(ROOT, 'dist', 'renderer-test');

export default async function e2eSetup(): Promise<(() => void) | undefined> {
  sharedDataGate();
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    env: { ...process.env, VITE_DATUM_TEST_HOOKS: '1' },
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`building the test renderer (dist/renderer-test) failed with exit ${r.status}`);
  // Workers inherit this: every `datum serve` the tests start serves the test build.
  process.env.DATUM_RENDERER_DIR = TEST_RENDERER_DIR;
  // A throwaway PostgreSQL for the team-server specs (DATUM_TEST_PG_URL); its teardown stops it.
  return pgSetup();
}
