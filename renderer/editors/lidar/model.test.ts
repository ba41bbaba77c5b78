import { describe, expect, it } from 'vitest';
import type { AnnotationObject, Cuboid3D, ItemDocument, Track } from '../../../core/document/schema';
import { boxAt, copyToNextFrame, documentOf, fillAllGaps, fillGaps, frameBoxes, nextFreeTrackId, lidarIO, lidarSequenceIO, recordsOf, removeAt, resolveShared, setBox, setTrackId, sharedId, trackKey, type Records } from './model';

const box = (x: number): Cuboid3D => ({ kind: 'cuboid3d', center: [x, 0, 0], size: [4, 2, 1.5], yaw: 0 });
const obj = (id: string, frame: number, x: number, attributes: AnnotationObject['attributes'] = {}): AnnotationObject => ({ id, label: 'car', frame, zOrder: 0, source: { kind: 'human' }, attributes, geometry: box(x) });
const doc = (objects: AnnotationObject[], tracks: Track[] = []): ItemDocument => ({ schemaVersion: 1, itemId: 'i', status: 'new', objects, tracks, pointLabels: [] });
const count = (r: Records, f: number) => frameBoxes(r, f).length;

describe('LiDAR records', () => {
  it('the sequence workflow: track id, copy forward twice, delete on the middle frame, edit, interpolate', () => {
    let r = recordsOf(doc([obj('abcdefgh-1', 0, 0)]), true);
    const set = setTrackId(r, 'abcdefgh-1', 0, '7');
    r = set.records;
    expect(set.key).toBe(trackKey('7'));
    expect([0, 1].map((f) => count(r, f))).toEqual([1, 0]);
    r = copyToNextFrame(r, 0);
    r = copyToNextFrame(r, 1);
    expect([0, 1, 2, 3].map((f) => count(r, f))).toEqual([1, 1, 1, 0]);
    r = removeAt(r, set.key, 1);
    expect([0, 1, 2, 3].map((f) => count(r, f))).toEqual([1, 0, 1, 0]);
    r = setBox(r, set.key, 2, box(1));
    r = fillGaps(r, set.key);
    expect([0, 1, 2, 3].map((f) => count(r, f))).toEqual([1, 1, 1, 0]);
    const mid = frameBoxes(r, 1)[0];
    expect(mid.attributes).toMatchObject({ track_id: '7', interpolated: true });
    expect((mid.geometry as Cuboid3D).center[0]).toBeCloseTo(0.5);
    const saved = documentOf(doc([]), r);
    expect(saved.objects).toEqual([]);
    expect(saved.tracks[0].keyframes.map((k) => [k.frame, k.outside])).toEqual([[0, false], [2, false], [3, true]]);
    expect(saved.status).toBe('in_progress');
  });

  it('key frames only: boxes on the first and last frame linked by a typed track id, then every track interpolated at once', () => {
    // Two cars, each boxed on frames 0 and 4 (a one-click fit makes an untracked object); the ids typed on both.
    let r = recordsOf(doc([obj('a0', 0, 0), obj('b0', 0, 10), obj('a4', 4, 4), obj('b4', 4, 10), obj('lone', 2, 20)]), true);
    for (const [key, frame, id] of [['a0', 0, '1'], ['b0', 0, '2'], ['a4', 4, '1'], ['b4', 4, '2']] as const) r = setTrackId(r, key, frame, id).records;
    // Linked but not yet interpolated: each track is on its two key frames only.
    expect([0, 1, 2, 3, 4, 5].map((f) => count(r, f))).toEqual([2, 0, 1, 0, 2, 0]);
    const all = fillAllGaps(r);
    expect(all.keys.sort()).toEqual([trackKey('1'), trackKey('2')]);
    r = all.records;
    expect([0, 1, 2, 3, 4, 5].map((f) => count(r, f))).toEqual([2, 2, 3, 2, 2, 0]);
    const mid = frameBoxes(r, 2).find((o) => o.id === trackKey('1'))!;
    expect(mid.attributes).toMatchObject({ track_id: '1', interpolated: true });
    expect((mid.geometry as Cuboid3D).center[0]).toBeCloseTo(2);
    // The untracked object stays where it was; a second call changes nothing.
    expect(r.lone).toEqual(recordsOf(doc([obj('lone', 2, 20)]), true).lone);
    expect(fillAllGaps(r)).toEqual({ records: r, keys: [] });
  });

  it('proposes the next free numeric track id for a box that is not a track yet', () => {
    expect(nextFreeTrackId({ a: obj('a', 0, 0) })).toBe('1');
    let r = recordsOf(doc([obj('a', 0, 0), obj('b', 0, 5), obj('c', 0, 9)]), true);
    r = setTrackId(r, 'a', 0, '3').records;
    r = setTrackId(r, 'b', 0, 'van-x').records; // named ids do not count
    expect(nextFreeTrackId(r)).toBe('4');
  });

  it('loads per-frame track_id objects of a sequence as tracks, single clouds as they are', () => {
    const d = doc([obj('a', 0, 0, { track_id: '8' }), obj('b', 1, 1, { track_id: '8' }), obj('c', 0, 5)]);
    const r = recordsOf(d, true);
    expect(Object.keys(r).sort()).toEqual(['c', 'track:8']);
    expect([0, 1, 2].map((f) => count(r, f))).toEqual([2, 1, 0]);
    expect(Object.keys(recordsOf(d, false)).sort()).toEqual(['a', 'b', 'c']);
  });

  it('copy to next frame makes an object a track and leaves tracks already there alone', () => {
    let r: Records = { a: obj('a', 0, 0) };
    r = copyToNextFrame(r, 0);
    expect(Object.keys(r)).toEqual(['track:a']);
    expect(boxAt(r, 'track:a', 1)?.center[0]).toBe(0);
    const again = copyToNextFrame(r, 0);
    expect((again['track:a'] as Track).keyframes).toEqual((r['track:a'] as Track).keyframes);
  });

  it('deleting the last frame of a one-frame track removes the track; editing an object keeps it an object', () => {
    let r: Records = { a: obj('a', 0, 0) };
    r = setBox(r, 'a', 0, box(3));
    expect((r.a as AnnotationObject).geometry).toEqual(box(3));
    r = setTrackId(r, 'a', 0, 't').records;
    expect(removeAt(r, 'track:t', 0)).toEqual({});
  });

  it('reads and writes the document for the editor shell (lidarIO): objects, tracks and point labels in one map', () => {
    const d = doc([obj('a', 0, 0), obj('b', 0, 5, { track_id: '3' }), obj('c', 1, 6, { track_id: '3' })]);
    const single = lidarIO.read(d);
    expect(Object.keys(single).sort()).toEqual(['a', 'b', 'c']);
    const seq = lidarSequenceIO.read(d);
    expect(Object.keys(seq).sort()).toEqual(['a', trackKey('3')]);
    const back = lidarSequenceIO.write(d, seq);
    expect(back.objects.map((o) => o.id)).toEqual(['a']);
    expect(back.tracks.map((t) => t.id)).toEqual(['3']);
    expect(back.status).toBe('in_progress');
    expect(lidarSequenceIO.read(back)).toEqual(seq);
  });

  it('resolves the box a QA finding or an issue names (its shared id) to the editor key and the frame to show it on', () => {
    // A single cloud: the object itself, on its frame.
    const single = recordsOf(doc([obj('a', 0, 0), obj('b', 0, 5)]), false);
    expect(resolveShared(single, 'b', 0)).toEqual({ key: 'b', frame: 0 });
    expect(resolveShared(single, 'gone', 0)).toBeNull();
    // A sequence: track 7 on frames 2..4 (an outside marker after), an untracked box on frame 1.
    let r = recordsOf(doc([obj('t', 2, 0), obj('u', 1, 3)]), true);
    const set = setTrackId(r, 't', 2, '7');
    r = copyToNextFrame(copyToNextFrame(set.records, 2), 3);
    expect(sharedId(set.key)).toBe('7'); // what the panels name it by
    expect(resolveShared(r, '7', 3)).toEqual({ key: trackKey('7'), frame: 3 }); // shown on the frame asked for
    expect(resolveShared(r, '7', 0)).toEqual({ key: trackKey('7'), frame: 2 }); // else on its first keyframe
    expect(resolveShared(r, '7', 9)).toEqual({ key: trackKey('7'), frame: 2 });
    expect(resolveShared(r, 'u', 3)).toEqual({ key: 'u', frame: 1 }); // an object lives on its own frame
    expect(resolveShared(r, 't', 2)).toBeNull(); // the object became the track
  });
});
