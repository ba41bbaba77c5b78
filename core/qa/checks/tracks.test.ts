import { describe, expect, it } from 'vitest';
import { runQa } from '../run';
import { cuboid, item, NO_ONTOLOGY, obj, track } from '../qa.test-helper';
import type { Finding } from '../types';

const checks = (f: Finding[]) => f.map((x) => [x.check, x.frame, x.object]);

/** A car driving +x at `speed` m/frame, as per-frame objects with an obj_id attribute. */
function perFrame(n: number, speed = 1, edit: (frame: number, x: number) => number | null = (_, x) => x) {
  const objs = [];
  for (let f = 0; f < n; f++) {
    const x = edit(f, f * speed);
    if (x !== null) objs.push(obj(`o${f}`, 'car', cuboid(x, 0), f, { attributes: { obj_id: '7' } }));
  }
  return objs;
}

describe('track checks', () => {
  it('accepts a smooth track', () => {
    expect(runQa([item(10, perFrame(10))], NO_ONTOLOGY)).toEqual([]);
  });
  it('reports one track id used twice on a frame as an error', () => {
    const objs = [...perFrame(3), obj('x', 'car', cuboid(0, 5), 1, { attributes: { obj_id: '7' } })];
    const f = runQa([item(3, objs)], NO_ONTOLOGY).filter((x) => x.check === 'track-duplicate-id');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'error', frame: 1 });
  });
  it('reports a position jump relative to the typical motion (moved box on a slow track)', () => {
    const f = runQa([item(10, perFrame(10, 0.1, (fr, x) => (fr === 5 ? x + 2 : x)))], NO_ONTOLOGY);
    expect(checks(f)).toEqual([['track-jump', 5, 'o5']]);
    // a fast track moving 1.5 m per frame does not trip the 2 m floor
    expect(runQa([item(10, perFrame(10, 1.5))], NO_ONTOLOGY)).toEqual([]);
  });
  it('reports a track that jumps and stays (step > max(2 m, 3× median step))', () => {
    const f = runQa([item(10, perFrame(10, 0.5, (fr, x) => (fr >= 6 ? x + 5 : x)))], NO_ONTOLOGY);
    expect(checks(f)).toEqual([['track-jump', 6, 'o6']]);
  });
  it('reports a yaw flip, not on short (pedestrian) boxes', () => {
    const objs = perFrame(6).map((o) => (o.frame === 3 && o.geometry.kind === 'cuboid3d' ? { ...o, geometry: { ...o.geometry, yaw: Math.PI } } : o));
    expect(checks(runQa([item(6, objs)], NO_ONTOLOGY))).toEqual([['track-yaw-jump', 3, 'o3']]);
    const peds = objs.map((o) => (o.geometry.kind === 'cuboid3d' ? { ...o, label: 'pedestrian', geometry: { ...o.geometry, size: [0.6, 0.6, 1.7] as [number, number, number] } } : o));
    expect(runQa([item(6, peds)], NO_ONTOLOGY)).toEqual([]);
  });
  it('reports a gap in per-frame objects', () => {
    const f = runQa([item(8, perFrame(8, 1, (fr, x) => (fr === 3 || fr === 4 ? null : x)))], NO_ONTOLOGY);
    expect(checks(f)).toEqual([['track-gap', 3, '7']]);
    expect(f[0].message).toMatch(/frames 3–4/);
  });
  it('track records: interpolation between sparse keyframes is no gap; a missing keyframe in a dense track is', () => {
    const sparse = track('t', 'car', [{ frame: 0, geometry: cuboid(0, 0) }, { frame: 9, geometry: cuboid(9, 0) }]);
    expect(runQa([item(10, [], { tracks: [sparse] })], NO_ONTOLOGY)).toEqual([]);
    const keys = [0, 1, 2, 3, 5, 6, 7].map((frame) => ({ frame, geometry: cuboid(frame, 0) }));
    const f = runQa([item(8, [], { tracks: [track('t', 'car', keys)] })], NO_ONTOLOGY);
    expect(checks(f)).toEqual([['track-gap', 4, 't']]);
  });
  it('track records: an outside gap is no gap, a one-frame absence is info', () => {
    const keys = [
      { frame: 0, geometry: cuboid(0, 0) },
      { frame: 1, geometry: cuboid(1, 0) },
      { frame: 2, geometry: cuboid(1, 0), outside: true },
      { frame: 3, geometry: cuboid(3, 0) },
      { frame: 4, geometry: cuboid(4, 0), outside: true },
      { frame: 7, geometry: cuboid(7, 0) },
    ];
    const f = runQa([item(8, [], { tracks: [track('t', 'car', keys)] })], NO_ONTOLOGY);
    expect(f.map((x) => [x.check, x.severity, x.frame])).toEqual([['track-short-absence', 'info', 2]]);
  });
  it('reports two track records with the same id', () => {
    const t = track('t', 'car', [{ frame: 0, geometry: cuboid(0, 0) }]);
    const t2 = track('t', 'car', [{ frame: 0, geometry: cuboid(0, 10) }]);
    expect(runQa([item(1, [], { tracks: [t, t2] })], NO_ONTOLOGY).map((x) => x.check)).toEqual(['track-duplicate-id']);
  });
  it('2D box tracks: jumps are measured in box diagonals', () => {
    const box = (x: number) => ({ kind: 'box2d' as const, x1: x, y1: 100, x2: x + 40, y2: 130 });
    const keys = Array.from({ length: 8 }, (_, frame) => ({ frame, geometry: box(frame * 3 + (frame === 4 ? 60 : 0)) }));
    expect(checks(runQa([item(8, [], { tracks: [track('v', 'car', keys)] })], NO_ONTOLOGY))).toEqual([['track-jump', 4, 'v']]);
    const smooth = keys.map((k) => ({ ...k, geometry: box(k.frame * 3) }));
    expect(runQa([item(8, [], { tracks: [track('v', 'car', smooth)] })], NO_ONTOLOGY)).toEqual([]);
  });
});
