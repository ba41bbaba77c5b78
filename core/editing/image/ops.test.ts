import { describe, expect, it } from 'vitest';
import type { LabelSpec } from '../../document/schema';
import { emptyDocument, ItemDocument, Track } from '../../document/schema';
import { History } from '../../history/history';
import { diffRecords } from '../../history/diff';
import { hitTest, paintOrder } from './geometry';
import { deleteKeyframe, propagateTrack, reorderTracks, setOutside, toggleTrackFlag, trackOps, type TrackRecords } from './ops';

const car: LabelSpec = {
  id: 'car', name: 'Car', color: '#ff0000', kinds: [],
  attributes: [
    { id: 'parked', name: 'Parked', type: 'bool', scope: 'track', required: false },
    { id: 'occl', name: 'Occluded', type: 'bool', scope: 'frame', required: false },
  ],
};
const box = (x: number) => ({ kind: 'box2d' as const, x1: x, y1: 0, x2: x + 10, y2: 10 });

describe('track editing ops', () => {
  it('a shape drawn on a frame is a track; an edit on another frame is a keyframe; frames between interpolate', () => {
    let r: TrackRecords = trackOps.create({}, box(0), car, 0, 't');
    expect(r.t.attributes).toEqual({ parked: false });
    expect(r.t.keyframes[0].attributes).toEqual({ occl: false });
    r = trackOps.update(r, 't', box(100), 10);
    expect(r.t.keyframes.map((k) => k.frame)).toEqual([0, 10]);
    const [mid] = trackOps.frameObjects(r, 5);
    expect(mid.geometry).toEqual(box(50));
    expect(mid.attributes).toEqual({ parked: false, occl: false });
    r = trackOps.setAttribute(r, 't', 'occl', true, 5, 'frame');
    expect(r.t.keyframes.map((k) => k.frame)).toEqual([0, 5, 10]);
    r = setOutside(r, 't', 12);
    expect(trackOps.frameObjects(r, 11)).toHaveLength(1);
    expect(trackOps.frameObjects(r, 12)).toHaveLength(0);
    expect(trackOps.frameObjects(r, 13)).toHaveLength(0);
    r = deleteKeyframe(r, 't', 5);
    expect(r.t.keyframes.map((k) => k.frame)).toEqual([0, 10, 12]);
    const doc = trackOps.write(emptyDocument('x'), r);
    expect(doc.tracks).toHaveLength(1);
    expect(doc.status).toBe('in_progress');
    expect(trackOps.read(doc)).toEqual(r);
    expect(trackOps.remove(r, ['t'])).toEqual({});
  });

  it('propagate holds the current (interpolated) shape over the next n frames, bounded by the video', () => {
    let r: TrackRecords = trackOps.create({}, box(0), car, 0, 't');
    r = trackOps.update(r, 't', box(100), 10);
    const p = propagateTrack(r, 't', 5, 20, 38);
    expect(p.t.keyframes.map((k) => k.frame)).toEqual([0, 5, 25]);
    expect(trackOps.frameObjects(p, 15)[0].geometry).toEqual(box(50));
    expect(trackOps.frameObjects(p, 30)[0].geometry).toEqual(box(50));
    expect(propagateTrack(r, 't', 30, 20, 38).t.keyframes.map((k) => k.frame)).toEqual([0, 10, 30, 37]);
    expect(propagateTrack(r, 't', 37, 5, 38)).toBe(r);
    expect(propagateTrack(r, 'missing', 0, 5, 38)).toBe(r);
  });
});

describe('track view flags: hide, lock, z-order', () => {
  /** Three tracks keyed on frames 0 and 10 (a, b, c drawn in that order), c ends at frame 5. */
  function three(): TrackRecords {
    let r: TrackRecords = {};
    for (const id of ['a', 'b', 'c']) {
      r = trackOps.create(r, box(0), car, 0, id);
      r = trackOps.update(r, id, box(100), 10);
    }
    return setOutside(r, 'c', 5);
  }
  const keyframesOf = (r: TrackRecords) => Object.fromEntries(Object.values(r).map((t) => [t.id, t.keyframes]));
  const drawn = (r: TrackRecords, frame: number) => paintOrder(trackOps.frameObjects(r, frame).filter((o) => !o.hidden)).map((o) => o.id);

  it('new tracks are drawn on top; frame shapes carry the track zOrder, hidden and locked', () => {
    let r = three();
    expect(Object.values(r).map((t) => t.zOrder)).toEqual([1, 2, 3]);
    r = toggleTrackFlag(r, ['a'], 'hidden');
    r = toggleTrackFlag(r, ['b'], 'locked');
    const [a, b] = trackOps.frameObjects(r, 7);
    expect(a).toMatchObject({ id: 'a', hidden: true, zOrder: 1 });
    expect(a.locked).toBeUndefined();
    expect(b).toMatchObject({ id: 'b', locked: true, zOrder: 2 });
    expect(b.hidden).toBeUndefined();
    // hidden on every frame, including interpolated ones, and never hit
    expect(trackOps.frameObjects(r, 3).find((o) => o.id === 'a')?.hidden).toBe(true);
    expect(hitTest(trackOps.frameObjects(r, 7).filter((o) => o.id !== 'b'), { x: 75, y: 5 }, 1)).toBeNull();
    expect(hitTest(trackOps.frameObjects(r, 7), { x: 75, y: 5 }, 1)?.id).toBe('b');
  });

  it('toggle flips the flag on all (off only when all have it), on the track, without keyframes', () => {
    const r0 = three();
    const r1 = toggleTrackFlag(r0, ['a', 'b'], 'hidden');
    expect([r1.a.hidden, r1.b.hidden, r1.c.hidden]).toEqual([true, true, undefined]);
    expect(keyframesOf(r1)).toEqual(keyframesOf(r0));
    const r2 = toggleTrackFlag(r1, ['a', 'c'], 'hidden'); // mixed: hide both
    expect([r2.a.hidden, r2.c.hidden]).toEqual([true, true]);
    const r3 = toggleTrackFlag(r2, ['a', 'c'], 'hidden'); // all hidden: show both
    expect('hidden' in r3.a).toBe(false);
    expect('hidden' in r3.c).toBe(false);
    expect(trackOps.toggle(r0, ['missing'], 'locked')).toBe(r0);
  });

  it('a locked track is not moved, reshaped, deleted, relabelled or keyframed; unlocking allows it again', () => {
    const ped: LabelSpec = { id: 'ped', name: 'Ped', color: '#00ff00', kinds: [], attributes: [] };
    const r = trackOps.toggle(three(), ['a'], 'locked');
    expect(r.a.locked).toBe(true);
    expect(trackOps.update(r, 'a', box(50), 3)).toBe(r); // a drag on an interpolated frame
    expect(trackOps.update(r, 'a', box(50), 0)).toBe(r); // a drag on a keyframe
    expect(trackOps.remove(r, ['a'])).toBe(r);
    expect(Object.keys(trackOps.remove(r, ['a', 'b']))).toEqual(['a', 'c']);
    expect(trackOps.relabel(r, ['a'], ped).a.label).toBe('car');
    expect(trackOps.setAttribute(r, 'a', 'occl', true, 3, 'frame')).toBe(r);
    expect(trackOps.setAttribute(r, 'a', 'parked', true, 3, 'track')).toBe(r);
    expect(setOutside(r, 'a', 3)).toBe(r);
    expect(deleteKeyframe(r, 'a', 10)).toBe(r);
    expect(propagateTrack(r, 'a', 3, 2, 20)).toBe(r);
    const unlocked = trackOps.toggle(r, ['a'], 'locked');
    expect(trackOps.update(unlocked, 'a', box(50), 3).a.keyframes.map((k) => k.frame)).toEqual([0, 3, 10]);
    expect(trackOps.remove(unlocked, ['a'])).not.toHaveProperty('a');
  });

  it('raise / lower step among the tracks shown on the frame, renumber zOrder, keep keyframes', () => {
    const r0 = three();
    expect(drawn(r0, 2)).toEqual(['a', 'b', 'c']);
    const up = reorderTracks(r0, ['a'], 1, 2);
    expect(drawn(up, 2)).toEqual(['b', 'a', 'c']);
    expect(keyframesOf(up)).toEqual(keyframesOf(r0));
    expect(drawn(trackOps.reorder(up, ['c'], -1, 2), 2)).toEqual(['b', 'c', 'a']);
    // on frame 7 c is outside: raising a passes b only and then stays on top of what is shown
    const top = reorderTracks(reorderTracks(r0, ['a'], 1, 7), ['a'], 1, 7);
    expect(drawn(top, 7)).toEqual(['b', 'a']);
    expect(drawn(top, 2)).toEqual(['b', 'a', 'c']); // c kept its slot above
    expect(reorderTracks(r0, ['c'], 1, 2)).toBe(r0); // already on top: nothing changes
    // the list order in the editor and the paint order agree on explicit zOrder, not record order
    const lowered = reorderTracks(r0, ['c'], -1, 2);
    expect(Object.values(lowered).map((t) => t.zOrder)).toEqual([0, 2, 1]);
  });

  it('each flag edit is one undo step and undo restores the track exactly', () => {
    const h = new History<Track>();
    let r = three();
    const before = r;
    const apply = (next: TrackRecords, label: string) => {
      h.push({ diff: diffRecords(r, next), label });
      r = next;
    };
    apply(trackOps.toggle(r, ['a', 'b'], 'hidden'), 'hide');
    apply(trackOps.toggle(r, ['a'], 'locked'), 'lock');
    apply(trackOps.reorder(r, ['a'], 1, 2), 'reorder');
    expect(drawn(r, 2)).toEqual(['c']); // a and b hidden, a raised
    let step = h.undo(r)!;
    expect(step.entry.label).toBe('reorder');
    r = step.records;
    expect(Object.values(r).map((t) => t.zOrder)).toEqual([1, 2, 3]);
    step = h.undo(r)!;
    expect(step.entry.label).toBe('lock');
    r = step.records;
    expect(r.a.locked).toBeUndefined();
    expect(r.a.hidden).toBe(true);
    step = h.undo(r)!; // hide: both tracks in one step
    expect(step.entry.label).toBe('hide');
    r = step.records;
    expect(r).toEqual(before);
    expect(h.undo(r)).toBeNull();
  });

  it('documents written before the flags existed still parse (zOrder 0, shown, unlocked)', () => {
    const old = {
      schemaVersion: 1,
      itemId: 'v',
      tracks: [{ id: 't', label: 'car', keyframes: [{ frame: 0, geometry: box(0) }] }],
    };
    const doc = ItemDocument.parse(JSON.parse(JSON.stringify(old)));
    expect(doc.tracks[0]).toMatchObject({ zOrder: 0 });
    expect(doc.tracks[0].hidden).toBeUndefined();
    expect(doc.tracks[0].locked).toBeUndefined();
    const [shape] = trackOps.frameObjects(trackOps.read(doc), 4);
    expect(shape).toMatchObject({ id: 't', zOrder: 0 });
    expect(shape.hidden || shape.locked).toBeFalsy();
    const flagged = trackOps.write(doc, toggleTrackFlag(trackOps.read(doc), ['t'], 'locked'));
    expect(ItemDocument.parse(JSON.parse(JSON.stringify(flagged))).tracks[0].locked).toBe(true);
  });
});
