import { describe, expect, it } from 'vitest';
import { runQa } from '../run';
import { cuboid, item, model, NO_ONTOLOGY, obj, track } from '../qa.test-helper';

const box = (x1: number, y1: number, x2: number, y2: number) => ({ kind: 'box2d' as const, x1, y1, x2, y2 });

describe('duplicates', () => {
  it('flags same-class 2D boxes above the IoU threshold, not other classes or neighbours', () => {
    const objs = [
      obj('a', 'car', box(0, 0, 100, 100)),
      obj('b', 'car', box(5, 5, 100, 100)),
      obj('c', 'person', box(0, 0, 100, 100)),
      obj('d', 'car', box(150, 0, 250, 100)),
    ];
    const f = runQa([item(1, objs)], NO_ONTOLOGY);
    expect(f.map((x) => [x.check, x.severity, x.object])).toEqual([['duplicate', 'error', 'a']]);
    expect(f[0].message).toMatch(/a and b/);
    expect(runQa([item(1, objs)], NO_ONTOLOGY, { duplicates: { iou2d: 0.95 } })).toEqual([]);
  });
  it('uses BEV or 3D IoU for cuboids', () => {
    const objs = [obj('a', 'car', cuboid(0, 0)), obj('b', 'car', cuboid(0.3, 0.1, undefined, 0.05)), obj('c', 'car', cuboid(0, 3))];
    expect(runQa([item(1, objs)], NO_ONTOLOGY).map((x) => x.object)).toEqual(['a']);
    // stacked vertically: BEV duplicate, but no 3D overlap
    const stacked = [obj('a', 'car', cuboid(0, 0)), obj('b', 'car', cuboid(0, 0, undefined, 0, 3))];
    expect(runQa([item(1, stacked)], NO_ONTOLOGY)).toHaveLength(1);
    expect(runQa([item(1, stacked)], NO_ONTOLOGY, { duplicates: { metric: '3d' } })).toHaveLength(0);
  });
  it('ignores model predictions and reports a pair of tracks once', () => {
    expect(runQa([item(1, [obj('a', 'car', cuboid(0, 0)), obj('p', 'car', cuboid(0, 0), 0, { source: model(0.9) })])], NO_ONTOLOGY).filter((f) => f.check === 'duplicate')).toEqual([]);
    const t1 = track('t1', 'car', [{ frame: 0, geometry: cuboid(0, 0) }, { frame: 4, geometry: cuboid(4, 0) }]);
    const t2 = track('t2', 'car', [{ frame: 0, geometry: cuboid(0.1, 0) }, { frame: 4, geometry: cuboid(4.1, 0) }]);
    const f = runQa([item(5, [], { tracks: [t1, t2] })], NO_ONTOLOGY).filter((x) => x.check === 'duplicate');
    expect(f).toHaveLength(1);
    expect(f[0].frame).toBe(0);
    expect(f[0].message).toMatch(/on 5 frames/);
  });
});
