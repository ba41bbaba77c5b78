import { describe, expect, it } from 'vitest';
import type { Ontology } from '../../document/schema';
import { runQa } from '../run';
import { cuboid, item, obj, track } from '../qa.test-helper';

const ontology: Ontology = {
  labels: [
    {
      id: 'car',
      name: 'Car',
      color: '#ff0000',
      kinds: ['cuboid3d'],
      attributes: [
        { id: 'parked', name: 'parked', type: 'bool', scope: 'track', required: true },
        { id: 'occl', name: 'occlusion', type: 'enum', options: ['0', '1'], scope: 'frame', required: true },
        { id: 'note', name: 'note', type: 'text', scope: 'track', required: false },
      ],
    },
  ],
};

describe('attributes and labels', () => {
  it('reports missing required attributes (error), not optional ones', () => {
    const objs = [obj('a', 'car', cuboid(0, 0), 0, { attributes: { parked: true, occl: '0' } }), obj('b', 'Car', cuboid(10, 0), 0, { attributes: { parked: '' } })];
    const f = runQa([item(1, objs)], ontology);
    expect(f.map((x) => [x.check, x.severity, x.object])).toEqual([
      ['missing-attribute', 'error', 'b'],
      ['missing-attribute', 'error', 'b'],
    ]);
    expect(f.map((x) => x.message).join()).toMatch(/parked.*occlusion/);
  });
  it('reads track scope from the track and frame scope from keyframes, once per track', () => {
    const t = track('t', 'car', [0, 1, 2].map((frame) => ({ frame, geometry: cuboid(frame, 0), attributes: (frame === 0 ? { occl: '1' } : {}) as Record<string, string> })), { attributes: { parked: false } });
    const f = runQa([item(3, [], { tracks: [t] })], ontology);
    expect(f).toEqual([]);
    const t2 = { ...t, attributes: {} };
    const f2 = runQa([item(3, [], { tracks: [t2] })], ontology);
    expect(f2.map((x) => [x.check, x.frame])).toEqual([['missing-attribute', 0]]);
  });
  it('reports labels missing from the ontology (warning) only when there is an ontology', () => {
    const objs = [obj('x', 'spaceship', cuboid(0, 0))];
    expect(runQa([item(1, objs)], ontology).map((x) => [x.check, x.severity])).toEqual([['unknown-label', 'warning']]);
    expect(runQa([item(1, objs)], { labels: [] })).toEqual([]);
    expect(runQa([item(1, objs)], ontology, { labels: { enabled: false } })).toEqual([]);
  });
});
