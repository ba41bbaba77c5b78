/**
 * The training runner on real labels: a project made of KITTI tracking 0001 (11 frames, one
 * recording), KITTI cropped (3 frames) and the SUSTech sequence (imported from ../shared/data).
 * Trains the detect3d scorer with the local back end, checks the installed version, the ONNX file
 * against the TypeScript forward pass, promotion and roll back as pre-labelling sees them, and that
 * a cancelled job or a failing back end leaves the model library byte for byte as it was.
 */
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectService } from '../projectService';
import { PathGuard } from '../pathGuard';
import { getFormat } from '../exchange';
import { runImport } from '../exchange/run';
import { ModelService } from '../models';
import { BackendRegistry, TrainingService } from './runner';
import { closeHeadSessions } from './scorerSession';
import { DatumError } from '../../rpc/errors';

const DATA = path.resolve(__dirname, '../../../../shared/data');
const have = existsSync(path.join(DATA, 'kitti-tracking-0001')) && existsSync(path.join(DATA, 'sustech'));
if (!have && process.env.CI) throw new Error(`${DATA}: the shared sample data is missing`);

let dir: string;
let projects: ProjectService;

async function copy(src: string, dst: string) {
  await fs.cp(src, dst, { recursive: true, filter: (p) => !p.includes('image_2') });
}

/** Every file under the project's models/ folder with its bytes (the library's state). */
function libraryState(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = readFileSync(p).toString('base64');
    }
  };
  walk(path.join(dir, 'models'));
  return out;
}

describe.skipIf(!have)('training runner on real labels (KITTI tracking + cropped, SUSTech)', () => {
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'datum-train-'));
    await copy(path.join(DATA, 'kitti-tracking-0001/training'), path.join(dir, 'kt'));
    await copy(path.join(DATA, 'kitti-cropped/training'), path.join(dir, 'kc'));
    projects = new ProjectService(new PathGuard());
    await projects.create(dir);
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const ctx = { projects, mode: 'merge' as const, warn: () => {} };
    await runImport(getFormat('kitti')!, path.join(dir, 'kt'), ctx);
    await runImport(getFormat('kitti')!, path.join(dir, 'kc'), ctx);
    await runImport(getFormat('sustech')!, path.join(DATA, 'sustech'), ctx);
    await projects.refreshIndex(() => {}, new AbortController().signal);
  }, 120_000);
  afterAll(async () => {
    await closeHeadSessions();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('trains detect3d, installs version 1 with its metrics and an ONNX scorer that agrees with the TypeScript model', async () => {
    const training = new TrainingService(projects);
    const phases = new Set<string>();
    const r = await training.train({ task: 'detect3d', promote: 'never', jobId: 'job1', valFraction: 0.5 }, { progress: (p) => phases.add(p.phase) });
    expect([...phases]).toEqual(['snapshot', 'train', 'evaluate', 'install']);
    expect(r.modelId).toBe('proposals3d');
    expect(r.version.version).toBe(1);
    expect(r.promoted).toBe(false);
    const m = r.version.metrics;
    expect(m.primary.name).toBe('ap50');
    expect(m.n).toBeGreaterThanOrEqual(30);
    expect(m.onnxMaxDiff as number).toBeLessThan(1e-4);
    expect(r.version.comparedWith?.label).toBe('built-in scorer');
    console.log(`detect3d on this project: validation n = ${m.n} objects, AP50 ${r.version.comparedWith?.metrics.primary.value} (built-in) -> ${m.primary.value} (trained), precision ${r.version.comparedWith?.metrics.precision} -> ${m.precision}, recall ${r.version.comparedWith?.metrics.recall} -> ${m.recall}`);
    expect(r.version.comparedWith?.metrics.n).toBe(m.n);
    const vdir = path.join(dir, 'models/proposals3d/versions/1');
    for (const f of ['model.onnx', 'manifest.json', 'metrics.json', 'snapshot.json']) expect(existsSync(path.join(vdir, f))).toBe(true);
    const metrics = JSON.parse(readFileSync(path.join(vdir, 'metrics.json'), 'utf8'));
    expect(metrics.backendMetrics.trainLossLast).toBeLessThan(metrics.backendMetrics.trainLossFirst);
    // the split keeps every group on one side
    const snap = JSON.parse(readFileSync(path.join(vdir, 'snapshot.json'), 'utf8')) as { items: { group: string; split: string }[] };
    const sides = new Map<string, Set<string>>();
    for (const i of snap.items) sides.set(i.group, (sides.get(i.group) ?? new Set()).add(i.split));
    for (const s of sides.values()) expect(s.size).toBe(1);
    expect(new Set(snap.items.map((i) => i.split))).toEqual(new Set(['train', 'val']));
    expect(existsSync(path.join(dir, '.datum/training/job1'))).toBe(false);
  }, 180_000);

  it('promotion and roll back change what pre-labelling uses and what predictions record', async () => {
    const training = new TrainingService(projects);
    const models = new ModelService(null);
    const item = projects.listItems({ offset: 0, limit: 100, modality: ['pointcloud'] } as never).items.find((i) => i.name.includes('000134'))!;
    const prelabelSources = async () => {
      const doc = await projects.loadAnnotations(item.id);
      await projects.saveAnnotations(item.id, { ...doc, objects: doc.objects.filter((o) => o.source.kind === 'human') });
      await models.prelabel(projects, 'proposals3d', { itemIds: [item.id] });
      const after = await projects.loadAnnotations(item.id);
      return new Set(after.objects.filter((o) => o.source.kind === 'model').map((o) => (o.source as { model: string }).model));
    };
    try {
      expect(await prelabelSources()).toEqual(new Set(['proposals3d']));
      const p = await training.promote('proposals3d', 1);
      expect(p.promoted).toBe(1);
      expect((await models.resolve('proposals3d', dir)).version).toBe(1);
      expect(await prelabelSources()).toEqual(new Set(['proposals3d@1']));
      const back = await training.rollback('proposals3d');
      expect(back.promoted).toBe(null);
      expect((await models.resolve('proposals3d', dir)).version).toBeUndefined();
      expect(await prelabelSources()).toEqual(new Set(['proposals3d']));
    } finally {
      await models.close();
    }
  }, 120_000);

  it('a job cancelled while training leaves the library unchanged', async () => {
    const before = libraryState();
    const ctrl = new AbortController();
    const training = new TrainingService(projects);
    const job = training.train({ task: 'detect3d', jobId: 'killed' }, { signal: ctrl.signal, progress: (p) => p.phase === 'train' && ctrl.abort() });
    await expect(job).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(libraryState()).toEqual(before);
    expect(existsSync(path.join(dir, '.datum/training/killed'))).toBe(false);
  }, 120_000);

  it('a failing back end leaves the library unchanged', async () => {
    const before = libraryState();
    const registry = new BackendRegistry();
    registry.register({
      kind: 'local',
      supports: () => true,
      run: async (_job, ctx) => {
        await fs.writeFile(path.join(ctx.workDir, 'model.onnx'), 'half a model');
        throw new Error('trainer crashed');
      },
    });
    const training = new TrainingService(projects, registry);
    const err = await training.train({ task: 'detect3d', jobId: 'crash' }).catch((e) => e);
    expect(err).toBeInstanceOf(DatumError);
    expect(err.message).toMatch(/trainer crashed/);
    expect(libraryState()).toEqual(before);
    expect(existsSync(path.join(dir, '.datum/training/crash'))).toBe(false);
  }, 120_000);
});
