import { describe, expect, it } from 'vitest';
import { ItemDocument, type AnnotationObject, type Cuboid3D } from '../../../core/document/schema';
import { parsePointCloud } from '../../../core/formats/pointcloud';
import { documentTrackIds, frameCuboids, frameInstanceIds, InstanceIds, trackInstanceId } from './semantickittiInstances';

const box = (center: [number, number, number], size: [number, number, number] = [2, 2, 2]): Cuboid3D => ({ kind: 'cuboid3d', center, size, yaw: 0 });
const obj = (id: string, geometry: Cuboid3D, attributes: AnnotationObject['attributes'] = {}, frame = 0): AnnotationObject => ({
  id, label: 'car', frame, geometry, attributes, source: { kind: 'human' }, zOrder: 0,
});
const doc = (objects: AnnotationObject[], tracks: unknown[] = []) => ItemDocument.parse({ schemaVersion: 1, itemId: 'x', objects, tracks });

describe('semantickitti instances', () => {
  it('uses track_id only when it is an integer in 1..65535', () => {
    expect([7, '7', ' 12 ', 65535].map(trackInstanceId)).toEqual([7, 7, 12, 65535]);
    expect([0, -3, 7.5, 65536, 'car-3', '', true, undefined].map(trackInstanceId)).toEqual(Array(8).fill(null));
  });

  it('shares one generated id per non-numeric track_id, one per cuboid without, and skips reserved ids', () => {
    const ids = new InstanceIds();
    ids.reserve([1000, 1002]);
    const c = (trackId: string | number | undefined, key: string) => ({ box: box([0, 0, 0]), trackId, key });
    expect(ids.of(c(undefined, 'object:a'))).toBe(1001);
    expect(ids.of(c('car-3', 'object:b'))).toBe(1003);
    expect(ids.of(c('car-3', 'object:c'))).toBe(1003); // same track, another frame
    expect(ids.of(c(70000, 'object:d'))).toBe(1004); // out of range: generated
    expect(ids.of(c(undefined, 'object:a'))).toBe(1001); // stable for the same cuboid
    expect(ids.of(c(42, 'object:e'))).toBe(42);
  });

  it('wraps from 65535 to 1 and reports exhaustion with 0', () => {
    const ids = new InstanceIds();
    ids.reserve(Array.from({ length: 65535 - 1000 + 1 }, (_, k) => 1000 + k)); // 1000..65535 taken
    expect(ids.of({ box: box([0, 0, 0]), trackId: undefined, key: 'a' })).toBe(1);
    ids.reserve(Array.from({ length: 998 }, (_, k) => 2 + k)); // 2..999 taken too
    expect(ids.of({ box: box([0, 0, 0]), trackId: undefined, key: 'b' })).toBe(0);
    expect(ids.exhausted).toBe(true);
  });

  it('lists objects then document.tracks interpolated at the frame; reserves both kinds of track ids', () => {
    const d = doc(
      [obj('a', box([0, 0, 0]), { track_id: '5' }), obj('b', box([9, 9, 9]), {}, 1), { ...obj('t', box([0, 0, 0])), geometry: { kind: 'tag' } }],
      [{ id: '31', label: 'car', keyframes: [{ frame: 0, geometry: box([0, 0, 0]) }, { frame: 2, geometry: box([4, 0, 0]) }] }],
    );
    const f1 = frameCuboids(d, 1);
    expect(f1.map((c) => c.key)).toEqual(['object:b', 'track:31']);
    expect(f1[1].box.center).toEqual([2, 0, 0]);
    expect(f1[1].trackId).toBe('31');
    expect(frameCuboids(d, 0).map((c) => c.trackId)).toEqual(['5', '31']);
    expect(documentTrackIds(d).sort((a, b) => a - b)).toEqual([5, 31]);
  });

  it('gives overlapping points to the first box and leaves unlabelled points at 0', () => {
    // Points along x at 0.5 m steps; box A covers x in [-1, 1], box B x in [0, 2].
    const n = 7;
    const positions = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) positions[i * 3] = (i - 2) * 0.5; // -1 .. 2
    const classes = Uint16Array.from([1, 1, 1, 0, 1, 1, 1]);
    const d = doc([obj('A', box([0, 0, 0]), { track_id: 3 }), obj('B', box([1, 0, 0]), { track_id: 4 })]);
    const got = frameInstanceIds(positions, [0, 0, 0], classes, frameCuboids(d, 0), new InstanceIds());
    expect(Array.from(got)).toEqual([3, 3, 3, 0, 3, 4, 4]);
  });

  it('compares boxes in file coordinates with a recentred cloud (positions relative to its offset)', async () => {
    // ascii float coordinates beyond 1e4 are recentred by the parser; the box is in file coordinates.
    const rows = [[500000, 4000000, 10], [500001.5, 4000000, 10], [500003, 4000000, 10]];
    const pcd = `VERSION .7\nFIELDS x y z\nSIZE 8 8 8\nTYPE F F F\nCOUNT 1 1 1\nWIDTH 3\nHEIGHT 1\nPOINTS 3\nDATA ascii\n${rows.map((r) => r.join(' ')).join('\n')}\n`;
    const cloud = await parsePointCloud(new TextEncoder().encode(pcd), 'utm.pcd');
    expect(cloud.offset.some((o) => o !== 0)).toBe(true);
    const d = doc([obj('A', box([500001.5, 4000000, 10], [1, 1, 1]), { track_id: 9 })]);
    const got = frameInstanceIds(cloud.positions, cloud.offset, Uint16Array.from([1, 1, 1]), frameCuboids(d, 0), new InstanceIds());
    expect(Array.from(got)).toEqual([0, 9, 0]);
  });
});
