/**
 * The version library's crash rules: a version folder a killed job renamed into place but never
 * listed is ignored by discovery and its number is not reused; staging folders are swept; a
 * promoted version's manifest is what discovery returns.
 */
import { existsSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installVersion, readVersions, removeStaleStaging, versionDir } from './library';
import { discoverModels } from '../inference/library';
import { toOnnx } from '../../../core/training/linearHeads';

describe('training version library', () => {
  let dir: string;
  afterAll(async () => dir && fs.rm(dir, { recursive: true, force: true }));

  it('ignores an unlisted version folder, never reuses its number, sweeps staging folders', async () => {
    dir = await fs.mkdtemp(path.join(tmpdir(), 'datum-lib-'));
    const onnx = path.join(dir, 'm.onnx');
    await fs.writeFile(onnx, toOnnx({ mean: [0, 0], std: [1, 1], weights: [1, 0, 0, 1], bias: [0, 0], heads: ['car', 'vru'] }));
    const files = {
      onnxPath: onnx,
      manifest: { name: 'p', task: 'detect3d', adapter: 'proposals3d', classes: ['car'], trained: { task: 'detect3d', params: {} } },
      metrics: {},
      snapshot: {},
    };
    const meta = { createdAt: 'now', task: 'detect3d' as const, backend: 'local' as const, metrics: { primary: { name: 'ap50', value: 0.5 }, n: 40 }, snapshotId: 's' };
    // what a job killed between rename and listing leaves, plus a half-written staging folder
    await fs.mkdir(versionDir(dir, 'proposals3d', 1), { recursive: true });
    await fs.writeFile(path.join(versionDir(dir, 'proposals3d', 1), 'manifest.json'), '{"half":');
    await fs.mkdir(path.join(dir, 'models/proposals3d/versions/.staging-2-1-1'));
    expect((await readVersions(dir, 'proposals3d')).versions).toEqual([]);
    const before = await discoverModels({ projectDir: dir });
    expect(before.models.find((m) => m.manifest.id === 'proposals3d')?.version).toBeUndefined();

    await removeStaleStaging(dir, 'proposals3d');
    expect(existsSync(path.join(dir, 'models/proposals3d/versions/.staging-2-1-1'))).toBe(false);
    const r = await installVersion(dir, 'proposals3d', files, meta, () => true);
    expect(r.version.version).toBe(2);
    expect(r.versions.promoted).toBe(2);
    const after = await discoverModels({ projectDir: dir });
    const entry = after.models.find((m) => m.manifest.id === 'proposals3d')!;
    expect(entry.version).toBe(2);
    expect(entry.modelPath).toBe(await fs.realpath(path.join(versionDir(dir, 'proposals3d', 2), 'model.onnx')));
    expect(after.problems).toEqual([]);
  });
});
