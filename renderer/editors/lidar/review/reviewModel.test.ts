import { describe, expect, it } from 'vitest';
import type { AnnotationObject, Cuboid3D, ItemDocument } from '../../../../core/document/schema';
import { History } from '../../../../core/history/history';
import { diffRecords } from '../../../../core/history/diff';
import { documentOf, frameBoxes, recordsOf, removeAt, type LidarRecord, type Records } from '../model';
import { acceptKeys, isPendingKey, pendingPredictions, predictionsAbove, rejectKey, stepPrediction } from './reviewModel';
import { lidarReviewKeymap } from './keys';
import { lidarKeymap } from '../keys';
import { parseChord } from '../../../keymap/keymap';

const box = (x: number): Cuboid3D => ({ kind: 'cuboid3d', center: [x, 0, 0], size: [4, 2, 1.5], yaw: 0 });
const pred = (id: string, frame: number, score: number): AnnotationObject => ({ id, label: 'car', frame, zOrder: 0, attributes: {}, source: { kind: 'model', model: 'proposals3d', score }, geometry: box(score * 10) });
const human: AnnotationObject = { ...pred('h', 0, 0.5), source: { kind: 'human' } };
const doc = (objects: AnnotationObject[]): ItemDocument => ({ schemaVersion: 1, itemId: 'i', status: 'new', objects, tracks: [], pointLabels: [] });

describe('LiDAR prediction review', () => {
  const records = () => recordsOf(doc([pred('a', 0, 0.4), pred('b', 0, 0.9), pred('c', 2, 0.7), human, { ...pred('d', 1, 0.95), accepted: true }]), true);

  it('lists pending predictions by frame, best first; walks them and wraps', () => {
    const list = pendingPredictions(records());
    expect(list.map((p) => p.key)).toEqual(['b', 'a', 'c']);
    expect(stepPrediction(list, null, 0, 1)?.key).toBe('b');
    expect(stepPrediction(list, 'b', 0, 1)?.key).toBe('a');
    expect(stepPrediction(list, 'a', 0, 1)?.key).toBe('c'); // on to the next frame that has any
    expect(stepPrediction(list, 'c', 2, 1)?.key).toBe('b'); // wraps
    expect(stepPrediction(list, 'b', 0, -1)?.key).toBe('c');
    // nothing selected on frame 1: next is frame 2's, previous frame 0's last
    expect(stepPrediction(list, null, 1, 1)?.key).toBe('c');
    expect(stepPrediction(list, 'h', 1, -1)?.key).toBe('a');
    expect(stepPrediction([], null, 0, 1)).toBeNull();
    expect(predictionsAbove(list, 0.5, 0).map((p) => p.key)).toEqual(['b']);
    expect(predictionsAbove(list, 0.7, null).map((p) => p.key)).toEqual(['b', 'c']);
  });

  it('accept keeps the box as a reviewed model object; reject removes it and remembers it in the document', () => {
    let r = acceptKeys(records(), ['b', 'h'], 5);
    expect(r.b).toMatchObject({ accepted: true, source: { kind: 'model', score: 0.9 } });
    expect(r.h).toBe(records().h); // a human box is not a prediction
    r = rejectKey(r, 'a');
    expect(r.a).toBeUndefined();
    expect(isPendingKey(r, 'b')).toBe(false);
    expect(rejectKey(r, 'h')).toBe(r); // reject is for predictions only
    expect(pendingPredictions(r).map((p) => p.key)).toEqual(['c']);
    // the remembered rejection is no box on any frame, and is written to document.rejected
    expect(frameBoxes(r, 0).map((o) => o.id).sort()).toEqual(['b', 'h']);
    const saved = documentOf(doc([]), r);
    expect(saved.rejected).toEqual([expect.objectContaining({ id: 'a', frame: 0, reason: 'rejected', label: 'car', model: 'proposals3d', score: 0.4, geometry: box(4) })]);
    expect(saved.objects.map((o) => o.id).sort()).toEqual(['b', 'c', 'd', 'h']);
    // and read back as such
    expect(Object.keys(recordsOf(saved, true)).filter((k) => k.startsWith('rejected:'))).toEqual(['rejected:a']);
  });

  it('deleting an accepted prediction remembers it as deleted; deleting a human box remembers nothing', () => {
    const r = removeAt(removeAt(records(), 'd', 1), 'h', 0);
    expect(documentOf(doc([]), r).rejected?.map((x) => [x.id, x.reason])).toEqual([['d', 'deleted']]);
  });

  it('a reject and an accept-all are one undo step each', () => {
    const h = new History<LidarRecord>();
    let r: Records = records();
    const step = (next: Records, label: string) => {
      h.push({ diff: diffRecords(r, next), label });
      r = next;
    };
    step(rejectKey(r, 'a'), 'reject');
    step(acceptKeys(r, predictionsAbove(pendingPredictions(r), 0.5, null).map((p) => p.key)), 'accept all');
    expect(pendingPredictions(r)).toEqual([]);
    r = h.undo(r)!.records;
    expect(pendingPredictions(r).map((p) => p.key)).toEqual(['b', 'c']);
    r = h.undo(r)!.records;
    expect(pendingPredictions(r).map((p) => p.key)).toEqual(['b', 'a', 'c']);
    expect(r['rejected:a']).toBeUndefined();
  });

  it('keys: only Delete / Backspace are shared with the editor table (reject = delete for a prediction)', () => {
    const editor = new Set(Object.values(lidarKeymap.actions).flatMap((a) => a.keys.map(parseChord)));
    const shared = Object.values(lidarReviewKeymap.actions).flatMap((a) => a.keys.map(parseChord)).filter((c) => editor.has(c));
    expect(shared.sort()).toEqual(['Backspace', 'Delete']);
  });
});
