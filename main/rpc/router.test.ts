import { describe, expect, it } from 'vitest';
import { createRouter, type Handlers } from './router';
import { DatumError } from './errors';

function makeRouter(overrides: Partial<Handlers> = {}) {
  const base = {
    'app.info': async () => ({ version: '1', host: 'headless', platform: 'linux', canPickFolders: false }),
    'items.get': async ({ id }: { id: string }) => {
      if (id === 'missing') throw new DatumError('NOT_FOUND', `no item with id ${id}`);
      return { bogus: true } as never; // invalid output on purpose
    },
    'index.refresh': async (_: unknown, ctx: any) => {
      ctx.progress(1, 10, 'working');
      await new Promise((resolve, reject) => {
        ctx.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        setTimeout(resolve, 5000);
      });
      return { items: 0, added: 0, removed: 0, changed: 0 };
    },
    ...overrides,
  };
  return createRouter(base as unknown as Handlers);
}

describe('router', () => {
  it('refuses unknown methods and invalid payloads with BAD_REQUEST', async () => {
    const conn = makeRouter().connect(() => {});
    expect(await conn.call('fs.readFile', {})).toEqual({ error: { code: 'BAD_REQUEST', message: 'unknown method "fs.readFile"' } });
    const r = await conn.call('items.list', { limit: -5 });
    expect('error' in r && r.error.code).toBe('BAD_REQUEST');
    expect('error' in r && r.error.message).toMatch(/items\.list: limit/);
    const r2 = await conn.call('project.open', { path: 42 });
    expect('error' in r2 && r2.error.code).toBe('BAD_REQUEST');
  });

  it('passes DatumErrors through and flags invalid handler output as INTERNAL', async () => {
    const conn = makeRouter().connect(() => {});
    expect(await conn.call('items.get', { id: 'missing' })).toEqual({ error: { code: 'NOT_FOUND', message: 'no item with id missing' } });
    const r = await conn.call('items.get', { id: 'x' });
    expect('error' in r && r.error.code).toBe('INTERNAL');
  });

  it('returns results, reports progress and cancels jobs', async () => {
    const events: unknown[] = [];
    const conn = makeRouter().connect((event, data) => events.push({ event, data }));
    expect(await conn.call('app.info', {})).toEqual({ result: { version: '1', host: 'headless', platform: 'linux', canPickFolders: false } });
    const job = conn.call('index.refresh', { jobId: 'j1' });
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toContainEqual({ event: 'job.progress', data: { jobId: 'j1', done: 1, total: 10, phase: 'working' } });
    expect(await conn.call('jobs.cancel', { jobId: 'j1' })).toEqual({ result: { cancelled: true } });
    const r = await job;
    expect('error' in r && r.error.code).toBe('CANCELLED');
    expect(await conn.call('jobs.cancel', { jobId: 'j1' })).toEqual({ result: { cancelled: false } });
  });
});
