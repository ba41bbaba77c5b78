import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeEach, describe, expect, it } from 'vitest';
import { PathGuard } from './pathGuard';
import { ProjectService } from './projectService';
import { ReviewService, mergeEditorSave } from './review';
import { emptyDocument, type ItemDocument } from '../../core/document/schema';
import type { Profile } from '../../core/review/schema';

const ann: Profile = { id: 'a', name: 'Ann', roles: ['annotator'] };
const bob: Profile = { id: 'b', name: 'Bob', roles: ['annotator'] };
const rev: Profile = { id: 'r', name: 'Rev', roles: ['reviewer'] };

let dir: string;
let projects: ProjectService;
let review: ReviewService;
let ids: string[];

const onDisk = (id: string): ItemDocument => JSON.parse(readFileSync(path.join(dir, 'annotations', `${id}.json`), 'utf8'));

function cuboidDoc(itemId: string, by: string, n: number, label = 'car'): ItemDocument {
  return {
    ...emptyDocument(itemId),
    objects: Array.from({ length: n }, (_, i) => ({
      id: `o${i}`,
      label,
      frame: 0,
      geometry: { kind: 'cuboid3d' as const, center: [i * 10, 0, 1] as [number, number, number], size: [4.2, 1.8, 1.5] as [number, number, number], yaw: 0 },
      attributes: {},
      source: { kind: 'human' as const },
      zOrder: 0,
      updatedBy: by,
    })),
  };
}

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'review-'));
  mkdirSync(path.join(dir, 'images'));
  for (const n of ['a', 'b', 'c']) {
    await sharp({ create: { width: 16, height: 16, channels: 3, background: '#336699' } })
      .png()
      .toFile(path.join(dir, 'images', `${n}.png`));
  }
  projects = new ProjectService(new PathGuard());
  await projects.create(dir, 'review test');
  await projects.refreshIndex(() => {}, new AbortController().signal);
  ids = projects.listItems({ offset: 0, limit: 10 }).items.map((i) => i.id);
  review = new ReviewService(projects);
});

describe('review service', () => {
  it('walks an item through submit, reject with a pinned issue, resolve, resubmit and accept, on disk', async () => {
    const id = ids[0];
    await review.saveFromEditor(id, cuboidDoc(id, 'Ann', 2));
    await review.transition(id, 'in_progress', ann);
    await review.transition(id, 'submitted', ann);
    expect(projects.getItem(id).status).toBe('submitted');
    expect((await review.queue()).map((q) => q.itemId)).toEqual([id]);

    // Accepting as an annotator, or rejecting without a reason, is a CONFLICT.
    await expect(review.transition(id, 'accepted', ann)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(review.transition(id, 'rejected', rev)).rejects.toMatchObject({ code: 'CONFLICT' });

    const { issueId } = await review.addIssue(id, { objectId: 'o1', frame: 0 }, 'box too long', 'Rev');
    await review.transition(id, 'rejected', rev);
    expect(projects.getItem(id).status).toBe('rejected');
    let d = onDisk(id);
    expect(d.issues).toEqual([expect.objectContaining({ id: issueId, objectId: 'o1', frame: 0, status: 'open', comments: [expect.objectContaining({ author: 'Rev', text: 'box too long' })] })]);

    await review.commentIssue(id, issueId, 'Ann', 'shortened');
    await review.resolveIssue(id, issueId, 'Ann');
    await review.transition(id, 'in_progress', ann);
    await review.transition(id, 'submitted', ann);
    await expect(review.resolveIssue(id, 'nope', 'Ann')).rejects.toMatchObject({ code: 'CONFLICT' });
    const doc = await review.transition(id, 'accepted', rev, { note: 'good' });
    expect(doc.status).toBe('accepted');
    d = onDisk(id);
    expect(d.history!.map((h) => `${h.from}>${h.to} ${h.by}`)).toEqual([
      'new>in_progress Ann',
      'in_progress>submitted Ann',
      'submitted>rejected Rev',
      'rejected>in_progress Ann',
      'in_progress>submitted Ann',
      'submitted>accepted Rev',
    ]);
    expect(d.issues![0]).toMatchObject({ status: 'resolved', resolvedBy: 'Ann' });
    expect(d.issues![0].comments.map((c) => c.text)).toEqual(['box too long', 'shortened']);
    expect(d.objects).toHaveLength(2);
    // The index remembers the status (its cache on disk is written in the background).
    await expect
      .poll(async () => {
        const again = new ProjectService(new PathGuard());
        await again.open(dir);
        return again.getItem(id).status;
      })
      .toBe('accepted');
  });

  it('an editor saving an older document keeps the review fields written meanwhile', async () => {
    const id = ids[1];
    const stale = cuboidDoc(id, 'Ann', 1);
    await review.saveFromEditor(id, stale);
    await review.transition(id, 'in_progress', ann);
    await review.addIssue(id, {}, 'check the heading', 'Rev');
    await review.saveFromEditor(id, cuboidDoc(id, 'Ann', 3)); // the editor never saw the transition or the issue
    const d = onDisk(id);
    expect(d.objects).toHaveLength(3);
    expect(d.status).toBe('in_progress');
    expect(d.assignee).toBe('Ann');
    expect(d.history).toHaveLength(1);
    expect(d.issues).toHaveLength(1);
    expect(mergeEditorSave(stale, emptyDocument(id))).toBe(stale);
    // A broken file on disk does not block the editor's save.
    writeFileSync(path.join(dir, 'annotations', `${id}.json`), '{"schemaVersion": 1, "itemId": ');
    await review.saveFromEditor(id, cuboidDoc(id, 'Ann', 2));
    expect(onDisk(id).objects).toHaveLength(2);
  });

  it('queue order, metrics per annotator and label, and QA over the project', async () => {
    const [a, b, c] = ids;
    await review.saveFromEditor(a, cuboidDoc(a, 'Ann', 3, 'car'));
    await review.saveFromEditor(b, cuboidDoc(b, 'Bob', 2, 'pedestrian'));
    for (const [id, p] of [[a, ann], [b, bob]] as const) {
      await review.transition(id, 'in_progress', p, { now: 1 });
      await review.transition(id, 'submitted', p, { now: id === a ? 10 : 5 });
    }
    await review.addIssue(a, { objectId: 'o0' }, 'wrong class', 'Rev');
    await review.transition(a, 'rejected', rev, { now: 20 });
    await review.transition(a, 'in_progress', ann, { now: 21 });
    await review.transition(a, 'submitted', ann, { now: 30 });
    // a was rejected before: it comes first though submitted later.
    expect((await review.queue()).map((q) => [q.itemId, q.resubmitted, q.openIssues])).toEqual([
      [a, true, 1],
      [b, false, 0],
    ]);
    await review.transition(b, 'accepted', rev);

    const m = await review.metrics();
    const annRow = m.annotators.find((r) => r.name === 'Ann')!;
    expect(annRow).toMatchObject({ objects: 3, items: 1, reviews: 1, rejections: 1, rejectionRate: 1, openIssues: 1 });
    expect(m.annotators.find((r) => r.name === 'Bob')).toMatchObject({ objects: 2, items: 1, reviews: 1, rejections: 0, rejectionRate: 0, openIssues: 0 });
    const car = m.labels.find((r) => r.name.toLowerCase() === 'car')!;
    expect(car).toMatchObject({ objects: 3, items: 1, rejectionRate: 1, openIssues: 1 });
    expect(m.totals).toMatchObject({ items: 2, objects: 5, reviews: 2, rejections: 1, openIssues: 1 });
    expect(m.totals.byStatus).toMatchObject({ submitted: 1, accepted: 1, new: 1 });

    // QA: a duplicate car on item c; running on c only sees it, cancel throws CANCELLED.
    const dup = cuboidDoc(c, 'Ann', 2, 'car');
    dup.objects[1].geometry = { ...(dup.objects[0].geometry as object), kind: 'cuboid3d' } as never;
    await review.saveFromEditor(c, dup);
    const phases = new Set<string>();
    const r = await review.runQa({ itemIds: [c], progress: (_d, _t, p) => phases.add(p) });
    expect(r.items).toBe(1);
    expect(r.findings.some((f) => f.check === 'duplicate' && f.item === c)).toBe(true);
    expect(phases.has('checking')).toBe(true);
    const all = await review.runQa({});
    expect(all.items).toBe(3);
    const ac = new AbortController();
    ac.abort();
    await expect(review.runQa({ signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    // Cancelled while running (after the first progress report).
    const mid = new AbortController();
    await expect(review.runQa({ signal: mid.signal, progress: () => mid.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
    writeFileSync(path.join(dir, 'qa.json'), '{"duplicates": {"enabled": false}}');
    expect((await review.runQa({ itemIds: [c] })).findings.some((f) => f.check === 'duplicate')).toBe(false);
  });
});

describe('one corrupt annotation file', () => {
  it('is named and skipped by QA, the reviewer queue and metrics instead of failing them', async () => {
    for (const id of ids.slice(0, 2)) {
      await review.saveFromEditor(id, cuboidDoc(id, 'Ann', 2));
      await review.transition(id, 'in_progress', ann);
      await review.transition(id, 'submitted', ann);
    }
    const broken = path.join(dir, 'annotations', `${ids[1]}.json`);
    writeFileSync(broken, '{"schemaVersion": 1, "objects": [');
    const unreadable: string[] = [];
    const queue = await review.queue(unreadable);
    expect(queue.map((r) => r.itemId)).toEqual([ids[0]]);
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]).toContain(broken);
    const metrics = await review.metrics();
    expect(metrics.totals.objects).toBe(2);
    expect(metrics.unreadable[0]).toContain(broken);
    const qa = await review.runQa({});
    const finding = qa.findings.find((f) => f.check === 'unreadable-document');
    expect(finding?.item).toBe(ids[1]);
    expect(finding?.message).toContain(broken);
  });
});
