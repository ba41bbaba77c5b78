/**
 * The training RPC surface through the real router and handlers (what the Models tab calls):
 * outputs pass the contract's schemas, progress arrives as `training.progress` and `job.progress`
 * events, `jobs.cancel` stops a job, and promote / roll back answer the version list. Project: the
 * three real KITTI cropped frames (three recordings).
 */
import { existsSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostServices, type HostServices } from '../../hostServices';
import { getFormat } from '../exchange';
import { runImport } from '../exchange/run';
import { closeHeadSessions } from './scorerSession';

const DATA = path.resolve(__dirname, '../../../../shared/data/kitti-cropped/training');
const have = existsSync(DATA);
if (!have && process.env.CI) throw new Error(`${DATA}: the shared sample data is missing`);

describe.skipIf(!have)('training RPC surface', () => {
  let dir: string;
  let host: HostServices;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(tmpdir(), 'datum-train-rpc-'));
    await fs.cp(DATA, path.join(dir, 'kc'), { recursive: true, filter: (p) => !p.includes('image_2') });
    host = createHostServices({ userDataDir: null, host: 'headless', demoDir: path.join(dir, 'demo') });
    await host.projects.create(dir);
    await host.projects.refreshIndex(() => {}, new AbortController().signal);
    await runImport(getFormat('kitti')!, path.join(dir, 'kc'), { projects: host.projects, mode: 'merge', warn: () => {} });
  }, 60_000);
  afterAll(async () => {
    await closeHeadSessions();
    await host?.models.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('lists back ends, trains with progress events, cancels, promotes and rolls back', async () => {
    const events: { event: string; data: any }[] = [];
    const conn = host.router.connect((event, data) => events.push({ event, data }));
    const backends = await conn.call('training.backends', {});
    expect(backends).toMatchObject({ result: { backends: expect.arrayContaining([{ kind: 'local', tasks: ['detect3d', 'accept2d'], available: true }]) } });

    const started = await conn.call('training.start', { jobId: 't1', task: 'detect3d', promote: 'always' });
    if ('error' in started) throw new Error(started.error.message);
    const r = started.result as any;
    expect(r).toMatchObject({ modelId: 'proposals3d', promoted: true, version: { version: 1, task: 'detect3d', backend: 'local' }, versions: { promoted: 1 } });
    const phases = new Set(events.filter((e) => e.event === 'training.progress' && e.data.jobId === 't1').map((e) => e.data.progress.phase));
    expect(phases).toEqual(new Set(['snapshot', 'train', 'evaluate', 'install']));
    expect(events.some((e) => e.event === 'job.progress' && e.data.jobId === 't1')).toBe(true);
    expect(events).toContainEqual({ event: 'project.changed', data: { reason: 'models' } });

    // cancel while the snapshot is being built: CANCELLED, no version 2
    const job = conn.call('training.start', { jobId: 't2', task: 'detect3d' });
    await new Promise((res) => {
      const poll = setInterval(() => {
        if (events.some((e) => e.event === 'training.progress' && e.data.jobId === 't2')) {
          clearInterval(poll);
          res(null);
        }
      }, 5);
    });
    expect(await conn.call('jobs.cancel', { jobId: 't2' })).toEqual({ result: { cancelled: true } });
    const cancelled = await job;
    expect('error' in cancelled && cancelled.error.code).toBe('CANCELLED');

    const versions = await conn.call('training.versions', {});
    expect(versions).toMatchObject({ result: { models: [{ modelId: 'proposals3d', promoted: 1, history: [null] }] } });
    expect(((versions as any).result.models[0].versions as unknown[]).length).toBe(1);
    const listed = await conn.call('models.list', {});
    expect((listed as any).result.models.find((m: any) => m.id === 'proposals3d').version).toBe(1);
    expect(await conn.call('training.rollback', { modelId: 'proposals3d' })).toMatchObject({ result: { promoted: null } });
    expect(await conn.call('training.promote', { modelId: 'proposals3d', version: 1 })).toMatchObject({ result: { promoted: 1 } });
    expect(await conn.call('training.promote', { modelId: 'proposals3d', version: 5 })).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(await conn.call('training.promote', { modelId: '../x', version: 1 })).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  }, 120_000);
});
