import { describe, expect, it } from 'vitest';
import { applyDiff, composeDiffs, diffRecords, invertDiff } from './diff';
import { History } from './history';

type Rec = { x: number };

describe('record diffs', () => {
  it('diff, apply and invert round-trip', () => {
    const a: Record<string, Rec> = { p: { x: 1 }, q: { x: 2 } };
    const b: Record<string, Rec> = { p: { x: 5 }, r: { x: 3 } };
    const d = diffRecords(a, b);
    expect(Object.keys(d.added)).toEqual(['r']);
    expect(Object.keys(d.removed)).toEqual(['q']);
    expect(d.updated.p).toEqual({ from: { x: 1 }, to: { x: 5 } });
    expect(applyDiff(a, d)).toEqual(b);
    expect(applyDiff(b, invertDiff(d))).toEqual(a);
  });

  it('composes an add followed by updates into a single add, and add+remove into nothing', () => {
    const d1 = diffRecords<Rec>({}, { n: { x: 1 } });
    const d2 = diffRecords<Rec>({ n: { x: 1 } }, { n: { x: 2 } });
    const c = composeDiffs(d1, d2);
    expect(c.added).toEqual({ n: { x: 2 } });
    expect(c.updated).toEqual({});
    const d3 = diffRecords<Rec>({ n: { x: 2 } }, {});
    const c2 = composeDiffs(c, d3);
    expect(c2).toEqual({ added: {}, updated: {}, removed: {} });
  });
});

describe('History', () => {
  it('undoes and redoes, and a gesture is one step', () => {
    const h = new History<Rec>();
    let recs: Record<string, Rec> = { a: { x: 0 } };
    const write = (next: Record<string, Rec>) => {
      h.push({ diff: diffRecords(recs, next), label: 'edit' });
      recs = next;
    };
    write({ a: { x: 1 } });
    h.beginGesture('drag', ['a']);
    for (let i = 2; i <= 10; i++) write({ a: { x: i } });
    h.endGesture();
    expect(recs.a.x).toBe(10);
    const u1 = h.undo(recs)!;
    expect(u1.records.a.x).toBe(1); // the whole drag undone at once
    expect(u1.entry.selection).toEqual(['a']);
    const u2 = h.undo(u1.records)!;
    expect(u2.records.a.x).toBe(0);
    expect(h.undo(u2.records)).toBeNull();
    const r1 = h.redo(u2.records)!;
    expect(r1.records.a.x).toBe(1);
    expect(h.redo(r1.records)!.records.a.x).toBe(10);
  });

  it('a new edit clears the redo stack', () => {
    const h = new History<Rec>();
    h.push({ diff: diffRecords<Rec>({}, { a: { x: 1 } }), label: 'add' });
    h.undo({ a: { x: 1 } });
    expect(h.canRedo).toBe(true);
    h.push({ diff: diffRecords<Rec>({}, { b: { x: 1 } }), label: 'add' });
    expect(h.canRedo).toBe(false);
  });
});
