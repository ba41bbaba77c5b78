import { describe, expect, it } from 'vitest';
import { runQa } from '../run';
import { cuboid, item, NO_ONTOLOGY, obj, track } from '../qa.test-helper';
import { priorFor } from './size';
import { qaConfig } from '../config';

describe('size checks', () => {
  it('flags a car outside the prior range, accepts a normal one, resolves aliases', () => {
    const f = runQa([item(1, [obj('ok', 'Car', cuboid(0, 0)), obj('huge', 'Car', cuboid(10, 10, [9, 1.8, 1.6]))])], NO_ONTOLOGY);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ check: 'size-prior', severity: 'warning', object: 'huge' });
    expect(f[0].message).toMatch(/length 9.00 m/);
    expect(priorFor('Rider', qaConfig().size)).toBe(priorFor('cyclist', qaConfig().size));
    expect(priorFor('whatever', qaConfig().size)).toBeUndefined();
  });
  it('uses project priors from the config and resolves ontology ids to names', () => {
    const ontology = { labels: [{ id: 'l1', name: 'Robot', color: '#112233', kinds: [], attributes: [] }] };
    const it1 = item(1, [obj('r', 'l1', cuboid(0, 0, [3, 1, 1]))]);
    expect(runQa([it1], ontology)).toEqual([]);
    const f = runQa([it1], ontology, { size: { priors: { robot: { long: [0.5, 1], short: [0.5, 1], height: [0.5, 1] } } } });
    expect(f.map((x) => x.check)).toEqual(['size-prior']);
  });
  it('reports a non-positive size as an error and a tiny box as a warning', () => {
    const f = runQa([item(1, [obj('z', 'thing', cuboid(0, 0, [0, 1, 1])), obj('t', 'thing', cuboid(5, 0, [0.05, 1, 1]))])], NO_ONTOLOGY);
    expect(f.map((x) => [x.object, x.check, x.severity])).toEqual([
      ['z', 'bad-size', 'error'],
      ['t', 'bad-size', 'warning'],
    ]);
  });
  it('learns per-label statistics (median ± k·MAD) once there are enough samples', () => {
    const objs = Array.from({ length: 30 }, (_, i) => obj(`w${i}`, 'widget', cuboid(i * 10, 0, [1 + (i % 5) * 0.02, 0.5, 0.5])));
    objs.push(obj('odd', 'widget', cuboid(400, 0, [2, 0.5, 0.5])));
    const f = runQa([item(1, objs)], NO_ONTOLOGY);
    expect(f.map((x) => [x.object, x.check])).toEqual([['odd', 'size-stats']]);
    expect(runQa([item(1, objs)], NO_ONTOLOGY, { size: { minSamples: 40 } })).toEqual([]);
  });
  it('reports a track once, not on every keyframe', () => {
    const t = track('t1', 'car', [0, 1, 2].map((frame) => ({ frame, geometry: cuboid(frame, 0, [12, 1.8, 1.6]) })));
    const f = runQa([item(3, [], { tracks: [t] })], NO_ONTOLOGY);
    expect(f.filter((x) => x.check === 'size-prior')).toHaveLength(1);
  });
});
