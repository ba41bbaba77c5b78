/**
 * `datum train --backend command --backend-options options.json`: the external back end from the
 * command line, with the test's stand-in trainer (no Ultralytics here) on the real KITTI tracking
 * images and boxes; and a bad options file refused before anything runs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../index';
import { hasKittiTracking, kittiImageProject } from '../../services/training/testing/kittiProject';

const FAKE = fileURLToPath(new URL('../../services/training/testing/fakeUltralytics.ts', import.meta.url));
const node = [process.execPath, '--import', import.meta.resolve('tsx'), FAKE];
const tmp = mkdtempSync(path.join(tmpdir(), 'datum-train-cmd-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  try {
    return { code: await main(args), out };
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
}

describe.skipIf(!hasKittiTracking)('datum train --backend command --backend-options', () => {
  it('trains detect2d with the configured trainer and installs version 1; refuses a bad options file', async () => {
    const dir = path.join(tmp, 'project');
    await kittiImageProject(dir);
    const options = path.join(tmp, 'options.json');
    writeFileSync(
      options,
      JSON.stringify({
        train: [...node, 'detect', 'train', 'data={data}', 'epochs={epochs}', 'imgsz={imgsz}', 'project={workdir}', 'name=train'],
        export: [...node, 'export', 'model={workdir}/train/weights/best.pt', 'imgsz={imgsz}'],
        epochs: 2,
        imgsz: 320,
      }),
    );
    const r = await run(['train', dir, '--task', 'detect2d', '--backend', 'command', '--model', 'kitti-yolo', '--backend-options', options, '--json']);
    expect(r.code, r.out).toBe(0);
    const lines = r.out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(lines.some((l) => l.progress?.phase === 'train' && l.progress.epoch === 2 && l.progress.metrics?.recall !== undefined)).toBe(true);
    expect(lines.at(-1).result).toMatchObject({ modelId: 'kitti-yolo', promoted: true, version: { version: 1, backend: 'command', metrics: { primary: { name: 'mAP50-95' } } } });

    writeFileSync(options, '[1, 2]');
    const bad = await run(['train', dir, '--task', 'detect2d', '--backend', 'command', '--model', 'kitti-yolo', '--backend-options', options, '--json']);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toContain('--backend-options');
  }, 120_000);
});
