import { describe, expect, it } from 'vitest';
import { runQa } from '../run';
import { item, NO_ONTOLOGY, obj } from '../qa.test-helper';

const box = (x1: number, y1: number, x2: number, y2: number) => ({ kind: 'box2d' as const, x1, y1, x2, y2 });

describe('image checks', () => {
  it('reports 2D shapes outside the image, with a tolerance', () => {
    const objs = [
      obj('in', 'car', box(0, 0, 640, 480)),
      obj('edge', 'car', box(-0.5, 10, 100, 100)),
      obj('out', 'car', box(600, 400, 700, 470)),
      obj('poly', 'car', { kind: 'polygon', points: [10, 10, 50, -20, 60, 40] }),
    ];
    const f = runQa([item(1, objs, { width: 640, height: 480 })], NO_ONTOLOGY);
    expect(f.map((x) => [x.check, x.object])).toEqual([
      ['outside-image', 'out'],
      ['outside-image', 'poly'],
    ]);
    // without the image size only the tiny check can run
    expect(runQa([item(1, objs)], NO_ONTOLOGY)).toEqual([]);
  });
  it('reports tiny boxes', () => {
    const objs = [obj('thin', 'car', box(0, 0, 2, 50)), obj('small', 'car', box(100, 100, 104.5, 103.9)), obj('ok', 'car', box(200, 200, 210, 210))];
    const f = runQa([item(1, objs)], NO_ONTOLOGY);
    expect(f.map((x) => [x.check, x.object])).toEqual([
      ['tiny-box', 'thin'],
      ['tiny-box', 'small'],
    ]);
    expect(runQa([item(1, objs)], NO_ONTOLOGY, { image: { minSide: 1, minArea: 1 } })).toEqual([]);
  });
});
