/**
 * Jobs, leases and presence on a real project folder, with both real stores: the FolderStore, and
 * PostgreSQL (two PgStore instances on one database = two hosts serving one team). The store's
 * compare-and-swap is what keeps two people off one item, so the races here are real concurrent
 * calls (on PostgreSQL from two connection pools), not simulated ones.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PathGuard } from '../pathGuard';
import { ProjectService } from '../projectService';
import { ReviewService } from '../review';
import { PgStore } from '../store/pgStore';
import type { ProjectStore } from '../store/types';
import { freshDatabase } from '../../../tests/support/pgCluster';
import { EventHub } from '../../rpc/events';
import { LeaseService } from './leases';
import { JobService } from './jobs';
import { PresenceService } from './presence';
import { LEASE_TTL_MS } from '../../../core/team/leases';

const N_IMAGES = 6;
const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

const pgDb = await freshDatabase('teamjobs');
const pgSkip = 'problem' in pgDb ? pgDb.problem : null;

interface Backend {
  name: string;
  skip: string | null;
  /**
   * Where the project service keeps its store (undefined: the folder), and the second host's store
   * of the same project: the same instance on a folder (one process owns it), another PgStore on
   * the same database for PostgreSQL.
   */
  database(): Promise<string | undefined>;
  other(projects: ProjectService, database: string | undefined): Promise<ProjectStore>;
}
const opened: ProjectStore[] = [];
const drops: Array<() => Promise<void>> = [];
const services: ProjectService[] = [];
const backends: Backend[] = [
  { name: 'folder', skip: null, database: async () => undefined, other: async (projects) => projects.requireStore() },
  {
    name: 'postgres',
    skip: pgSkip,
    async database() {
      const fresh = await freshDatabase('teamjobs');
      if ('problem' in fresh) throw new Error(fresh.problem);
      drops.push(fresh.drop);
      return fresh.url;
    },
    async other(_projects, url) {
      const b = await PgStore.open(url!, { poolSize: 8 });
      opened.push(b);
      return b;
    },
  },
];
afterAll(async () => {
  for (const p of services) await p.close().catch(() => {});
  for (const s of opened) await s.close().catch(() => {});
  for (const d of drops) await d().catch(() => {});
  if (!('problem' in pgDb)) await pgDb.drop();
});

let dir: string;
let projects: ProjectService;
let store: ProjectStore;
/** The second host's store (the same one on a folder). */
let other: ProjectStore;
let review: ReviewService;
let ids: string[];

async function setUp(backend: Backend): Promise<void> {
  dir = mkdtempSync(path.join(os.tmpdir(), 'team-'));
  roots.push(dir);
  mkdirSync(path.join(dir, 'images'));
  for (let i = 0; i < N_IMAGES; i++) {
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } })
      .png()
      .toFile(path.join(dir, 'images', `im${i}.png`));
  }
  const database = await backend.database();
  projects = new ProjectService(new PathGuard(), null, { database: database ? { url: database, projectDir: dir } : undefined });
  services.push(projects);
  await projects.create(dir, 'team test');
  await projects.refreshIndex(() => {}, new AbortController().signal);
  ids = projects.listItems({ offset: 0, limit: 100 }).items.map((i) => i.id);
  store = projects.requireStore();
  expect(store.kind).toBe(backend.name);
  other = await backend.other(projects, database);
  review = new ReviewService(projects);
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`team work on the ${backend.name} store${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    beforeEach(() => setUp(backend));

    describe('leases', () => {
      it('two people opening the same free item at once: exactly one gets it, the other is told who (n = 30 races)', async () => {
        // Ann on one host, Bob on the other (PostgreSQL); one process on a folder.
        const hosts = [new LeaseService(() => store), new LeaseService(() => other)];
        const leases = hosts[0];
        const people = ['ann', 'bob'];
        let n = 0;
        for (let race = 0; race < 30; race++) {
          const itemId = ids[race % ids.length];
          // Every round starts from a free item.
          const cur = await leases.get(itemId);
          if (cur) await leases.release(itemId, cur.holder);
          const [a, b] = await Promise.all(people.map((p, i) => hosts[i].acquire(itemId, p)));
          expect([a.granted, b.granted].filter(Boolean)).toHaveLength(1);
          const winner = a.granted ? 'ann' : 'bob';
          const loser = a.granted ? b : a;
          expect(loser.lease.holder).toBe(winner);
          expect((await leases.get(itemId))?.holder).toBe(winner);
          n++;
        }
        expect(n).toBe(30);
      });

      it('four people at once on one item, ten times: one winner each time, and the stored record agrees', async () => {
        const hosts = [new LeaseService(() => store), new LeaseService(() => other)];
        const leases = hosts[0];
        for (let round = 0; round < 10; round++) {
          const itemId = ids[0];
          const cur = await leases.get(itemId);
          if (cur) await leases.release(itemId, cur.holder);
          const answers = await Promise.all(['a', 'b', 'c', 'd'].map((p, i) => hosts[i % 2].acquire(itemId, p)));
          const winners = answers.filter((x) => x.granted);
          expect(winners).toHaveLength(1);
          expect(answers.every((x) => x.lease.holder === winners[0].lease.holder)).toBe(true);
        }
      });

      it('renewal keeps the lease; a lease without heartbeat expires and is taken over; only the holder releases', async () => {
        let now = 1_000_000;
        const leases = new LeaseService(() => store, () => now);
        const id = ids[1];
        expect((await leases.acquire(id, 'ann')).granted).toBe(true);
        now += 20_000;
        const renewed = await leases.acquire(id, 'ann');
        expect([renewed.granted, renewed.lease.takenAt, renewed.lease.expiresAt]).toEqual([true, 1_000_000, now + LEASE_TTL_MS]);
        now += LEASE_TTL_MS - 1;
        expect((await leases.acquire(id, 'bob')).granted).toBe(false);
        expect(await leases.release(id, 'bob')).toBe(false);
        now += 1; // ann's browser went away: no heartbeat for a whole TTL
        const taken = await leases.acquire(id, 'bob');
        expect([taken.granted, taken.lease.holder]).toEqual([true, 'bob']);
        expect((await leases.acquire(id, 'ann')).granted).toBe(false);
        expect(await leases.release(id, 'bob')).toBe(true);
        expect(await leases.get(id)).toBeNull();
        expect((await leases.acquire(id, 'ann')).granted).toBe(true);
      });

      it('the save check: CONFLICT naming the holder; a team server needs one\'s own lease', async () => {
        const leases = new LeaseService(() => store);
        await leases.acquire(ids[2], 'ann');
        await expect(leases.checkSave(ids[2], 'bob', false)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('being edited by ann') });
        await expect(leases.checkSave(ids[2], 'ann', true)).resolves.toBeUndefined();
        await expect(leases.checkSave(ids[3], 'bob', false)).resolves.toBeUndefined();
        await expect(leases.checkSave(ids[3], 'bob', true)).rejects.toMatchObject({ code: 'CONFLICT' });
      });

      it('lease, job and presence changes reach every connection through the hub', async () => {
        const hub = new EventHub();
        const heard: Array<[string, unknown]> = [];
        hub.subscribe((e, d) => heard.push([e, d]));
        const presence = new PresenceService(hub);
        presence.attach(store);
        // Everything below is written through the OTHER host's store: this host hears it from the store.
        const leases = new LeaseService(() => other);
        await leases.acquire(ids[0], 'ann');
        await leases.release(ids[0], 'ann');
        const presenceB = new PresenceService(new EventHub());
        await presenceB.announce(other, 'ann', { itemId: ids[0], mode: 'edit' });
        await presenceB.announce(other, 'bob', { itemId: ids[0], mode: 'view' });
        const jobs = new JobService(() => other, projects, review, leases);
        const [job] = await jobs.split({ by: 'items', name: 'J', perJob: 10 }, { name: 'mia' });
        await vi.waitFor(() => expect(heard.some(([e, d]) => e === 'work.changed' && (d as { jobId: string }).jobId === job.id)).toBe(true), { timeout: 5000 });
        expect(heard.filter(([e]) => e === 'lease.changed').map(([, d]) => d)).toEqual([
          { itemId: ids[0], holder: 'ann' },
          { itemId: ids[0], holder: null },
        ]);
        const people = (heard.filter(([e]) => e === 'presence.changed').at(-1)![1] as { people: Array<{ name: string; mode: string }> }).people;
        expect(people.map((p) => `${p.name}:${p.mode}`)).toEqual(['ann:edit', 'bob:view']);
        await presenceB.announce(other, 'bob', { gone: true });
        await vi.waitFor(() => expect(presence.list().map((p) => p.name)).toEqual(['ann']), { timeout: 5000 });
      });
    });

    describe('jobs', () => {
      const mia = { name: 'mia' };
      it('split, assign, submit (items submitted in the store), reject with an issue, fix, accept; progress per job and person', async () => {
        const leases = new LeaseService(() => store);
        const jobs = new JobService(() => store, projects, review, leases);
        const made = await jobs.split({ by: 'items', name: 'Batch', perJob: 4 }, mia);
        expect(made.map((j) => j.units.length)).toEqual([4, 2]);
        // The jobs are records of the store: in .datum/store/jobs/ on a folder.
        if (backend.name === 'folder') expect(JSON.parse(readFileSync(path.join(dir, '.datum', 'store', 'jobs', `${made[0].id}.json`), 'utf8')).value.name).toBe('Batch 1');
        else expect(((await other.getRecord('jobs', made[0].id))?.value as { name: string }).name).toBe('Batch 1');
        const again = await jobs.split({ by: 'items', name: 'More', perJob: 4, skipAssigned: true }, mia).catch((e) => e);
        expect(again.code).toBe('BAD_REQUEST'); // every item is already in a job
        const j1 = made[0];
        await jobs.assign(j1.id, { annotator: 'ann', reviewer: 'rev' }, mia);
        await expect(jobs.submit(j1.id, { name: 'bob', role: 'annotator' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
        await jobs.start(j1.id, { name: 'ann' });
        expect((await jobs.next(j1.id, { name: 'ann' }))?.itemId).toBe(j1.units[0].itemId);
        // Someone else holds the first item: next skips it.
        await leases.acquire(j1.units[0].itemId, 'bob');
        expect((await jobs.next(j1.id, { name: 'ann' }))?.itemId).toBe(j1.units[1].itemId);
        await expect(jobs.submit(j1.id, { name: 'ann' })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('being edited by bob') });
        await leases.release(j1.units[0].itemId, 'bob');
        await jobs.submit(j1.id, { name: 'ann' });
        const unitIds = j1.units.map((u) => u.itemId);
        for (const id of unitIds) expect((await projects.loadAnnotations(id)).status).toBe('submitted');
        expect((await jobs.queue({ name: 'rev' })).map((j) => j.id)).toEqual([j1.id]);
        expect(await jobs.queue({ name: 'ann' })).toEqual([]);

        // The reviewer pins an issue on one item (the existing review machinery) and rejects the job.
        await review.addIssue(unitIds[2], {}, 'the box is loose', 'rev');
        await expect(jobs.accept(j1.id, { name: 'rev' })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('open issues') });
        const r = await jobs.reject(j1.id, 'fix the loose box', { name: 'rev' });
        expect(r.rejectedItems).toEqual([unitIds[2]]);
        expect((await projects.loadAnnotations(unitIds[2])).status).toBe('rejected');
        expect((await projects.loadAnnotations(unitIds[0])).status).toBe('submitted');
        expect((await jobs.mine({ name: 'ann' }))[0].id).toBe(j1.id);
        expect((await jobs.next(j1.id, { name: 'ann' }))?.itemId).toBe(unitIds[2]);

        // The annotator fixes it and resubmits; the reviewer accepts.
        const doc = await projects.loadAnnotations(unitIds[2]);
        await review.resolveIssue(unitIds[2], doc.issues![0].id, 'ann', 'tightened');
        await jobs.submit(j1.id, { name: 'ann' });
        const accepted = await jobs.accept(j1.id, { name: 'rev' });
        expect(accepted.history.map((h) => h.to)).toEqual(['in_progress', 'submitted', 'rejected', 'submitted', 'accepted']);
        for (const id of unitIds) expect((await projects.loadAnnotations(id)).status).toBe('accepted');

        const p = await jobs.progress();
        expect(p.jobs.map((j) => [j.name, j.done, j.total, j.accepted])).toEqual([
          ['Batch 1', 4, 4, 4],
          ['Batch 2', 0, 2, 0],
        ]);
        expect(p.people).toEqual([
          { name: 'ann', annotate: { jobs: 1, total: 4, done: 4, accepted: 4 }, review: { jobs: 0, total: 0, reviewed: 0 } },
          { name: 'rev', annotate: { jobs: 0, total: 0, done: 0, accepted: 0 }, review: { jobs: 1, total: 4, reviewed: 4 } },
        ]);
      });

      it('two managers assigning one job at once: both changes land (compare-and-swap, re-applied)', async () => {
        const jobs = new JobService(() => store, projects, review, new LeaseService(() => store));
        const [job] = await jobs.split({ by: 'filter', name: 'All', filter: {} }, mia);
        expect(job.origin).toBe('filter: all items');
        const jobs2 = new JobService(() => other, projects, review, new LeaseService(() => other));
        await Promise.all([jobs.assign(job.id, { annotator: 'ann' }, mia), jobs2.assign(job.id, { reviewer: 'rev' }, { name: 'max' })]);
        const stored = await jobs.get(job.id);
        expect([stored.annotator, stored.reviewer]).toEqual(['ann', 'rev']);
        expect((await store.getRecord('jobs', job.id))?.revision).toBe(3);
      });

      it('roles on a team server: an annotator cannot split or assign, a reviewer cannot submit', async () => {
        const jobs = new JobService(() => store, projects, review, new LeaseService(() => store));
        await expect(jobs.split({ by: 'items', name: 'X', perJob: 2 }, { name: 'ann', role: 'annotator' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
        const [job] = await jobs.split({ by: 'items', name: 'X', perJob: 10 }, { name: 'boss', role: 'manager' });
        await expect(jobs.assign(job.id, { annotator: 'ann' }, { name: 'ann', role: 'annotator' })).rejects.toMatchObject({ code: 'CONFLICT' });
        await jobs.assign(job.id, { annotator: 'ann', reviewer: 'rev' }, { name: 'boss', role: 'manager' });
        await expect(jobs.submit(job.id, { name: 'rev', role: 'reviewer' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
        await expect(jobs.remove(job.id, { name: 'rev', role: 'reviewer' })).rejects.toMatchObject({ code: 'CONFLICT' });
        await jobs.remove(job.id, { name: 'boss', role: 'manager' });
        expect(await jobs.list()).toEqual([]);
      });
    });
  });
}
