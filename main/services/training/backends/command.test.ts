/**
 * Contract test of the `command` back end with a trainer written for the test
 * (testing/fakeUltralytics.ts, a real child process that prints Ultralytics' console layout and
 * writes a real ONNX), on a project of real KITTI images and labels. Real Ultralytics runs when
 * `yolo` is on PATH (see the last test).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainingContext, TrainingJobSpec, TrainingProgress } from '../../../../core/training/job';
import { ModelService } from '../../models';
import { TrainingService } from '../runner';
import { hasKittiTracking, kittiImageProject, snapshotFor } from '../testing/kittiProject';
import { CommandBackend } from './command';
import { groupAlive } from './processGroup';

const FAKE = fileURLToPath(new URL('../testing/fakeUltralytics.ts', import.meta.url));
/** The fake trainer as a template: node with tsx's loader, then Ultralytics' own arguments. */
/** (tsx by its resolved URL: the trainer runs in the job's work folder, where `tsx` does not resolve.) */
const TSX = import.meta.resolve('tsx');
const fakeYolo = (rest: string) => [process.execPath, '--import', TSX, FAKE, ...rest.split(' ')];
const FAKE_OPTIONS = {
  train: fakeYolo('detect train data={data} model={model} epochs={epochs} imgsz={imgsz} project={workdir} name=train'),
  export: fakeYolo('export model={workdir}/train/weights/best.pt format=onnx imgsz={imgsz}'),
  epochs: 3,
  imgsz: 320,
};

const tmp = mkdtempSync(path.join(os.tmpdir(), 'datum-cmd-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const job = (options: Record<string, unknown>): TrainingJobSpec => ({ jobId: 'job-1', task: 'detect2d', backend: 'command', modelId: 'kitti-yolo', options });

async function setup(name: string) {
  const projects = await kittiImageProject(path.join(tmp, name, 'project'));
  const workDir = path.join(tmp, name, 'work');
  const snapshotDir = path.join(workDir, 'snapshot');
  mkdirSync(snapshotDir, { recursive: true });
  const { snapshot, table } = await snapshotFor(projects, job({}), snapshotDir);
  const events: TrainingProgress[] = [];
  const log: string[] = [];
  const abort = new AbortController();
  const ctx: TrainingContext = { workDir, snapshotDir, snapshot, signal: abort.signal, progress: (p) => events.push(p), log: (l) => log.push(l) };
  const pgids: number[] = [];
  const backend = new CommandBackend(undefined, { onStart: (g) => pgids.push(g) });
  return { projects, snapshot, table, ctx, events, log, abort, backend, pgids, workDir };
}

describe.skipIf(!hasKittiTracking)('command back end (fake Ultralytics trainer, KITTI tracking 0001 images)', () => {
  it('exports YOLO, streams epochs with falling loss, and returns an ONNX that runs and finds the labelled boxes', async () => {
    const s = await setup('ok');
    const result = await s.backend.run(job({ ...FAKE_OPTIONS, env: { FAKE_EPOCH_MS: '40' } }), s.ctx);

    // The snapshot the trainer read: YOLO layout, classes used, real label lines.
    const yaml = readFileSync(path.join(s.ctx.snapshotDir, 'data.yaml'), 'utf8');
    expect(yaml).toContain('train: images/train');
    expect(yaml).not.toMatch(/^path:/m);
    expect(result.manifest.classes).toEqual(s.table.classes);
    expect(s.table.classes).toEqual(['Car', 'Van']);

    // Progress: every epoch, losses falling, validation precision / recall, fraction rising.
    const validated = s.events.filter((e) => e.metrics?.precision !== undefined && e.phase === 'train');
    expect(validated.map((e) => e.epoch)).toEqual([1, 2, 3]);
    const losses = validated.map((e) => e.metrics!.loss);
    expect(losses[2]).toBeLessThan(losses[0]);
    expect(validated[2].metrics!.recall).toBeGreaterThan(validated[0].metrics!.recall);
    const fractions = s.events.map((e) => e.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(s.events.at(-1)!.fraction).toBe(0.85); // the runner's evaluation and installation follow
    expect(s.log.some((l) => l.includes('ONNX: export success'))).toBe(true);

    // Metrics from results.csv's best epoch; n = validation objects actually exported.
    const valObjects = Object.values(s.snapshot.counts.val).reduce((a, b) => a + b, 0);
    expect(result.metrics).toMatchObject({ primary: { name: 'mAP50-95', value: 0.5 }, precision: 0.8, recall: 0.7, n: valObjects });
    expect(valObjects).toBeGreaterThanOrEqual(10);

    // The ONNX is in the work folder, imports as a yolov8 model (ONNX Runtime opens and checks it)
    // and, run on the first validation image, gives back that image's labelled boxes.
    expect(result.onnxPath.startsWith(s.workDir)).toBe(true);
    const models = new ModelService(null);
    try {
      const entry = await models.import(result.onnxPath, { manifest: { ...(result.manifest as object), id: 'kitti-yolo' } as never, destRoot: path.join(tmp, 'ok', 'models') });
      const firstVal = s.table.items.filter((i) => i.split === 'val').sort((a, b) => a.itemId.localeCompare(b.itemId))[0];
      const predictions = await models.predictImage(entry, firstVal.file);
      const expected = firstVal.boxes.map((b) => b.box);
      // The fake's letterbox pads by the exact half, the adapter by Ultralytics' rounded one: within 3 px.
      // Every prediction is a labelled box; labelled boxes missing are only those NMS (IoU 0.45,
      // same class) drops because they overlap another labelled box of their class.
      const near = (a: readonly number[], b: readonly number[]) => a.every((v, k) => Math.abs(v - b[k]) < 3);
      const boxes = predictions.flatMap((p) => ('box' in p && p.box ? [p.box] : []));
      expect(boxes.length).toBeGreaterThan(0);
      for (const b of boxes) expect(expected.some((e) => near(b, e)), `prediction ${b.join(',')}`).toBe(true);
      const iou = (a: readonly number[], b: readonly number[]) => {
        const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0])), h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
        const area = (r: readonly number[]) => (r[2] - r[0]) * (r[3] - r[1]);
        return (w * h) / (area(a) + area(b) - w * h);
      };
      firstVal.boxes.forEach((e, i) => {
        const overlapped = firstVal.boxes.some((o, j) => j !== i && o.label === e.label && iou(o.box, e.box) > 0.45);
        if (!overlapped) expect(boxes.some((b) => near(b, e.box)), `labelled box ${e.box.join(',')}`).toBe(true);
      });
    } finally {
      await models.close();
    }
  }, 120_000);

  it('cancel kills the whole process group: the trainer and the worker it forked', async () => {
    const s = await setup('cancel');
    const running = s.backend.run(job({ ...FAKE_OPTIONS, epochs: 50, env: { FAKE_EPOCH_MS: '2000', FAKE_SPAWN_CHILD: '1' } }), s.ctx);
    const childPid = path.join(s.workDir, 'train', 'child.pid');
    const trainerPid = path.join(s.workDir, 'train', 'trainer.pid');
    // Wait for the first batch line (the worker exists by then).
    for (let i = 0; i < 400 && !s.events.some((e) => e.epoch === 1); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(childPid)).toBe(true);
    const pids = [Number(readFileSync(trainerPid, 'utf8')), Number(readFileSync(childPid, 'utf8'))];
    expect(pids.every(alive)).toBe(true);
    s.abort.abort();
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
    for (let i = 0; i < 100 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 50));
    expect(pids.filter(alive)).toEqual([]);
    expect(groupAlive(s.pgids[0])).toBe(false);
  }, 60_000);

  it('reports a failing trainer with the end of its output, and bad templates before running anything', async () => {
    const s = await setup('fail');
    await expect(s.backend.run(job({ ...FAKE_OPTIONS, env: { FAKE_FAIL: '1' } }), s.ctx)).rejects.toThrow(/exited with code 2:[\s\S]*fake failure for tests/);
    await expect(s.backend.run(job({ ...FAKE_OPTIONS, train: 'yolo train data={dataset}' }), s.ctx)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/unknown placeholder \{dataset\}/) });
    await expect(s.backend.run(job({ epochs: 0 }), s.ctx)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(s.backend.run(job({ ...FAKE_OPTIONS, train: ['datum-no-such-trainer', 'x'] }), s.ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(s.backend.supports('detect3d')).toBe(false);
  }, 60_000);
});

describe.skipIf(!hasKittiTracking)('the runner with the command back end', () => {
  it('installs the trained ONNX as a version with the trainer\'s metrics and lists the back ends', async () => {
    const projects = await kittiImageProject(path.join(tmp, 'runner', 'project'));
    const service = new TrainingService(projects);
    const kinds = await service.backends.list();
    expect(kinds.map((b) => [b.kind, b.tasks])).toEqual(expect.arrayContaining([['command', ['detect2d']], ['ssh', ['detect2d']]]));
    const events: TrainingProgress[] = [];
    const r = await service.train({ task: 'detect2d', backend: 'command', modelId: 'kitti-yolo', jobId: 'runner-1', options: FAKE_OPTIONS }, { progress: (p) => events.push(p) });
    expect(r.version).toMatchObject({ version: 1, backend: 'command', task: 'detect2d', metrics: { primary: { name: 'mAP50-95', value: 0.5 } } });
    expect(r.promoted).toBe(true); // nothing to compare with yet
    expect(events.some((e) => e.phase === 'train' && e.epoch === 3)).toBe(true);
    const dir = path.join(projects.requireProject().dir, 'models', 'kitti-yolo', r.version.dir);
    expect(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'))).toMatchObject({ adapter: 'yolov8', classes: ['Car', 'Van'] });
    // The job's work folder (snapshot, trainer output) is gone.
    expect(existsSync(path.join(projects.requireProject().dir, '.datum', 'training', 'runner-1'))).toBe(false);
  }, 120_000);
});

let yolo: string | null = null;
try {
  yolo = execFileSync('which', ['yolo'], { encoding: 'utf8' }).trim() || null;
} catch {
  yolo = null;
}

describe.skipIf(!hasKittiTracking)('command back end with real Ultralytics', () => {
  it.skipIf(!yolo)('trains 1 epoch with the default templates (needs yolov8n.pt and Arial.ttf present offline)', async () => {
    const s = await setup('real');
    const result = await s.backend.run(job({ epochs: 1, imgsz: 320, batch: 4 }), s.ctx);
    expect(result.metrics.primary.name).toBe('mAP50-95');
    expect(existsSync(result.onnxPath)).toBe(true);
  }, 1_800_000);
  if (!yolo) it.skip('skipped: no `yolo` (Ultralytics) on PATH on this machine', () => {});
});
