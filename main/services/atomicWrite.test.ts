import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { atomicWrite, removeStaleTemps } from './atomicWrite';

describe('atomicWrite', () => {
  it('replaces the file and leaves no temp files behind', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atomic-'));
    const f = path.join(dir, 'doc.json');
    await atomicWrite(f, 'one');
    await atomicWrite(f, 'two');
    expect(readFileSync(f, 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['doc.json']);
  });

  it('a process killed mid-write leaves the old or the new content, never a torn file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atomic-kill-'));
    const f = path.join(dir, 'big.json');
    const oldDoc = JSON.stringify({ v: 'old', pad: 'x'.repeat(1_000_000) });
    writeFileSync(f, oldDoc);
    // A child that rewrites the file in a loop with alternating 8 MB payloads; we SIGKILL it.
    const script = `
      import { atomicWrite } from ${JSON.stringify(path.resolve('main/services/atomicWrite.ts'))};
      const a = JSON.stringify({ v: 'A', pad: 'a'.repeat(8_000_000) });
      const b = JSON.stringify({ v: 'B', pad: 'b'.repeat(8_000_000) });
      for (let i = 0; ; i++) { await atomicWrite(${JSON.stringify(f)}, i % 2 ? a : b); if (i === 0) console.log('ready'); }
    `;
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 30 + round * 37));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const parsed = JSON.parse(readFileSync(f, 'utf8'));
      expect(['old', 'A', 'B']).toContain(parsed.v);
    }
    await removeStaleTemps(dir);
    expect(readdirSync(dir)).toEqual(['big.json']);
  }, 60_000);
});
