/**
 * `datum train` killed with SIGKILL in the middle of training (no chance to clean up): the model
 * library is exactly as before, and the next job trains version 1 and removes the dead job's work
 * folder. Project: the three real KITTI cropped frames.
 */
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli } from './host';

const DATA = path.resolve(ROOT, '..', 'shared', 'data', 'kitti-cropped', 'training');

test('a training job killed mid-run leaves the model library unchanged', async () => {
  test.skip(!existsSync(DATA), `../shared/data is absent (${DATA})`);
  test.setTimeout(120_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'datum-train-kill-'));
  try {
    cpSync(DATA, path.join(dir, 'kc'), { recursive: true, filter: (p) => !p.includes('image_2') });
    expect((await runCli(['import', 'kitti', path.join(dir, 'kc'), dir, '--create', '--json'])).code).toBe(0);

    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'datum.js'), 'train', dir, '--task', 'detect3d', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const killed = new Promise<string>((resolve) => {
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        // killed as soon as the trainer reports its first Newton step
        if (/"epoch":/.test(out)) child.kill('SIGKILL');
      });
      child.on('exit', (_code, signal) => resolve(String(signal)));
    });
    expect(await killed).toBe('SIGKILL');
    expect(out).toContain('"phase":"train"');
    expect(out).not.toContain('"result"');
    // nothing of the model library was written; the dead job's folder is there
    expect(existsSync(path.join(dir, 'models', 'proposals3d', 'versions.json'))).toBe(false);
    expect(readdirSync(path.join(dir, '.datum', 'training'))).toHaveLength(1);

    const again = await runCli(['train', dir, '--task', 'detect3d', '--promote', 'never', '--json']);
    expect(again.code).toBe(0);
    const result = JSON.parse(again.stdout.trim().split('\n').at(-1)!).result;
    expect(result.version.version).toBe(1);
    expect(readdirSync(path.join(dir, '.datum', 'training'))).toHaveLength(0);
    const versions = JSON.parse((await runCli(['models', 'versions', dir, '--json'])).stdout);
    expect(versions.models[0].versions.map((v: { version: number }) => v.version)).toEqual([1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
