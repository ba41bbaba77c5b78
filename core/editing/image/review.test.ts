import { describe, expect, it } from 'vitest';
import type { AnnotationObject, ItemDocument } from '../../document/schema';
import { History } from '../../history/history';
import { diffRecords } from '../../history/diff';
import { documentOf, objectsOnFrame, recordsOf, remove, type Records } from './model';
import { acceptIds, isPendingId, pendingPredictions, predictionsAbove, rejectId, stepPrediction } from './review';

const pred = (id: string, frame: number, score: number, x = 10): AnnotationObject => ({
  id,
  label: 'car',
  frame,
  zOrder: 0,
  attributes: {},
  source: { kind: 'model', model: 'yolox', score },
  geometry: { kind: 'box2d', x1: x, y1: 10, x2: x + 20, y2: 30 },
});
const human: AnnotationObject = { ...pred('h', 0, 0.5), source: { kind: 'human' } };
const doc = (objects: AnnotationObject[]): ItemDocument => ({ schemaVersion: 1, itemId: 'i', status: 'new', objects, tracks: [], pointLabels: [] });
const records = () => recordsOf(doc([pred('a', 0, 0.4), pred('b', 0, 0.9), pred('c', 2, 0.7), human, { ...pred('d', 1, 0.95), accepted: true }, pred('e', 0, 0.4, 0)]));

describe('image prediction review walk', () => {
  it('lists pending predictions by frame, best first, then left to right; walks and wraps', () => {
    const list = pendingPredictions(records());
    expect(list.map((p) => p.id)).toEqual(['b', 'e', 'a', 'c']);
    expect(stepPrediction(list, null, 0, 1)?.id).toBe('b');
    expect(stepPrediction(list, 'b', 0, 1)?.id).toBe('e');
    expect(stepPrediction(list, 'a', 0, 1)?.id).toBe('c');
    expect(stepPrediction(list, 'c', 2, 1)?.id).toBe('b'); // wraps
    expect(stepPrediction(list, 'b', 0, -1)?.id).toBe('c');
    expect(stepPrediction(list, null, 1, 1)?.id).toBe('c');
    expect(stepPrediction(list, 'h', 1, -1)?.id).toBe('a'); // a human object is not in the walk
    expect(stepPrediction([], null, 0, 1)).toBeNull();
  });

  it('accepts: source and score kept, accepted set, out of the walk; others untouched', () => {
    const r = records();
    const next = acceptIds(r, ['b', 'h', 'd'], 5);
    expect(next.b).toMatchObject({ accepted: true, source: { kind: 'model', score: 0.9 }, updatedAt: 5 });
    expect(next.h).toBe(r.h);
    expect(next.d).toBe(r.d);
    expect(isPendingId(next, 'b')).toBe(false);
    expect(pendingPredictions(next).map((p) => p.id)).toEqual(['e', 'a', 'c']);
  });

  it('rejects: removed and remembered in the document; a human object is not rejected', () => {
    const r = records();
    const next = rejectId(r, 'a', 7);
    expect(next.a).toBeUndefined();
    expect(objectsOnFrame(next, 0).map((o) => o.id).sort()).toEqual(['b', 'e', 'h']);
    const out = documentOf(doc([]), next);
    expect(out.objects.map((o) => o.id)).not.toContain('a');
    expect(out.rejected).toEqual([expect.objectContaining({ id: 'a', model: 'yolox', reason: 'rejected', score: 0.4, at: 7 })]);
    expect(rejectId(r, 'h')).toBe(r);
    // read back: the remembered one stays remembered and is not an object
    const again = recordsOf(out);
    expect(objectsOnFrame(again, 0).map((o) => o.id)).not.toContain('a');
    expect(documentOf(out, again).rejected).toHaveLength(1);
  });

  it('Delete on an accepted prediction remembers it as deleted; on a human object as nothing', () => {
    const r = acceptIds(records(), ['b']);
    const out = documentOf(doc([]), remove(r, ['b', 'h']));
    expect(out.rejected).toEqual([expect.objectContaining({ id: 'b', reason: 'deleted' })]);
  });

  it('accept-all takes the frame at or above the threshold only', () => {
    const list = pendingPredictions(records());
    expect(predictionsAbove(list, 0.4, 0).map((p) => p.id)).toEqual(['b', 'e', 'a']);
    expect(predictionsAbove(list, 0.5, 0).map((p) => p.id)).toEqual(['b']);
    expect(predictionsAbove(list, 0.5, 2).map((p) => p.id)).toEqual(['c']);
  });

  it('a rejection is one undo step: undo brings the prediction back and forgets the rejection', () => {
    const h = new History<AnnotationObject>();
    const r0: Records = records();
    const r1 = rejectId(r0, 'a');
    h.push({ diff: diffRecords(r0, r1), label: 'reject' });
    const back = h.undo(r1)!.records;
    expect(back.a).toEqual(r0.a);
    expect(documentOf(doc([]), back).rejected ?? []).toEqual([]);
  });
});
