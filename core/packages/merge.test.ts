import { describe, expect, it } from 'vitest';
import { emptyDocument, type AnnotationObject, type ItemDocument } from '../document/schema';
import { applyItemPlan, conflictId, planItemMerge, UndecidedConflict } from './merge';

const box = (id: string, x: number, label = 'car'): AnnotationObject => ({
  id,
  label,
  geometry: { kind: 'box2d', x1: x, y1: 0, x2: x + 10, y2: 10 },
  frame: 0,
  attributes: {},
  source: { kind: 'human' },
  zOrder: 0,
});
const doc = (objects: AnnotationObject[], extra: Partial<ItemDocument> = {}): ItemDocument => ({ ...emptyDocument('00000000000000aa'), objects, ...extra });

describe('planItemMerge', () => {
  // base: a b c d e f; home: b moved, d deleted, f edited, g added; offline: c moved, e deleted, f edited differently, d edited, h added.
  const base = doc([box('a', 0), box('b', 10), box('c', 20), box('d', 30), box('e', 40), box('f', 50)]);
  const ours = doc([box('a', 0), box('b', 11), box('c', 20), box('e', 40), box('f', 51), box('g', 60)]);
  const theirs = doc([box('a', 0), box('b', 10), box('c', 22), box('d', 33), box('f', 52), box('h', 70)]);
  const plan = planItemMerge(base, ours, theirs);
  const by = Object.fromEntries(plan.records.map((r) => [r.key, `${r.action}/${r.reason}`]));

  it('classifies every object by what each side did since the base', () => {
    expect(by).toEqual({
      a: 'keep/unchanged',
      b: 'keep-ours/changed-home',
      c: 'take-theirs/changed-offline',
      d: 'conflict/edited-offline-deleted-home',
      e: 'take-theirs/deleted-offline',
      f: 'conflict/changed-both',
      g: 'keep-ours/added-home',
      h: 'take-theirs/added-offline',
    });
    expect(plan.conflicts.map((c) => c.key)).toEqual(['f', 'd']); // home's order first
    expect(plan.counts).toEqual({ keep: 1, 'keep-ours': 2, 'take-theirs': 3, conflict: 2 });
  });

  it('refuses to apply while a conflict is undecided, then applies the decisions', () => {
    expect(() => applyItemPlan(plan, base, ours, theirs, () => undefined)).toThrow(UndecidedConflict);
    const merged = applyItemPlan(plan, base, ours, theirs, (id) => (id === conflictId(ours.itemId, { kind: 'object', key: 'd' }) ? 'theirs' : 'ours'));
    const x = Object.fromEntries(merged.objects.map((o) => [o.id, o.geometry.kind === 'box2d' ? o.geometry.x1 : NaN]));
    expect(x).toEqual({ a: 0, b: 11, c: 22, d: 33, f: 51, g: 60, h: 70 });
  });

  it('deleted offline while edited at home is a conflict; deleted on both sides is nothing', () => {
    const p = planItemMerge(doc([box('a', 0), box('b', 1)]), doc([box('a', 5)]), doc([]));
    expect(p.records.map((r) => `${r.key}:${r.action}/${r.reason}`)).toEqual(['a:conflict/deleted-offline-edited-home']);
  });

  it('the same change on both sides, and provenance stamps alone, are no conflict', () => {
    const stamped = { ...box('a', 3), updatedBy: 'home', updatedAt: 5 };
    const p = planItemMerge(doc([box('a', 0)]), doc([stamped]), doc([{ ...box('a', 3), updatedBy: 'offline', updatedAt: 9 }]));
    expect(p.records[0]).toMatchObject({ action: 'keep', reason: 'same-both' });
  });

  it('merging the merged result again changes nothing (idempotent)', () => {
    const merged = applyItemPlan(plan, base, ours, theirs, () => 'theirs');
    const again = planItemMerge(base, merged, theirs);
    const twice = applyItemPlan(again, base, merged, theirs, () => 'ours');
    expect(again.records.filter((r) => r.action === 'take-theirs')).toEqual([]);
    expect(twice).toEqual(merged);
  });

  it('tracks and point labels are planned too; rejections merge by id without conflicts', () => {
    const track = { id: 't1', label: 'car', attributes: {}, keyframes: [{ frame: 0, geometry: box('x', 0).geometry, outside: false, occluded: false, attributes: {} }], source: { kind: 'human' as const }, zOrder: 0 };
    const rej = (id: string) => ({ id, model: 'm', label: 'car', frame: 0, geometry: box(id, 0).geometry, reason: 'rejected' as const, at: 1 });
    const b = doc([], { tracks: [track], rejected: [rej('r1')] });
    const o = doc([], { tracks: [track], pointLabels: [{ frame: 0, count: 2, data: 'AAAA' }], rejected: [rej('r1'), rej('r2')] });
    const t = doc([], { tracks: [{ ...track, label: 'van' }], rejected: [rej('r3')] });
    const p = planItemMerge(b, o, t);
    expect(p.records.map((r) => `${r.kind}:${r.key}:${r.action}`)).toEqual(['track:t1:take-theirs', 'pointLabels:0:keep-ours']);
    const m = applyItemPlan(p, b, o, t, () => undefined);
    expect(m.tracks[0].label).toBe('van');
    expect(m.rejected!.map((r) => r.id).sort()).toEqual(['r2', 'r3']);
  });
});

describe('describeRecord', () => {
  it('tells two versions of a box apart', async () => {
    const { describeRecord } = await import('./merge');
    expect(describeRecord('object', box('a', 0))).toBe('car box2d x 0–10, y 0–10');
    expect(describeRecord('object', box('a', 40))).not.toBe(describeRecord('object', box('a', 0)));
    expect(describeRecord('object', undefined)).toBe('deleted');
  });
});
