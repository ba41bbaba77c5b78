import { describe, expect, it } from 'vitest';
import type { AnnotationObject, Cuboid3D, ItemDocument, Track } from '../../../../core/document/schema';
import { makeCuboid } from '../../../../core/lidar/box';
import { bevIoU } from '../../../../core/lidar/iou';
import { syntheticScene } from '../../../../core/lidar/syntheticScene.test-helper';
import { boxAt, documentOf, fillGaps, frameBoxes, recordsOf, trackKey, type Records } from '../model';
import { applyPropagation, changedFrames, previousKeyframeBox, propagationKeys, trackSpan } from './propagateModel';
import { frameTimes, runPropagation, type RunCloud } from './runPropagation';
import { frameRanges } from './useSequenceTools';

const box = (x: number, y = 0): Cuboid3D => makeCuboid([x, y, -1.7 + 0.75], [4.2, 1.8, 1.5], 0);
const obj = (id: string, frame: number, b: Cuboid3D, attributes: AnnotationObject['attributes'] = {}): AnnotationObject => ({ id, label: 'car', frame, zOrder: 0, source: { kind: 'human' }, attributes, geometry: b });
const doc = (objects: AnnotationObject[], tracks: Track[] = []): ItemDocument => ({ schemaVersion: 1, itemId: 'i', status: 'new', objects, tracks, pointLabels: [] });
const WALLS = [makeCuboid([0, 12, -0.4], [30, 1, 2.6], 0), makeCuboid([-14, -10, -0.4], [1, 10, 2.6], 0), makeCuboid([16, -9, -0.4], [8, 1, 2.6], 0.3)];
/** A static-sensor sequence: car A drives +x at 1.2 m per frame, car B is parked. */
const carA = (f: number) => box(3 + 1.2 * f, 4);
const carB = box(6, -5);
const clouds: RunCloud[] = Array.from({ length: 6 }, (_, f) => ({ ...syntheticScene([...WALLS, carA(f), carB], -1.7, 28, 0.25), offset: [0, 0, 0] }));

describe('runPropagation + applyPropagation', () => {
  it('propagates every box of a frame: one track per object, keyframes on every frame, ends after the run', async () => {
    const records = recordsOf(doc([obj('aaaaaaaa-1', 0, carA(0)), obj('bbbbbbbb-1', 0, carB)]), true);
    const keys = propagationKeys(records, 0, null);
    expect(keys.sort()).toEqual(['aaaaaaaa-1', 'bbbbbbbb-1']);
    const progress: number[] = [];
    const run = await runPropagation({
      startFrame: 0, frames: 4, frameCount: 6, times: [0, 1, 2, 3, 4, 5],
      starts: keys.map((key) => ({ key, box: boxAt(records, key, 0)! })),
      load: async (f) => clouds[f],
      onProgress: (done) => progress.push(done),
      pause: async () => {},
    });
    expect(run.cancelled).toBe(false);
    expect(progress).toEqual([0, 1, 2, 3, 4]);
    const applied = applyPropagation(records, 0, run.tracks);
    const r = applied.records;
    expect(Object.keys(r).sort()).toEqual([trackKey('aaaaaaaa'), trackKey('bbbbbbbb')]);
    for (let f = 1; f <= 4; f++) {
      expect(bevIoU(boxAt(r, trackKey('aaaaaaaa'), f)!, carA(f)), `A on ${f}`).toBeGreaterThan(0.7);
      expect(bevIoU(boxAt(r, trackKey('bbbbbbbb'), f)!, carB), `B on ${f}`).toBeGreaterThan(0.7);
      // Constant size along the track.
      expect(boxAt(r, trackKey('aaaaaaaa'), f)!.size).toEqual(carA(0).size);
    }
    expect(frameBoxes(r, 5)).toEqual([]);
    const t = r[trackKey('aaaaaaaa')] as Track;
    expect(t.keyframes.map((k) => [k.frame, k.outside])).toEqual([[0, false], [1, false], [2, false], [3, false], [4, false], [5, true]]);
    expect(applied.frames).toEqual([1, 2, 3, 4]);
    expect(documentOf(doc([]), r).tracks).toHaveLength(2);
  });

  it('propagates only the selected box and stops at the sequence end', async () => {
    let records = recordsOf(doc([obj('a', 0, carA(0), { track_id: '9' }), obj('a5', 5, carA(5), { track_id: '9' }), obj('b', 0, carB)]), true);
    expect(propagationKeys(records, 0, trackKey('9'))).toEqual([trackKey('9')]);
    const run = await runPropagation({
      startFrame: 0, frames: 20, frameCount: 6, times: [0, 1, 2, 3, 4, 5],
      starts: [{ key: trackKey('9'), box: boxAt(records, trackKey('9'), 0)! }],
      load: async (f) => clouds[f], pause: async () => {},
    });
    expect(run.tracks[0].boxes.map((b) => b.frame)).toEqual([1, 2, 3, 4, 5]);
    records = applyPropagation(records, 0, run.tracks).records;
    expect(boxAt(records, 'b', 0)).not.toBeNull();
    expect(boxAt(records, 'b', 1)).toBeNull();
    expect(bevIoU(boxAt(records, trackKey('9'), 5)!, carA(5))).toBeGreaterThan(0.7);
  });

  it('a track with a keyframe on the previous frame starts with that velocity (the previous cloud is read for the ego motion)', async () => {
    const loaded: number[] = [];
    const run = await runPropagation({
      startFrame: 1, frames: 3, frameCount: 6, times: [0, 1, 2, 3, 4, 5],
      starts: [{ key: trackKey('9'), box: carA(1), previous: carA(0) }],
      load: async (f) => (loaded.push(f), clouds[f]), pause: async () => {},
    });
    expect(loaded).toContain(0);
    expect(run.tracks[0].boxes.map((b) => b.frame)).toEqual([2, 3, 4]);
    for (const b of run.tracks[0].boxes) expect(bevIoU(b.box, carA(b.frame))).toBeGreaterThan(0.7);
  });

  it('a cancelled run returns nothing to apply', async () => {
    let n = 0;
    const run = await runPropagation({
      startFrame: 0, frames: 5, frameCount: 6, times: [0, 1, 2, 3, 4, 5],
      starts: [{ key: 'x', box: carB }],
      load: async (f) => clouds[f], pause: async () => {}, cancelled: () => ++n > 2,
    });
    expect(run.cancelled).toBe(true);
  });

  it('previousKeyframeBox: only a real keyframe on the frame before', () => {
    const r = recordsOf(doc([obj('a', 0, carA(0), { track_id: '3' }), obj('a2', 2, carA(2), { track_id: '3' })]), true);
    expect(previousKeyframeBox(r, trackKey('3'), 1)).toEqual(carA(0));
    expect(previousKeyframeBox(r, trackKey('3'), 3)).toEqual(carA(2));
    // Frame 1 holds the outside marker that ends frame 0's run: no box before frame 2.
    expect(previousKeyframeBox(r, trackKey('3'), 2)).toBeUndefined();
    expect(previousKeyframeBox(r, 'plain-object', 1)).toBeUndefined();
  });

  it('a lost object ends its track at the frame where it was lost', () => {
    const records = recordsOf(doc([obj('a', 0, carA(0), { track_id: '3' })]), true);
    const r = applyPropagation(records, 0, [{ key: trackKey('3'), boxes: [{ frame: 1, box: carA(1) }, { frame: 2, box: carA(2) }], lostAt: 3 }]).records;
    expect((r[trackKey('3')] as Track).keyframes.map((k) => [k.frame, k.outside])).toEqual([[0, false], [1, false], [2, false], [3, true]]);
  });
});

describe('interpolation feedback', () => {
  it('changedFrames names the frames fillGaps filled', () => {
    const t: Track = {
      id: '5', label: 'car', attributes: {}, source: { kind: 'human' }, zOrder: 0,
      keyframes: [
        { frame: 0, geometry: box(0), outside: false, occluded: false, attributes: {} },
        { frame: 1, geometry: box(0), outside: true, occluded: false, attributes: {} },
        { frame: 4, geometry: box(4), outside: false, occluded: false, attributes: {} },
        { frame: 5, geometry: box(4), outside: true, occluded: false, attributes: {} },
      ],
    };
    const before: Records = { [trackKey('5')]: t };
    const after = fillGaps(before, trackKey('5'));
    expect(trackSpan(before, trackKey('5'))).toEqual([0, 4]);
    const frames = changedFrames(before, after, trackKey('5'), 0, 4);
    expect(frames).toEqual([1, 2, 3]);
    expect(frameRanges(frames)).toBe('2–4');
    expect(frameRanges([0, 2, 3, 7])).toBe('1, 3–4, 8');
    expect(changedFrames(after, fillGaps(after, trackKey('5')), trackKey('5'), 0, 4)).toEqual([]);
  });
});

describe('frameTimes', () => {
  it('uses recorded frame numbers when every name is one, else the index', () => {
    expect(frameTimes(['lidar/000950.pcd', 'lidar/000965.pcd', 'lidar/000970.pcd'])).toEqual([950, 965, 970]);
    expect(frameTimes(['velodyne/000000.bin', 'velodyne/000003.bin'])).toEqual([0, 3]);
    expect(frameTimes(['a.pcd', 'b.pcd', 'c.pcd'])).toEqual([0, 1, 2]);
    expect(frameTimes(['5.pcd', '3.pcd'])).toEqual([0, 1]);
  });
});

describe('sequence keys', () => {
  it('Shift+D propagates, # types the track id, Shift+T interpolates; none clashes with a chord of the tables live beside them', async () => {
    const { lidarSequenceKeymap } = await import('./keys');
    const { lidarKeymap } = await import('../keys');
    const { lidarReviewKeymap } = await import('../review/keys');
    const { reviewBarKeys } = await import('../../../panels/review/keys');
    const { appKeys } = await import('../../../keymap/appKeys');
    const { parseChord } = await import('../../../keymap/keymap');
    // The LiDAR editor's own keys, its review keys, the review bar above the item and the app's keys are live together.
    const editor = new Set([lidarKeymap, lidarReviewKeymap, reviewBarKeys, appKeys].flatMap((t) => Object.values(t.actions).flatMap((a) => a.keys.map(parseChord))));
    const ours = Object.values(lidarSequenceKeymap.actions).flatMap((a) => a.keys.map(parseChord));
    expect(ours).toEqual(['Shift+D', '#', 'Shift+T'].map(parseChord));
    expect(ours.filter((k) => editor.has(k))).toEqual([]);
    // ...while plain D stays the editor's next frame.
    expect(editor.has(parseChord('d'))).toBe(true);
  });
});
