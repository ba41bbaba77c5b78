import { describe, expect, it } from 'vitest';
import { emptyDocument, type AnnotationObject } from './schema';
import { stampProvenance } from './provenance';

const box = (id: string, x: number): AnnotationObject => ({
  id,
  label: 'car',
  frame: 0,
  geometry: { kind: 'box2d', x1: x, y1: 0, x2: x + 5, y2: 5 },
  attributes: {},
  source: { kind: 'human' },
  zOrder: 0,
});

describe('stampProvenance', () => {
  it('stamps new and changed objects with the author and time, keeps untouched ones', () => {
    const v1 = stampProvenance(null, { ...emptyDocument('i'), objects: [box('a', 0), box('b', 10)] }, 'Ann', 100);
    expect(v1.objects.map((o) => [o.createdBy, o.updatedBy, o.updatedAt])).toEqual([
      ['Ann', 'Ann', 100],
      ['Ann', 'Ann', 100],
    ]);
    // Bob moves b and adds c; a is untouched (even if the client dropped its stamps).
    const { updatedAt: _u, updatedBy: _ub, ...aNoStamps } = v1.objects[0];
    const v2 = stampProvenance(v1, { ...v1, objects: [aNoStamps as AnnotationObject, { ...v1.objects[1], geometry: { kind: 'box2d', x1: 20, y1: 0, x2: 25, y2: 5 } }, box('c', 30)] }, 'Bob', 200);
    const by = Object.fromEntries(v2.objects.map((o) => [o.id, [o.createdBy, o.updatedBy, o.updatedAt]]));
    expect(by).toEqual({ a: ['Ann', 'Ann', 100], b: ['Ann', 'Bob', 200], c: ['Bob', 'Bob', 200] });
  });
});
