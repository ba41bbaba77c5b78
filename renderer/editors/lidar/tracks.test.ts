import { describe, expect, it } from 'vitest';
import type { AnnotationObject } from '../../core/document/schema';
import { interpolateTrack } from './tracks';

const obj = (id: string, frame: number, x: number, yaw: number, track = 't1'): AnnotationObject => ({
  id, label: 'car', frame, zOrder: 0, source: { kind: 'human' }, attributes: { track_id: track },
  geometry: { kind: 'cuboid3d', center: [x, 0, 0], size: [4, 2, 1.5], yaw },
});

describe('interpolateTrack', () => {
  it('fills the frames between keyframes and replaces earlier fills', () => {
    let n = 0;
    const recs = { a: obj('a', 0, 0, 3), b: obj('b', 4, 8, -3), c: obj('c', 2, 100, 0, 'other') };
    const r = interpolateTrack(recs, 't1', () => `i${n++}`);
    expect(r.added).toBe(3);
    const mid = Object.values(r.records).find((o) => o.frame === 2 && o.attributes.track_id === 't1')!;
    expect(mid.attributes.interpolated).toBe(true);
    expect((mid.geometry as { center: number[] }).center[0]).toBeCloseTo(4);
    // yaw goes the short way round through ±pi
    expect(Math.abs((mid.geometry as { yaw: number }).yaw)).toBeGreaterThan(3);
    const again = interpolateTrack(r.records, 't1', () => `j${n++}`);
    expect(Object.keys(again.records)).toHaveLength(6);
  });
});
