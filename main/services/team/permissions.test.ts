import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { METHOD_NAMES, contract } from '../../../preload/contract';
import { createHostServices } from '../../hostServices';
import type { Caller } from '../../rpc/router';
import { PERMISSIONS, authorize, bindIdentity, guardRouter, httpRouteRole } from './permissions';

const ann: Caller = { accountId: 'ann', name: 'Ann', role: 'annotator' };
const rev: Caller = { accountId: 'rev', name: 'Rev', role: 'reviewer' };
const boss: Caller = { accountId: 'boss', name: 'Boss', role: 'manager' };

describe('permission table', () => {
  it('classifies every contract method, and nothing else', () => {
    // A method added to preload/contract.ts without an entry here fails this test: on a team
    // server it would otherwise be refused to everyone (or, worse, be forgotten in a review).
    const missing = METHOD_NAMES.filter((m) => !Object.hasOwn(PERMISSIONS, m));
    expect(missing, `add these to PERMISSIONS in main/services/team/permissions.ts: ${missing.join(', ')}`).toEqual([]);
    expect(Object.keys(PERMISSIONS).filter((m) => !Object.hasOwn(contract, m))).toEqual([]);
  });

  it('an annotator labels and submits but cannot accept or reject', () => {
    expect(() => authorize(ann, 'annotations.save', {})).not.toThrow();
    expect(() => authorize(ann, 'review.transition', { to: 'submitted' })).not.toThrow();
    for (const to of ['accepted', 'rejected']) {
      expect(() => authorize(ann, 'review.transition', { to })).toThrow(`Ann is an annotator: review.transition (moving an item to ${to}) needs the reviewer role`);
    }
    expect(() => authorize(ann, 'prelabel.run', {})).toThrow(/needs the reviewer role/);
  });

  it('a reviewer accepts but cannot change the ontology, settings or models', () => {
    expect(() => authorize(rev, 'review.transition', { to: 'accepted' })).not.toThrow();
    for (const m of ['project.updateOntology', 'project.updateSettings', 'project.grantSources', 'models.import', 'training.start', 'training.rollback']) {
      expect(() => authorize(rev, m, {})).toThrow(`Rev is a reviewer: ${m} needs the manager role`);
    }
  });

  it('a manager may call every method but switching the served project, which nobody may', () => {
    const switching = ['project.open', 'project.create', 'project.openDemo', 'project.close'];
    for (const m of METHOD_NAMES.filter((n) => !switching.includes(n))) expect(() => authorize(boss, m, { to: 'accepted' })).not.toThrow();
    for (const m of switching) expect(() => authorize(boss, m, {})).toThrow(`${m}: a team server serves the project it was started with; restart datum serve to serve another`);
  });

  it('stamps the signed-in account over any identity the client names', () => {
    const p = bindIdentity(ann, 'review.transition', { itemId: 'x', to: 'submitted', profile: { id: 'p1', name: 'Mallory', roles: ['reviewer'] } }) as Record<string, unknown>;
    expect(p.profile).toEqual({ id: 'ann', name: 'Ann', roles: ['annotator'] });
    expect((bindIdentity(rev, 'annotations.save', { itemId: 'x', author: 'Mallory' }) as { author: string }).author).toBe('Rev');
    expect((bindIdentity(rev, 'review.addIssue', { itemId: 'x', text: 't' }) as { author: string }).author).toBe('Rev');
    expect((bindIdentity(boss, 'review.transition', { itemId: 'x', to: 'accepted' }) as { profile: { roles: string[] } }).profile.roles).toEqual(['annotator', 'reviewer', 'manager']);
    expect(bindIdentity(ann, 'items.list', { offset: 0 })).toEqual({ offset: 0 });
  });

  it('HTTP: reads of bytes for every role, nothing else', () => {
    expect(httpRouteRole('GET', '/blob/abc')).toBe('annotator');
    expect(httpRouteRole('HEAD', '/thumb/abc')).toBe('annotator');
    expect(httpRouteRole('POST', '/blob/abc')).toBeNull();
    expect(httpRouteRole('GET', '/admin')).toBeNull();
  });
});

describe('guardRouter over the real router', () => {
  const services = createHostServices({ userDataDir: mkdtempSync(path.join(os.tmpdir(), 'perm-')), host: 'headless' });
  const router = guardRouter(services.router);

  it('refuses with FORBIDDEN before the handler runs, and lets allowed calls through', async () => {
    const annConn = router.connect(() => {}, ann);
    const refused = await annConn.call('review.transition', { itemId: 'x', to: 'accepted', profile: { id: 'p', name: 'Ann', roles: ['reviewer'] } });
    expect(refused).toEqual({ error: { code: 'FORBIDDEN', message: 'Ann is an annotator: review.transition (moving an item to accepted) needs the reviewer role' } });
    // Allowed through the guard: the handler answers (no project is open here).
    expect(await annConn.call('review.transition', { itemId: 'x', to: 'submitted', profile: { id: 'p', name: 'Ann', roles: ['annotator'] } })).toMatchObject({ error: { code: 'NO_PROJECT' } });
    expect(await annConn.call('app.info', {})).toMatchObject({ result: { host: 'headless' } });
    const revConn = router.connect(() => {}, rev);
    expect(await revConn.call('project.updateOntology', { ontology: { labels: [] } })).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.stringContaining('needs the manager role') } });
    const bossConn = router.connect(() => {}, boss);
    expect(await bossConn.call('project.updateOntology', { ontology: { labels: [] } })).toMatchObject({ error: { code: 'NO_PROJECT' } });
  });

  it('a connection without a signed-in caller gets nothing', async () => {
    expect(await router.connect(() => {}).call('app.info', {})).toEqual({ error: { code: 'FORBIDDEN', message: 'sign in first' } });
  });
});
