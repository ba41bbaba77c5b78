import { describe, expect, it } from 'vitest';
import { ItemDocument, emptyDocument } from '../document/schema';
import type { Profile } from './schema';
import {
  addIssue,
  allowedTransitions,
  commentIssue,
  openIssues,
  reopenIssue,
  resolveIssue,
  reviewerQueue,
  transition,
  WorkflowError,
} from './workflow';

const ann: Profile = { id: 'p1', name: 'Ann', roles: ['annotator'] };
const rev: Profile = { id: 'p2', name: 'Rev', roles: ['reviewer'] };

describe('review workflow', () => {
  it('existing documents stay valid; history and issues are optional', () => {
    const old = ItemDocument.parse({ schemaVersion: 1, itemId: 'a', status: 'submitted' });
    expect(old.history).toBeUndefined();
    expect(old.issues).toBeUndefined();
    const withReview = ItemDocument.parse({
      schemaVersion: 1,
      itemId: 'a',
      history: [{ from: 'new', to: 'in_progress', by: 'Ann', at: 1 }],
      issues: [{ id: 'i1', itemId: 'a', frame: 3, point3d: [1, 2, 3], comments: [{ author: 'Rev', at: 2, text: 'box too big' }] }],
    });
    expect(withReview.issues![0].status).toBe('open');
    expect(() => ItemDocument.parse({ schemaVersion: 1, itemId: 'a', history: [{ from: 'new', to: 'done', by: 'x', at: 1 }] })).toThrow();
  });

  it('new -> in_progress -> submitted -> rejected -> in_progress -> submitted -> accepted, with who/when', () => {
    let d = emptyDocument('a');
    d = transition(d, 'in_progress', ann, { now: 1 });
    expect(d.assignee).toBe('Ann');
    d = transition(d, 'submitted', ann, { now: 2 });
    expect(() => transition(d, 'accepted', ann, { now: 3 })).toThrow(WorkflowError);
    expect(() => transition(d, 'rejected', rev, { now: 3 })).toThrow(/note or an open issue/);
    d = transition(d, 'rejected', rev, { now: 3, note: 'pedestrians missing' });
    d = transition(d, 'in_progress', ann, { now: 4 });
    d = transition(d, 'submitted', ann, { now: 5 });
    d = transition(d, 'accepted', rev, { now: 6 });
    expect(d.status).toBe('accepted');
    expect(d.history!.map((h) => `${h.from}>${h.to}@${h.at} ${h.by}`)).toEqual([
      'new>in_progress@1 Ann',
      'in_progress>submitted@2 Ann',
      'submitted>rejected@3 Rev',
      'rejected>in_progress@4 Ann',
      'in_progress>submitted@5 Ann',
      'submitted>accepted@6 Rev',
    ]);
    expect(d.history![2].note).toBe('pedestrians missing');
    expect(allowedTransitions('accepted', ann)).toEqual([]);
    expect(allowedTransitions('accepted', rev)).toEqual(['in_progress']);
    expect(allowedTransitions('submitted', ann)).toEqual(['in_progress']);
  });

  it('issue markers: add, comment, resolve, reopen; open issues block accepting unless forced', () => {
    let d = transition(transition(emptyDocument('a'), 'in_progress', ann, { now: 1 }), 'submitted', ann, { now: 2 });
    d = addIssue(d, { id: 'i1', itemId: 'a', frame: 2, objectId: 't7', text: 'yaw flipped' }, 'Rev', 10);
    expect(() => addIssue(d, { id: 'i1', itemId: 'a', text: 'again' }, 'Rev', 11)).toThrow(/exists/);
    expect(() => transition(d, 'accepted', rev, { now: 11 })).toThrow(/1 issue is still open/);
    const rejected = transition(d, 'rejected', rev, { now: 11 }); // the open issue says why
    expect(rejected.status).toBe('rejected');
    d = commentIssue(d, 'i1', 'Ann', 'fixed', 12);
    d = resolveIssue(d, 'i1', 'Rev', 13);
    expect(openIssues(d)).toEqual([]);
    expect(d.issues![0]).toMatchObject({ status: 'resolved', resolvedBy: 'Rev', resolvedAt: 13 });
    expect(d.issues![0].comments.map((c) => c.text)).toEqual(['yaw flipped', 'fixed']);
    const reopened = reopenIssue(d, 'i1', 'Rev', 14, 'still flipped on frame 3');
    expect(reopened.issues![0].status).toBe('open');
    expect(reopened.issues![0].resolvedBy).toBeUndefined();
    expect(transition(reopened, 'accepted', rev, { now: 15, force: true }).status).toBe('accepted');
    expect(transition(d, 'accepted', rev, { now: 15 }).status).toBe('accepted');
    expect(() => commentIssue(d, 'nope', 'x', 'y', 1)).toThrow(/no issue/);
  });

  it('reviewer queue: submitted only, resubmissions first, then oldest submission', () => {
    const h = (...steps: Array<[string, number]>) => steps.map(([to, at], i) => ({ from: i ? (steps[i - 1][0] as 'new') : ('new' as const), to: to as 'new', by: 'x', at }));
    const queue = reviewerQueue([
      { itemId: 'late', status: 'submitted', history: h(['in_progress', 1], ['submitted', 50]) },
      { itemId: 'early', status: 'submitted', history: h(['in_progress', 1], ['submitted', 10]) },
      { itemId: 'again', status: 'submitted', history: h(['in_progress', 1], ['submitted', 5], ['rejected', 6], ['in_progress', 7], ['submitted', 90]) },
      { itemId: 'wip', status: 'in_progress', history: h(['in_progress', 1]) },
      { itemId: 'nohistory', status: 'submitted', updatedAt: 20 },
    ]);
    expect(queue).toEqual(['again', 'early', 'nohistory', 'late']);
  });
});

describe('issues from QA findings and profiles', () => {
  it('turns a finding into an open issue on its frame and object', async () => {
    const { issueFromFinding } = await import('./workflow');
    const f = { check: 'track-jump', severity: 'warning', item: 'a', frame: 4, object: 't1', message: 'track t1 jumps' };
    const d = addIssue(emptyDocument('a'), issueFromFinding(f, 'i9'), 'Rev', 5);
    expect(d.issues![0]).toEqual({ id: 'i9', itemId: 'a', frame: 4, objectId: 't1', check: 'track-jump', status: 'open', comments: [{ author: 'Rev', at: 5, text: 'track t1 jumps' }] });
    const g = issueFromFinding({ ...f, frame: null, object: null }, 'i10');
    expect('frame' in g || 'objectId' in g).toBe(false);
  });
  it('profile prefs default to none', async () => {
    const { ProfilePrefs } = await import('./schema');
    expect(ProfilePrefs.parse({})).toEqual({ profiles: [] });
    expect(() => ProfilePrefs.parse({ profiles: [{ id: 'x', name: 'X', roles: [] }] })).toThrow();
  });
});
