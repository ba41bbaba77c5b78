import { describe, expect, it } from 'vitest';
import { runQa } from '../run';
import { cuboid, item, model, NO_ONTOLOGY, obj } from '../qa.test-helper';

const box = (x1: number, y1: number, x2: number, y2: number) => ({ kind: 'box2d' as const, x1, y1, x2, y2 });

describe('model predictions', () => {
  it('confident unmatched prediction -> possibly missed; unsupported label -> info', () => {
    const objs = [
      obj('h1', 'car', box(0, 0, 100, 100)),
      obj('p1', 'car', box(2, 2, 100, 100), 0, { source: model(0.9) }),
      obj('h2', 'car', box(300, 0, 400, 100)),
      obj('p2', 'car', box(500, 0, 600, 100), 0, { source: model(0.8) }),
      obj('p3', 'car', box(700, 0, 800, 100), 0, { source: model(0.2) }),
      obj('p4', 'person', box(300, 0, 400, 100), 0, { source: model(0.9) }),
    ];
    const f = runQa([item(1, objs)], NO_ONTOLOGY);
    expect(f.map((x) => [x.check, x.severity, x.object])).toEqual([
      ['possibly-missed', 'warning', 'p2'],
      ['possibly-missed', 'warning', 'p4'],
      ['unsupported-label', 'info', 'h2'],
    ]);
  });
  it('matches cuboids by bird\'s-eye IoU and stays quiet without predictions', () => {
    const objs = [obj('h', 'car', cuboid(0, 0)), obj('p', 'car', cuboid(0.5, 0.2), 0, { source: model(0.7) })];
    expect(runQa([item(1, objs)], NO_ONTOLOGY)).toEqual([]);
    expect(runQa([item(1, [obj('h', 'car', cuboid(0, 0))])], NO_ONTOLOGY)).toEqual([]);
    expect(runQa([item(1, [objs[1]])], NO_ONTOLOGY, { predictions: { minScore: 0.8 } })).toEqual([]);
    expect(runQa([item(1, [objs[1]])], NO_ONTOLOGY, { predictions: { enabled: false } })).toEqual([]);
  });
});
