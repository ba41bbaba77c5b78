import { describe, expect, it } from 'vitest';
import type { LabelSpec } from '../../core/document/schema';
import { emptyDocument } from '../../core/document/schema';
import { deleteKeyframe, propagateTrack, setOutside, trackOps, type TrackRecords } from './ops';

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
