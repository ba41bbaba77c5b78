/**
 * Probes of the real router (createHostServices, a real project on disk): models are referenced by
 * library id only, a manifest's files stay inside its model folder (no `..`, no absolute path, no
 * symlink out), and the answer to a path-shaped id does not tell whether that file exists.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostServices, type HostServices } from '../hostServices';
import { writeTinySam } from '../services/inference/testing/samModel';

let root: string;
let services: HostServices;
let call: (method: string, input: unknown) => Promise<{ result?: any; error?: { code: string; message: string } }>;

const yoloxManifest = (file: string) => ({
  id: 'x', name: 'x', task: 'detect2d', adapter: 'yolox', file,
  input: { width: 32, height: 32 }, classes: ['a'],
});

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'model-probe-'));
  const project = path.join(root, 'project');
  const outside = path.join(root, 'outside');
  mkdirSync(path.join(project, 'models'), { recursive: true });
  mkdirSync(outside);
  // A real ONNX file outside every model folder, and a manifest beside it.
  writeTinySam(outside, { id: 'elsewhere', width: 8, height: 8, rect: [0, 0, 4, 4] });
  writeFileSync(path.join(outside, 'exists.json'), JSON.stringify({ ...yoloxManifest('elsewhere/encoder.onnx'), id: 'exists' }));
  const models = path.join(project, 'models');
  const folder = (id: string, manifest: object) => {
    mkdirSync(path.join(models, id));
    writeFileSync(path.join(models, id, 'manifest.json'), JSON.stringify({ ...manifest, id }));
  };
  folder('dotdot', yoloxManifest('../../../outside/elsewhere/encoder.onnx'));
  folder('absolute', yoloxManifest(path.join(outside, 'elsewhere', 'encoder.onnx')));
  folder('linked', yoloxManifest('model.onnx'));
  symlinkSync(path.join(outside, 'elsewhere', 'encoder.onnx'), path.join(models, 'linked', 'model.onnx'));
  folder('dangling', yoloxManifest('model.onnx'));
  symlinkSync(path.join(outside, 'no-such.onnx'), path.join(models, 'dangling', 'model.onnx'));
  // A manifest.json that is itself a link to one outside.
  mkdirSync(path.join(models, 'borrowed'));
  symlinkSync(path.join(outside, 'exists.json'), path.join(models, 'borrowed', 'manifest.json'));
  services = createHostServices({ userDataDir: path.join(root, 'userData'), host: 'headless' });
  await services.projects.create(project, 'probe');
  const conn = services.router.connect(() => {});
  call = (m, i) => conn.call(m, i) as never;
});

afterAll(async () => {
  await services.models.close();
  rmSync(root, { recursive: true, force: true });
});

describe('model ids over RPC', () => {
  it('a path as model id is refused the same way whether the file exists or not', async () => {
    const existing = path.join(root, 'outside', 'exists.json');
    const missing = path.join(root, 'outside', 'nosuch.json');
    for (const method of ['prelabel.run', 'sam.embed'] as const) {
      const input = (modelId: string) => (method === 'prelabel.run' ? { jobId: 'j', modelId } : { itemId: '0000000000000000', modelId });
      const a = await call(method, input(existing));
      const b = await call(method, input(missing));
      expect(a.error?.code, method).toMatch(/^(BAD_REQUEST|NOT_FOUND)$/);
      expect(b.error?.code).toBe(a.error?.code);
      expect(b.error?.message.replace(missing, 'P')).toBe(a.error?.message.replace(existing, 'P'));
    }
    // A relative path that climbs out of anything is no id either.
    const rel = await call('prelabel.run', { jobId: 'j', modelId: '../outside/exists.json' });
    expect(rel.error?.code).toBe('BAD_REQUEST');
  });

  it('manifests whose files leave the model folder are refused (.., absolute, symlink out, dangling link, linked manifest)', async () => {
    const listed = (await call('models.list', {})).result as { models: { id: string }[]; problems: { path: string; message: string }[] };
    const ids = listed.models.map((m) => m.id);
    for (const bad of ['dotdot', 'absolute', 'linked', 'dangling', 'borrowed', 'exists']) expect(ids).not.toContain(bad);
    const problems = Object.fromEntries(listed.problems.map((p) => [path.basename(p.path), p.message]));
    expect(problems.dotdot).toMatch(/must be a file inside the model folder/);
    expect(problems.absolute).toMatch(/must be a file inside the model folder/);
    expect(problems.linked).toMatch(/must be a file inside the model folder/);
    // A link to an existing file and a dangling one read the same.
    expect(problems.dangling.replace('dangling', 'X')).toBe(problems.linked.replace('linked', 'X'));
    expect(problems.borrowed).toMatch(/link out of the model folder/);
    for (const id of ['dotdot', 'absolute', 'linked', 'dangling']) {
      const r = await call('prelabel.run', { jobId: 'j', modelId: id });
      expect(r.error?.code, id).toBe('NOT_FOUND');
    }
  });
});
