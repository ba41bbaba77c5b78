import { describe, expect, it } from 'vitest';
import { emptyDocument, ItemDocument, type AnnotationObject, type Cuboid3D, type Track } from '../document/schema';
import { acceptPrediction, isPendingPrediction, matchesKnown, newPredictions, rejectionOf } from './predictions';

const box = (x: number, y: number, yaw = 0, size: [number, number, number] = [4, 2, 1.5]): Cuboid3D => ({ kind: 'cuboid3d', center: [x, y, 0], size, yaw });
const pred = (id: string, g: Cuboid3D, frame = 0, label = 'car', score = 0.8): AnnotationObject => ({
  id,
  label,
  geometry: g,
  frame,
  attributes: {},
  zOrder: 0,
  source: { kind: 'model', model: 'proposals3d', score },
});

describe('prediction review state', () => {
  it('pending is a model prediction not accepted; an edited one is reviewed', () => {
    const p = pred('a', box(0, 0));
    expect(isPendingPrediction(p)).toBe(true);
    expect(isPendingPrediction(acceptPrediction(p, 5))).toBe(false);
    expect(acceptPrediction(p, 5)).toMatchObject({ accepted: true, updatedAt: 5, source: { kind: 'model', score: 0.8 } });
    expect(isPendingPrediction({ ...p, source: { kind: 'model-edited', model: 'm', score: 0.8 } })).toBe(false);
    expect(isPendingPrediction({ ...p, source: { kind: 'human' } })).toBe(false);
  });

  it('remembers a rejected prediction with its geometry, frame and reason; a human object is not remembered', () => {
    const p = pred('a', box(3, 4), 7);
    expect(rejectionOf(p, 10, 'Rev')).toEqual({ id: 'a', model: 'proposals3d', label: 'car', frame: 7, geometry: p.geometry, score: 0.8, reason: 'rejected', at: 10, by: 'Rev' });
    expect(rejectionOf(acceptPrediction(p, 1), 10)?.reason).toBe('deleted');
    expect(rejectionOf({ ...p, source: { kind: 'human' } }, 10)).toBeNull();
    // The document schema takes it (and older documents without `rejected` stay valid).
    const doc = ItemDocument.parse({ ...emptyDocument('i'), rejected: [rejectionOf(p, 10)] });
    expect(doc.rejected).toHaveLength(1);
    expect(ItemDocument.parse(emptyDocument('i')).rejected).toBeUndefined();
  });
});

describe('matching new predictions against what the document knows', () => {
  it('same frame, same class and BEV IoU >= 0.5 match; anything else does not', () => {
    const known = [{ label: 'car', frame: 0, geometry: box(0, 0) }];
    expect(matchesKnown({ label: 'car', frame: 0, geometry: box(0.3, 0.1, 0.05) }, known)).toBe(true);
    // 4 x 2 boxes 1.4 m apart along their length: IoU = 2.6*2 / (16 - 5.2) = 0.48
    expect(matchesKnown({ label: 'car', frame: 0, geometry: box(1.4, 0) }, known)).toBe(false);
    expect(matchesKnown({ label: 'car', frame: 0, geometry: box(1.2, 0) }, known)).toBe(true);
    expect(matchesKnown({ label: 'pedestrian', frame: 0, geometry: box(0, 0) }, known)).toBe(false);
    expect(matchesKnown({ label: 'car', frame: 1, geometry: box(0, 0) }, known)).toBe(false);
    // A box turned 90° over the same centre overlaps 2x2 of 4x2: IoU 4/12.
    expect(matchesKnown({ label: 'car', frame: 0, geometry: box(0, 0, Math.PI / 2) }, known)).toBe(false);
  });

  it('drops rejected, accepted, hand-drawn and tracked boxes, keeps new ones, and never adds two copies in one run', () => {
    const rejected = rejectionOf(pred('r', box(10, 0), 0), 1)!;
    const accepted = acceptPrediction(pred('a', box(20, 0)), 1);
    const human: AnnotationObject = { ...pred('h', box(30, 0)), source: { kind: 'human' } };
    const track: Track = {
      id: 't1',
      label: 'car',
      attributes: {},
      zOrder: 0,
      source: { kind: 'human' },
      keyframes: [
        { frame: 0, geometry: box(40, 0), outside: false, occluded: false, attributes: {} },
        { frame: 2, geometry: box(40, 10), outside: false, occluded: false, attributes: {} },
      ],
    };
    const doc = { ...emptyDocument('i'), objects: [accepted, human], tracks: [track], rejected: [rejected] };
    const candidates = [
      pred('n1', box(10.2, 0)), // the rejected one again
      pred('n2', box(20, 0.1)), // the accepted one again
      pred('n3', box(30, 0)), // the hand-drawn one
      pred('n4', box(40, 5), 1), // the track, interpolated on frame 1
      pred('n5', box(50, 0)), // new
      pred('n6', box(50.1, 0)), // a copy of n5 in the same run
      pred('n7', box(10, 0), 1), // where the rejection was, but on another frame
    ];
    const { added, known } = newPredictions(doc, candidates);
    expect(added.map((c) => c.id)).toEqual(['n5', 'n7']);
    expect(known.map((c) => c.id)).toEqual(['n1', 'n2', 'n3', 'n4', 'n6']);
  });
});
