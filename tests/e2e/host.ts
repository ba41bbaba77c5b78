/**
 * Starts a real `datum serve` process (the built CLI) for a test and stops it afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(ROOT, 'bin', 'datum.js');

export interface RunningHost {
  url: string;
  origin: string;
  token: string;
  proc: ChildProcess;
  home: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startHost(args: string[], env: Record<string, string> = {}): Promise<RunningHost> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'datum-home-'));
  const proc = spawn(process.execPath, [CLI, 'serve', ...args, '--json'], {
    env: { ...process.env, DATUM_HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    proc.once('exit', (code) => reject(new Error(`datum serve exited with ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error(`datum serve did not start: ${stderr}`)), 20_000);
  });
  const { url, token } = JSON.parse(line) as { url: string; token: string };
  const origin = new URL(url).origin;
  return {
    url,
    origin,
    token,
    proc,
    home,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode) return resolve();
        proc.once('exit', () => resolve());
        proc.kill(signal);
      }),
  };
}

export async function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number>((resolve) => proc.once('exit', (c) => resolve(c ?? -1)));
  return { code, stdout, stderr };
}
