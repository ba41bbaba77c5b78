import { describe, expect, it } from 'vitest';
import type { Geometry, Track } from './schema';
import {
  interpolateGeometry,
  keyframeNeighbours,
  lerpAngle,
  matchVertexCounts,
  propagate,
  removeKeyframe,
  setKeyframe,
  shapeAtFrame,
} from './tracks';

const box = (x1: number, y1: number, x2: number, y2: number): Geometry => ({ kind: 'box2d', x1, y1, x2, y2 });

function track(...keyframes: Array<{ frame: number; geometry: Geometry; outside?: boolean; occluded?: boolean }>): Track {
  return {
    id: 't1',
    label: 'car',
    attributes: {},
    source: { kind: 'human' },
    zOrder: 0,
    keyframes: keyframes.map((k) => ({ outside: false, occluded: false, attributes: {}, ...k })),
  };
}

describe('shapeAtFrame', () => {
  const t = track({ frame: 10, geometry: box(0, 0, 10, 10) }, { frame: 20, geometry: box(10, 20, 30, 40), occluded: true });

  it('is absent before the first keyframe', () => {
    expect(shapeAtFrame(t, 9)).toBeNull();
  });

  it('returns keyframes exactly and interpolates between them', () => {
    expect(shapeAtFrame(t, 10)).toMatchObject({ keyframe: true, geometry: box(0, 0, 10, 10), occluded: false });
    expect(shapeAtFrame(t, 15)).toMatchObject({ keyframe: false, geometry: box(5, 10, 20, 25) });
    expect(shapeAtFrame(t, 20)).toMatchObject({ keyframe: true, occluded: true });
  });

  it('holds the last keyframe', () => {
    expect(shapeAtFrame(t, 100)).toMatchObject({ keyframe: false, geometry: box(10, 20, 30, 40), occluded: true });
  });

  it('stops at outside keyframes until the next keyframe, without sliding towards them', () => {
    const o = track(
      { frame: 0, geometry: box(0, 0, 10, 10) },
      { frame: 10, geometry: box(100, 100, 110, 110), outside: true },
      { frame: 20, geometry: box(50, 50, 60, 60) },
    );
    expect(shapeAtFrame(o, 5)?.geometry).toEqual(box(0, 0, 10, 10));
    expect(shapeAtFrame(o, 10)).toMatchObject({ outside: true, keyframe: true });
    expect(shapeAtFrame(o, 15)).toBeNull();
    expect(shapeAtFrame(o, 20)?.geometry).toEqual(box(50, 50, 60, 60));
  });

  it('holds masks instead of interpolating', () => {
    const m1: Geometry = { kind: 'mask', size: [1, 2], counts: [1, 1] };
    const m2: Geometry = { kind: 'mask', size: [1, 2], counts: [0, 2] };
    expect(shapeAtFrame(track({ frame: 0, geometry: m1 }, { frame: 4, geometry: m2 }), 3)?.geometry).toBe(m1);
  });
});

describe('interpolateGeometry', () => {
  it('turns rotated boxes the short way round', () => {
    const a: Geometry = { kind: 'rotatedBox', cx: 0, cy: 0, w: 2, h: 4, angle: (350 * Math.PI) / 180 };
    const b: Geometry = { kind: 'rotatedBox', cx: 10, cy: 0, w: 4, h: 4, angle: (10 * Math.PI) / 180 };
    const mid = interpolateGeometry(a, b, 0.5);
    expect(mid.kind).toBe('rotatedBox');
    if (mid.kind !== 'rotatedBox') return;
    expect(mid.cx).toBeCloseTo(5);
    expect(mid.w).toBeCloseTo(3);
    expect(Math.cos(mid.angle)).toBeCloseTo(1);
    expect(Math.abs(lerpAngle(-3, 3, 0.5))).toBeCloseTo(Math.PI); // through pi, not 0 (the one angle rule normalises to (-pi, pi])
  });

  it('lerps cuboids with shortest yaw', () => {
    const a: Geometry = { kind: 'cuboid3d', center: [0, 0, 0], size: [4, 2, 1], yaw: Math.PI - 0.1 };
    const b: Geometry = { kind: 'cuboid3d', center: [2, 4, 6], size: [4, 2, 3], yaw: -Math.PI + 0.1 };
    const mid = interpolateGeometry(a, b, 0.5);
    if (mid.kind !== 'cuboid3d') throw new Error('kind');
    expect(mid.center).toEqual([1, 2, 3]);
    expect(mid.size).toEqual([4, 2, 2]);
    expect(Math.abs(Math.cos(mid.yaw) + 1)).toBeLessThan(1e-9);
  });

  it('pairs polygon vertices by index when counts match', () => {
    const a: Geometry = { kind: 'polygon', points: [0, 0, 2, 0, 2, 2] };
    const b: Geometry = { kind: 'polygon', points: [2, 2, 4, 2, 4, 4] };
    expect(interpolateGeometry(a, b, 0.5)).toEqual({ kind: 'polygon', points: [1, 1, 3, 1, 3, 3] });
  });

  it('resamples polygons with different vertex counts, keeping both ends exact', () => {
    const square = [0, 0, 4, 0, 4, 4, 0, 4]; // perimeter 16, vertices at 0, .25, .5, .75
    const triangle = [0, 0, 4, 0, 0, 4]; // 4 + 5.657 + 4
    const [ra, rb] = matchVertexCounts(square, triangle, true);
    expect(ra.length).toBe(rb.length);
    // every original vertex appears in its resampled outline
    for (let i = 0; i < square.length; i += 2) {
      expect(pairs(ra).some(([x, y]) => near(x, square[i]) && near(y, square[i + 1]))).toBe(true);
    }
    for (let i = 0; i < triangle.length; i += 2) {
      expect(pairs(rb).some(([x, y]) => near(x, triangle[i]) && near(y, triangle[i + 1]))).toBe(true);
    }
    const t0 = interpolateGeometry({ kind: 'polygon', points: square }, { kind: 'polygon', points: triangle }, 0);
    if (t0.kind !== 'polygon') throw new Error('kind');
    expect(t0.points.length).toBe(ra.length);
  });

  it('resamples open polylines along their length', () => {
    const [ra, rb] = matchVertexCounts([0, 0, 10, 0], [0, 0, 5, 5, 10, 0], false);
    expect(ra).toEqual([0, 0, 5, 0, 10, 0]);
    expect(rb).toEqual([0, 0, 5, 5, 10, 0]);
  });
});

describe('keyframe editing', () => {
  const t = track({ frame: 0, geometry: box(0, 0, 1, 1) }, { frame: 10, geometry: box(0, 0, 2, 2) });

  it('inserts, replaces and removes keyframes purely', () => {
    const added = setKeyframe(t, { frame: 5, geometry: box(1, 1, 3, 3) });
    expect(added.keyframes.map((k) => k.frame)).toEqual([0, 5, 10]);
    expect(t.keyframes.length).toBe(2);
    const replaced = setKeyframe(added, { frame: 5, geometry: box(2, 2, 3, 3), occluded: true });
    expect(replaced.keyframes[1]).toMatchObject({ geometry: box(2, 2, 3, 3), occluded: true });
    expect(removeKeyframe(replaced, 5)?.keyframes.map((k) => k.frame)).toEqual([0, 10]);
    expect(removeKeyframe(t, 7)).toBe(t);
    expect(removeKeyframe(track({ frame: 3, geometry: box(0, 0, 1, 1) }), 3)).toBeNull();
  });

  it('finds neighbouring keyframes', () => {
    expect(keyframeNeighbours(t, 5)).toEqual({ previous: 0, next: 10 });
    expect(keyframeNeighbours(t, 0)).toEqual({ previous: null, next: 10 });
    expect(keyframeNeighbours(t, 10)).toEqual({ previous: 0, next: null });
    expect(keyframeNeighbours(t, 12)).toEqual({ previous: 10, next: null });
  });

  it('propagates as a start and an end keyframe', () => {
    const p = propagate(t, 5, 10);
    expect(p.keyframes.map((k) => k.frame)).toEqual([0, 5, 15]);
    expect(shapeAtFrame(p, 5)?.geometry).toEqual(box(0, 0, 1.5, 1.5));
    expect(shapeAtFrame(p, 12)?.geometry).toEqual(box(0, 0, 1.5, 1.5));
    expect(propagate(t, 5, 0)).toBe(t);
  });
});

const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;
function pairs(flat: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}
