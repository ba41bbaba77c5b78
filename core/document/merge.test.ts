import { describe, expect, it } from 'vitest';
import { contentKey, mergeDocuments, resolveConflicts } from './merge';
import { emptyDocument, type AnnotationObject, type ItemDocument } from './schema';

const box = (id: string, x: number, extra: Partial<AnnotationObject> = {}): AnnotationObject => ({
  id,
  label: 'car',
  geometry: { kind: 'box2d', x1: x, y1: 0, x2: x + 10, y2: 10 },
  frame: 0,
  attributes: {},
  source: { kind: 'human' },
  zOrder: 0,
  ...extra,
});
const doc = (objects: AnnotationObject[], extra: Partial<ItemDocument> = {}): ItemDocument => ({ ...emptyDocument('0123456789abcdef'), objects, ...extra });
const ids = (d: ItemDocument) => d.objects.map((o) => o.id);
const x1 = (o: AnnotationObject) => (o.geometry.kind === 'box2d' ? o.geometry.x1 : NaN);

describe('mergeDocuments', () => {
  it('keeps objects added on both sides (the two-tab race)', () => {
    const base = doc([box('a', 0)]);
    const mine = doc([box('a', 0), box('m1', 5)]);
    const theirs = doc([box('a', 0), box('t1', 7)]);
    const r = mergeDocuments(base, mine, theirs);
    expect(r.conflicts).toEqual([]);
    expect(ids(r.merged)).toEqual(['a', 't1', 'm1']);
    expect(r.takenFromTheirs).toBe(1);
  });

  it('takes the side that changed a record, including deletions', () => {
    const base = doc([box('a', 0), box('b', 0), box('c', 0)]);
    const mine = doc([box('a', 1), box('b', 0)]); // moved a, deleted c
    const theirs = doc([box('a', 0), box('b', 2), box('c', 0)]); // moved b
    const r = mergeDocuments(base, mine, theirs);
    expect(r.conflicts).toEqual([]);
    expect(r.merged.objects.map((o) => [o.id, x1(o)])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('a stale empty document does not wipe the item: their objects stay', () => {
    const base = doc([]);
    const theirs = doc([box('t1', 1), box('t2', 2)]);
    const r = mergeDocuments(base, doc([]), theirs);
    expect(ids(r.merged)).toEqual(['t1', 't2']);
  });

  it('the same object edited differently on both sides is a conflict, resolved per record', () => {
    const base = doc([box('a', 0), box('b', 0)]);
    const mine = doc([box('a', 1), box('b', 0)]);
    const theirs = doc([box('a', 2)]); // edited a, deleted b
    const mine2 = doc([box('a', 1), box('b', 9)]); // and I edited b
    const r = mergeDocuments(base, mine2, theirs);
    expect(r.conflicts.map((c) => `${c.kind}:${c.key}`)).toEqual(['object:a', 'object:b']);
    expect(r.conflicts[1].theirs).toBeUndefined();
    // default resolution: mine
    expect(r.merged.objects.map((o) => x1(o))).toEqual([1, 9]);
    const theirsWins = resolveConflicts(r, () => 'theirs');
    expect(theirsWins.objects.map((o) => [o.id, x1(o)])).toEqual([['a', 2]]);
    const mixed = resolveConflicts(r, (c) => (c.key === 'a' ? 'theirs' : 'mine'));
    expect(mixed.objects.map((o) => [o.id, x1(o)])).toEqual([
      ['a', 2],
      ['b', 9],
    ]);
    expect(mergeDocuments(base, mine, mine).conflicts).toEqual([]);
  });

  it('provenance stamps and key order are not content', () => {
    const a = box('a', 0);
    const stamped = { updatedBy: 'host', updatedAt: 5, ...a, createdAt: 1 };
    expect(contentKey(a)).toBe(contentKey(stamped));
    const r = mergeDocuments(doc([a]), doc([box('a', 3)]), doc([stamped]));
    expect(r.conflicts).toEqual([]);
    expect(x1(r.merged.objects[0])).toBe(3);
  });

  it('review fields come from disk; tracks and point labels merge too', () => {
    const track = { id: 'tr1', label: 'car', keyframes: [], attributes: {} } as unknown as ItemDocument['tracks'][number];
    const base = doc([]);
    const mine = { ...doc([]), tracks: [track], pointLabels: [{ frame: 2, count: 1, data: 'AA==' }] };
    const theirs = { ...doc([], { status: 'accepted' }), pointLabels: [{ frame: 0, count: 1, data: 'AQ==' }] };
    const r = mergeDocuments(base, mine, theirs as ItemDocument);
    expect(r.merged.status).toBe('accepted');
    expect(r.merged.tracks.map((t) => t.id)).toEqual(['tr1']);
    expect(r.merged.pointLabels.map((p) => p.frame)).toEqual([0, 2]);
  });

  it('without a base (recovered draft) nothing is dropped and differing copies are conflicts', () => {
    const r = mergeDocuments(null, doc([box('a', 1), box('m', 0)]), doc([box('a', 2), box('t', 0)]));
    expect(ids(r.merged).sort()).toEqual(['a', 'm', 't']);
    expect(r.conflicts.map((c) => c.key)).toEqual(['a']);
  });

  it('remembered rejections from both sides are kept; one undone on my side goes; never a conflict', () => {
    const rej = (id: string) => ({ id, model: 'm', label: 'car', frame: 0, geometry: { kind: 'cuboid3d' as const, center: [0, 0, 0] as [number, number, number], size: [1, 1, 1] as [number, number, number], yaw: 0 }, reason: 'rejected' as const, at: 1 });
    const base = { ...doc([]), rejected: [rej('old'), rej('undone')] };
    const mine = { ...doc([]), rejected: [rej('old'), rej('mine')] };
    const theirs = { ...doc([]), rejected: [rej('old'), rej('undone'), rej('theirs')] };
    const r = mergeDocuments(base, mine, theirs);
    expect(r.merged.rejected!.map((x) => x.id).sort()).toEqual(['mine', 'old', 'theirs']);
    expect(r.conflicts).toEqual([]);
    expect(mergeDocuments(null, doc([]), doc([])).merged.rejected).toBeUndefined();
  });
});
