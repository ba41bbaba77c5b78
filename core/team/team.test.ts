import { describe, expect, it } from 'vitest';
import {
  JobRuleError,
  LEASE_TTL_MS,
  LeaseHeldError,
  applyPresence,
  assignJob,
  checkJobAction,
  itemsInJobs,
  jobProgress,
  leaseState,
  livePresence,
  moveJob,
  myJobs,
  nextUnit,
  othersOn,
  reviewQueue,
  saveRefusal,
  splitByFilter,
  splitByFrames,
  splitByItems,
  takeLease,
  teamProgress,
  type Job,
  type PresenceEntry,
} from '.';

const items = Array.from({ length: 7 }, (_, i) => ({ id: `i${i}`, name: `img${i}.jpg` }));
const opts = () => {
  let n = 0;
  return { name: 'Batch', by: 'mia', now: 1000, newId: () => `j${++n}` };
};

describe('splitting', () => {
  it('by items: runs of neighbours, the last one shorter, numbered names', () => {
    const jobs = splitByItems(items, 3, opts());
    expect(jobs.map((j) => j.units.map((u) => u.itemId))).toEqual([['i0', 'i1', 'i2'], ['i3', 'i4', 'i5'], ['i6']]);
    expect(jobs.map((j) => j.name)).toEqual(['Batch 1', 'Batch 2', 'Batch 3']);
    expect(jobs.every((j) => j.status === 'open' && j.createdBy === 'mia' && j.origin === 'items')).toBe(true);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(3);
  });
  it('by items: pads the numbers so names sort', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ id: `x${i}`, name: `${i}` }));
    expect(splitByItems(many, 1, opts()).map((j) => j.name).slice(0, 2)).toEqual(['Batch 01', 'Batch 02']);
  });
  it('refuses nonsense sizes and empty selections', () => {
    expect(() => splitByItems(items, 0, opts())).toThrow(JobRuleError);
    expect(() => splitByItems(items, 1.5, opts())).toThrow(JobRuleError);
    expect(() => splitByItems([], 3, opts())).toThrow(/no items/);
    expect(() => splitByFilter([], 'status = new', opts())).toThrow(/selects no items/);
  });
  it('by frames: covers every frame once without overlap', () => {
    const jobs = splitByFrames({ id: 'seq', name: 'drive', frames: 10 }, 4, opts());
    expect(jobs.map((j) => j.units[0].frames)).toEqual([[0, 3], [4, 7], [8, 9]]);
    expect(jobs.every((j) => j.origin === 'frames' && j.units[0].itemId === 'seq')).toBe(true);
  });
  it('by frames with overlap: each boundary frame is in both neighbours and the end is reached', () => {
    const jobs = splitByFrames({ id: 'seq', name: 'drive', frames: 10 }, 4, opts(), 1);
    expect(jobs.map((j) => j.units[0].frames)).toEqual([[0, 3], [3, 6], [6, 9]]);
    expect(() => splitByFrames({ id: 'seq', name: 'drive', frames: 10 }, 4, opts(), 4)).toThrow(/overlap/);
    expect(() => splitByFrames({ id: 'a', name: 'one.jpg' }, 4, opts())).toThrow(/not a sequence/);
  });
  it('by filter: one job (or several) with the filter kept as origin', () => {
    const [job] = splitByFilter(items.slice(0, 2), 'status = rejected', opts());
    expect(job.origin).toBe('filter: status = rejected');
    expect(job.name).toBe('Batch');
    expect(splitByFilter(items, 'all', opts(), 4)).toHaveLength(2);
  });
  it('itemsInJobs counts whole items only (frame ranges may share an item)', () => {
    const jobs = [...splitByItems(items.slice(0, 2), 5, opts()), ...splitByFrames({ id: 'seq', name: 's', frames: 4 }, 2, opts())];
    expect([...itemsInJobs(jobs)].sort()).toEqual(['i0', 'i1']);
  });
});

const job = (over: Partial<Job> = {}): Job => ({ ...splitByItems(items.slice(0, 3), 3, opts())[0], ...over });

describe('job rules', () => {
  it('the workflow: start, submit, reject with a note, fix, submit, accept', () => {
    let j = job({ annotator: 'ann', reviewer: 'rev' });
    j = moveJob(j, 'in_progress', { name: 'ann' }, 1);
    j = moveJob(j, 'submitted', { name: 'ann' }, 2);
    expect(() => moveJob(j, 'rejected', { name: 'rev' }, 3)).toThrow(/needs a note/);
    j = moveJob(j, 'rejected', { name: 'rev' }, 3, 'box 2 is loose');
    j = moveJob(j, 'in_progress', { name: 'ann' }, 4);
    j = moveJob(j, 'submitted', { name: 'ann' }, 5);
    j = moveJob(j, 'accepted', { name: 'rev' }, 6);
    expect(j.history.map((h) => `${h.from}>${h.to}:${h.by}`)).toEqual([
      'open>in_progress:ann',
      'in_progress>submitted:ann',
      'submitted>rejected:rev',
      'rejected>in_progress:ann',
      'in_progress>submitted:ann',
      'submitted>accepted:rev',
    ]);
    expect(j.history[2].note).toBe('box 2 is loose');
  });
  it('refuses jumps the table does not have', () => {
    expect(() => moveJob(job(), 'accepted', { name: 'x' }, 1)).toThrow(/cannot go from open to accepted/);
    expect(moveJob(job(), 'open', { name: 'x' }, 1).history).toHaveLength(0);
  });
  it('roles on a team server; anyone on a single-user host', () => {
    const j = job({ annotator: 'ann', reviewer: 'rev' });
    expect(() => checkJobAction(j, 'assign', { name: 'ann', role: 'annotator' })).toThrow(/managers/);
    expect(() => checkJobAction(j, 'assign', { name: 'boss', role: 'manager' })).not.toThrow();
    expect(() => checkJobAction(j, 'assign', { name: 'anyone' })).not.toThrow();
    expect(() => checkJobAction(j, 'submit', { name: 'bob', role: 'annotator' })).toThrow(/assigned to ann/);
    expect(() => checkJobAction(j, 'submit', { name: 'ann', role: 'annotator' })).not.toThrow();
    expect(() => checkJobAction(j, 'accept', { name: 'ann', role: 'annotator' })).toThrow(/reviewers/);
    expect(() => checkJobAction(j, 'accept', { name: 'other', role: 'reviewer' })).toThrow(/reviewed by rev/);
    expect(() => checkJobAction(j, 'accept', { name: 'rev', role: 'reviewer' })).not.toThrow();
    expect(() => checkJobAction(job({ annotator: 'ann' }), 'accept', { name: 'ann' })).toThrow(/cannot review/);
  });
  it('assignment: set, clear, never the same person for both', () => {
    let j = assignJob(job(), { annotator: 'ann', reviewer: 'rev' });
    expect([j.annotator, j.reviewer]).toEqual(['ann', 'rev']);
    j = assignJob(j, { reviewer: null });
    expect(j.reviewer).toBeUndefined();
    expect(j.annotator).toBe('ann');
    expect(() => assignJob(j, { reviewer: 'ann' })).toThrow(/both annotate and review/);
  });
  it('queues: the reviewer sees submitted jobs oldest first, never their own; the annotator sees rejected first', () => {
    const a = moveJob(job({ id: 'a', annotator: 'ann', reviewer: 'rev' }), 'submitted', { name: 'ann' }, 50);
    const b = moveJob(job({ id: 'b', annotator: 'ann' }), 'submitted', { name: 'ann' }, 20);
    const c = moveJob(job({ id: 'c', annotator: 'ann', reviewer: 'zed' }), 'submitted', { name: 'ann' }, 10);
    const d = job({ id: 'd', annotator: 'ann' });
    const e = moveJob(moveJob(job({ id: 'e', annotator: 'ann' }), 'submitted', { name: 'ann' }, 5), 'rejected', { name: 'rev' }, 6, 'fix');
    expect(reviewQueue([a, b, c, d, e], { name: 'rev' }).map((j) => j.id)).toEqual(['b', 'a']);
    expect(reviewQueue([a, b, c, d, e], { name: 'ann' })).toEqual([]);
    expect(myJobs([a, b, c, d, e], 'ann').map((j) => j.id)).toEqual(['e', 'd', 'a', 'b', 'c']);
  });
});

describe('leases', () => {
  it('free, mine, held, expired', () => {
    const l = takeLease(null, 'i1', 'ann', 1000);
    expect(l).toEqual({ itemId: 'i1', holder: 'ann', takenAt: 1000, renewedAt: 1000, expiresAt: 1000 + LEASE_TTL_MS });
    expect(leaseState(null, 'bob', 0)).toBe('free');
    expect(leaseState(l, 'ann', 2000)).toBe('mine');
    expect(leaseState(l, 'bob', 2000)).toBe('held');
    expect(leaseState(l, 'bob', 1000 + LEASE_TTL_MS)).toBe('expired');
  });
  it('renewing keeps takenAt; taking someone\'s live lease throws with their name; an expired one can be taken over', () => {
    const l = takeLease(null, 'i1', 'ann', 1000);
    const renewed = takeLease(l, 'i1', 'ann', 21_000);
    expect([renewed.takenAt, renewed.expiresAt]).toEqual([1000, 21_000 + LEASE_TTL_MS]);
    expect(() => takeLease(renewed, 'i1', 'bob', 30_000)).toThrow(LeaseHeldError);
    expect(() => takeLease(renewed, 'i1', 'bob', 30_000)).toThrow(/being edited by ann/);
    const taken = takeLease(renewed, 'i1', 'bob', 21_000 + LEASE_TTL_MS);
    expect([taken.holder, taken.takenAt]).toEqual(['bob', 21_000 + LEASE_TTL_MS]);
  });
  it('saves: someone else\'s live lease refuses, naming them; a team server needs one\'s own lease', () => {
    const l = takeLease(null, 'i1', 'ann', 1000);
    expect(saveRefusal(l, 'bob', 2000, false)).toMatch(/being edited by ann/);
    expect(saveRefusal(l, 'ann', 2000, true)).toBeNull();
    expect(saveRefusal(null, 'bob', 2000, false)).toBeNull();
    expect(saveRefusal(null, 'bob', 2000, true)).toMatch(/open the item for editing first/);
    expect(saveRefusal(l, 'bob', 1000 + LEASE_TTL_MS, false)).toBeNull();
    expect(saveRefusal(l, 'bob', 1000 + LEASE_TTL_MS, true)).toMatch(/no lease/);
  });
});

describe('progress', () => {
  const status = new Map<string, 'new' | 'in_progress' | 'submitted' | 'accepted' | 'rejected'>([
    ['i0', 'accepted'],
    ['i1', 'submitted'],
    ['i2', 'in_progress'],
    ['i3', 'rejected'],
  ]);
  const get = (id: string) => status.get(id);
  it('per job: done = submitted or accepted items', () => {
    const p = jobProgress(job({ units: [{ itemId: 'i0' }, { itemId: 'i1' }, { itemId: 'i2' }, { itemId: 'i3' }, { itemId: 'i9' }] }), get);
    expect([p.total, p.done, p.accepted, p.rejected]).toEqual([5, 2, 1, 1]);
  });
  it('frame units follow their job, not the shared item', () => {
    const frames = splitByFrames({ id: 'i2', name: 'seq', frames: 6 }, 3, opts());
    const submitted = moveJob(frames[0], 'submitted', { name: 'a' }, 1);
    expect(jobProgress(submitted, get).done).toBe(1);
    expect(jobProgress(frames[1], get).done).toBe(0);
  });
  it('per person: annotated and reviewed units add up over their jobs', () => {
    const a = job({ id: 'a', annotator: 'ann', reviewer: 'rev', units: [{ itemId: 'i0' }, { itemId: 'i1' }] });
    const b = moveJob(moveJob(job({ id: 'b', annotator: 'ann', reviewer: 'rev', units: [{ itemId: 'i2' }, { itemId: 'i3' }, { itemId: 'i4' }] }), 'submitted', { name: 'ann' }, 1), 'rejected', { name: 'rev' }, 2, 'x');
    const c = job({ id: 'c', annotator: 'bob', units: [{ itemId: 'i5' }] });
    const p = teamProgress([a, b, c], get);
    expect(p.totals).toEqual({ jobs: 3, units: 6, done: 2, accepted: 1 });
    const ann = p.people.find((x) => x.name === 'ann')!;
    expect(ann.annotate).toEqual({ jobs: 2, total: 5, done: 2, accepted: 1 });
    const rev = p.people.find((x) => x.name === 'rev')!;
    expect(rev.review).toEqual({ jobs: 2, total: 5, reviewed: 3 });
    expect(p.people.map((x) => x.name)).toEqual(['ann', 'bob', 'rev']);
  });
  it('next unit: rejected first, skips done and leased items, continues after the current one', () => {
    const j = job({ units: ['i0', 'i1', 'i2', 'i5', 'i6', 'i3'].map((itemId) => ({ itemId })) });
    expect(nextUnit(j, get, () => false)?.itemId).toBe('i3');
    const noRejected = (id: string) => (id === 'i3' ? 'accepted' : get(id));
    expect(nextUnit(j, noRejected, () => false)?.itemId).toBe('i2');
    expect(nextUnit(j, noRejected, (id) => id === 'i2')?.itemId).toBe('i5');
    expect(nextUnit(j, noRejected, () => false, 'i5')?.itemId).toBe('i6');
    expect(nextUnit(j, () => 'accepted', () => false)).toBeNull();
  });
});

describe('presence', () => {
  it('the latest announcement wins, stale ones drop out, gone removes', () => {
    let t = new Map<string, PresenceEntry>();
    t = applyPresence(t, { name: 'ann', itemId: 'i1', mode: 'edit', at: 100 });
    t = applyPresence(t, { name: 'bob', itemId: 'i1', mode: 'view', at: 110 });
    t = applyPresence(t, { name: 'ann', itemId: 'i0', mode: 'edit', at: 90 }); // late, older: ignored
    expect(t.get('ann')?.itemId).toBe('i1');
    expect(othersOn(livePresence(t, 120), 'i1', 'ann').map((e) => e.name)).toEqual(['bob']);
    expect(livePresence(t, 100 + 60_000).map((e) => e.name)).toEqual(['bob']);
    t = applyPresence(t, { name: 'bob', gone: true });
    expect([...t.keys()]).toEqual(['ann']);
  });
});
