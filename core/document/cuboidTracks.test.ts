import { describe, expect, it } from 'vitest';
import type { AnnotationObject, Cuboid3D, Track } from './schema';
import { lerpAngle } from '../geometry/angle';
import { cuboidsOnFrame, objectsPerFrame, tracksFromTrackIds } from './cuboidTracks';

const box = (x: number, yaw = 0): Cuboid3D => ({ kind: 'cuboid3d', center: [x, 0, 0], size: [4, 2, 1.5], yaw });
const obj = (id: string, frame: number, x: number, attrs: AnnotationObject['attributes'] = {}, yaw = 0): AnnotationObject => ({
  id, label: 'car', frame, zOrder: 0, source: { kind: 'human' }, attributes: attrs, geometry: box(x, yaw),
});
const centres = (doc: { objects: AnnotationObject[]; tracks: Track[] }, f: number) =>
  cuboidsOnFrame(doc, f).map((o) => `${String(o.attributes.track_id ?? o.id)}:${(o.geometry as Cuboid3D).center[0].toFixed(2)}`).sort();

describe('tracksFromTrackIds (documents from before tracks)', () => {
  it('turns per-frame objects sharing track_id into one track with the same boxes on every frame', () => {
    const doc = {
      objects: [
        obj('a', 0, 0, { track_id: '7', kind: 'sedan', moving: true }),
        obj('b', 1, 1, { track_id: '7', kind: 'sedan', moving: false }),
        // a gap on frame 2, back on 3
        obj('c', 3, 3, { track_id: '7', kind: 'sedan', moving: true }),
        obj('d', 1, 50, { track_id: 8 }),
        obj('free', 0, 90),
      ],
      tracks: [] as Track[],
    };
    const before = [0, 1, 2, 3, 4, 5].map((f) => centres(doc, f));
    const next = tracksFromTrackIds(doc);
    expect(next.objects.map((o) => o.id)).toEqual(['free']);
    expect(next.tracks.map((t) => t.id).sort()).toEqual(['7', '8']);
    const t7 = next.tracks.find((t) => t.id === '7')!;
    expect(t7.attributes).toEqual({ kind: 'sedan' });
    expect(t7.keyframes.map((k) => [k.frame, k.outside, k.attributes.moving])).toEqual([[0, false, true], [1, false, false], [2, true, undefined], [3, false, true], [4, true, undefined]]);
    expect([0, 1, 2, 3, 4, 5].map((f) => centres(next, f))).toEqual(before);
    expect(tracksFromTrackIds(next)).toBe(next); // nothing left to convert
  });

  it('drops fills the keyframes reproduce and keeps stale ones as keyframes', () => {
    const doc = {
      objects: [
        obj('a', 0, 0, { track_id: 't' }, 3),
        obj('i1', 1, 2, { track_id: 't', interpolated: true }, lerpAngle(3, -3, 0.25)), // reproduced (yaw through pi)
        obj('i2', 2, 99, { track_id: 't', interpolated: true }), // stale: the keyframes moved since
        obj('b', 4, 8, { track_id: 't' }, -3),
        obj('i3', 3, 6, { track_id: 't', interpolated: true }, lerpAngle(3, -3, 0.75) + 2 * Math.PI),
      ],
      tracks: [] as Track[],
    };
    const before = [0, 1, 2, 3, 4, 5].map((f) => centres(doc, f));
    const next = tracksFromTrackIds(doc);
    // the stale fill stays, and then its neighbours are no longer reproduced either
    expect(next.tracks[0].keyframes.filter((k) => !k.outside).map((k) => k.frame)).toEqual([0, 1, 2, 3, 4]);
    expect([0, 1, 2, 3, 4, 5].map((f) => centres(next, f))).toEqual(before);
    const fresh = { ...doc, objects: doc.objects.filter((o) => o.id !== 'i2').concat(obj('i2', 2, 4, { track_id: 't', interpolated: true }, lerpAngle(3, -3, 0.5))) };
    const clean = tracksFromTrackIds(fresh);
    expect(clean.tracks[0].keyframes.map((k) => [k.frame, k.outside])).toEqual([[0, false], [4, false], [5, true]]);
    expect([0, 1, 2, 3, 4, 5].map((f) => centres(clean, f))).toEqual([0, 1, 2, 3, 4, 5].map((f) => centres(fresh, f)));
  });

  it('leaves groups that cannot be one track as objects; merges into an existing track of that id', () => {
    const clash = { objects: [obj('a', 0, 0, { track_id: 'x' }), { ...obj('b', 1, 1, { track_id: 'x' }), label: 'truck' }], tracks: [] as Track[] };
    expect(tracksFromTrackIds(clash)).toBe(clash);
    const existing: Track = { id: 'x', label: 'car', attributes: {}, source: { kind: 'human' }, zOrder: 0, keyframes: [{ frame: 0, geometry: box(0), outside: false, occluded: false, attributes: {} }, { frame: 1, geometry: box(0), outside: true, occluded: false, attributes: {} }] };
    const merged = tracksFromTrackIds({ objects: [obj('c', 1, 1, { track_id: 'x' })], tracks: [existing] });
    expect(merged.objects).toEqual([]);
    expect(merged.tracks[0].keyframes.map((k) => [k.frame, k.outside])).toEqual([[0, false], [1, false], [2, true]]);
  });
});

describe('objectsPerFrame', () => {
  it('expands tracks over the frames with track_id = the track id', () => {
    const t: Track = { id: '5', label: 'car', attributes: { a: 1 }, source: { kind: 'human' }, zOrder: 0, keyframes: [{ frame: 1, geometry: box(0), outside: false, occluded: false, attributes: {} }, { frame: 3, geometry: box(2), outside: false, occluded: false, attributes: {} }] };
    const all = objectsPerFrame({ objects: [{ ...obj('tag', 0, 0), geometry: { kind: 'tag' } }], tracks: [t] }, 5);
    expect(all.map((o) => o.frame)).toEqual([0, 1, 2, 3, 4]);
    expect(all[2]).toMatchObject({ id: '5', frame: 2, attributes: { a: 1, track_id: '5' } });
    expect((all[2].geometry as Cuboid3D).center[0]).toBeCloseTo(1);
  });
});
