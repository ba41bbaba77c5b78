/**
 * The work / lease / presence methods through the real router and handlers (what both hosts
 * mount), two connections = two people: concurrent calls on one job both land, the lease race has
 * one winner, and annotations.save under someone else's lease is refused naming them.
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostServices, type HostServices } from '../hostServices';
import type { Connection } from './router';

let root: string;
let host: HostServices;
let ann: Connection;
let mia: Connection;
const heardByMia: Array<[string, unknown]> = [];

async function ok<T>(c: Connection, method: string, params: unknown): Promise<T> {
  const r = await c.call(method, params);
  if ('error' in r) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.result as T;
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'team-rpc-'));
  const dir = path.join(root, 'project');
  mkdirSync(path.join(dir, 'images'), { recursive: true });
  for (let i = 0; i < 4; i++) await sharp({ create: { width: 8, height: 8, channels: 3, background: '#224466' } }).png().toFile(path.join(dir, 'images', `p${i}.png`));
  host = createHostServices({ userDataDir: path.join(root, 'home'), host: 'headless' });
  await host.projects.create(dir, 'rpc');
  await host.projects.refreshIndex(() => {}, new AbortController().signal);
  ann = host.router.connect(() => {});
  mia = host.router.connect((event, data) => heardByMia.push([event, data]));
});
afterAll(() => {
  ann?.close();
  mia?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('team methods through the router', () => {
  it('one job changed twice at once on one connection, and from another: every change lands (no "already running")', async () => {
    const { jobs } = await ok<{ jobs: Array<{ id: string }> }>(mia, 'work.split', { by: 'items', name: 'B', perJob: 2, who: 'Mia' });
    const job = jobs[0].id;
    // The manager's two fields commit together (one connection); a second manager renames nothing but starts it.
    const answers = await Promise.all([
      mia.call('work.assign', { job, annotator: 'Ann', who: 'Mia' }),
      mia.call('work.assign', { job, reviewer: 'Rev', who: 'Mia' }),
      ann.call('work.next', { job, who: 'Ann' }),
    ]);
    expect(answers.map((r) => ('error' in r ? r.error.message : 'ok'))).toEqual(['ok', 'ok', 'ok']);
    const list = await ok<{ jobs: Array<{ id: string; annotator?: string; reviewer?: string }> }>(ann, 'work.list', {});
    const stored = list.jobs.find((j) => j.id === job)!;
    expect([stored.annotator, stored.reviewer]).toEqual(['Ann', 'Rev']);
    expect(heardByMia.some(([e]) => e === 'work.changed')).toBe(true);
  });

  it('the lease race has one winner; the other opens read-only and cannot save', async () => {
    const items = await ok<{ items: Array<{ id: string }> }>(ann, 'items.list', {});
    const itemId = items.items[3].id;
    const [a, m] = await Promise.all([ok<{ granted: boolean }>(ann, 'lease.acquire', { itemId, who: 'Ann' }), ok<{ granted: boolean; lease: { holder: string } }>(mia, 'lease.acquire', { itemId, who: 'Mia' })]);
    expect([a.granted, m.granted].filter(Boolean)).toHaveLength(1);
    const [holder, loser] = a.granted ? ['Ann', mia] : ['Mia', ann];
    const loserName = holder === 'Ann' ? 'Mia' : 'Ann';
    const doc = await ok<unknown>(loser, 'annotations.load', { itemId });
    const refused = await loser.call('annotations.save', { itemId, document: doc, author: loserName });
    expect('error' in refused && refused.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(`being edited by ${holder}`) });
    const winner = loser === ann ? mia : ann;
    expect('result' in (await winner.call('annotations.save', { itemId, document: doc, author: holder }))).toBe(true);
    const people = await ok<{ people: Array<{ name: string; itemId: string | null; mode: string }> }>(ann, 'presence.list', {});
    expect(people.people.filter((p) => p.itemId === itemId).map((p) => `${p.name}:${p.mode}`).sort()).toEqual([`${holder}:edit`, `${loserName}:view`].sort());
    expect(await ok<{ released: boolean }>(winner, 'lease.release', { itemId, who: holder })).toEqual({ released: true });
    expect(heardByMia.filter(([e, d]) => e === 'lease.changed' && (d as { itemId: string }).itemId === itemId).map(([, d]) => (d as { holder: string | null }).holder)).toEqual([holder, null]);
  });

  it('no identity: a clear BAD_REQUEST, not a lease for nobody', async () => {
    const items = await ok<{ items: Array<{ id: string }> }>(ann, 'items.list', {});
    const r = await ann.call('lease.acquire', { itemId: items.items[0].id });
    expect('error' in r && r.error.code).toBe('BAD_REQUEST');
  });
});
