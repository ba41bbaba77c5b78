/**
 * `datum train --json` and `datum models versions|promote|rollback` on a project of the three real
 * KITTI cropped frames (three recordings, so a split exists): progress lines, the result, and the
 * version list the promotion commands change.
 */
import { existsSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../index';
import { closeHeadSessions } from '../../services/training/scorerSession';

const DATA = path.resolve(__dirname, '../../../../shared/data/kitti-cropped/training');
const have = existsSync(DATA);
if (!have && process.env.CI) throw new Error(`${DATA}: the shared sample data is missing`);

async function run(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await main(args), out };
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
}

describe.skipIf(!have)('datum train and datum models versions / promote / rollback', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(tmpdir(), 'datum-train-cli-'));
    await fs.cp(DATA, path.join(dir, 'kc'), { recursive: true, filter: (p) => !p.includes('image_2') });
    const r = await run(['import', 'kitti', path.join(dir, 'kc'), dir, '--create', '--json']);
    expect(r.code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await closeHeadSessions();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('streams JSON progress, installs a version, and promote / rollback switch the version in use', async () => {
    const r = await run(['train', dir, '--task', 'detect3d', '--promote', 'never', '--json']);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    const phases = lines.filter((l) => l.progress).map((l) => l.progress.phase);
    expect(new Set(phases)).toEqual(new Set(['snapshot', 'train', 'evaluate', 'install']));
    const result = lines.at(-1).result;
    expect(result.version.version).toBe(1);
    expect(result.promoted).toBe(false);
    expect(result.version.metrics.primary.name).toBe('ap50');

    const listed = JSON.parse((await run(['models', 'versions', dir, '--json'])).out);
    expect(listed.models).toHaveLength(1);
    expect(listed.models[0]).toMatchObject({ modelId: 'proposals3d', promoted: null });
    const promoted = JSON.parse((await run(['models', 'promote', dir, '--model', 'proposals3d', '--version', '1', '--json'])).out);
    expect(promoted.promoted).toBe(1);
    const models = JSON.parse((await run(['models', 'list', '--project', dir, '--json'])).out);
    expect(models.models.find((m: { id: string }) => m.id === 'proposals3d').version).toBe(1);
    const back = JSON.parse((await run(['models', 'rollback', dir, '--model', 'proposals3d', '--json'])).out);
    expect(back.promoted).toBe(null);
    const bad = await run(['models', 'promote', dir, '--model', 'proposals3d', '--version', '7', '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out).error.code).toBe('NOT_FOUND');
  }, 120_000);
});
