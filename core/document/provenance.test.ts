import { describe, expect, it } from 'vitest';
import type { AnnotationObject } from './schema';
import { editedSource, stampProvenance, withEditedGeometry } from './provenance';
import { emptyDocument } from './schema';
import { objectOps, trackOps } from '../editing/image/ops';
import { applyBoxEdit } from '../editing/lidar/boxEdit';

const cuboid = { kind: 'cuboid3d' as const, center: [1, 2, 0.5] as [number, number, number], size: [4, 2, 1.5] as [number, number, number], yaw: 0 };
const pred = (geometry: AnnotationObject['geometry']): AnnotationObject => ({ id: 'a', label: 'car', geometry, frame: 0, attributes: {}, source: { kind: 'model', model: 'proposals3d', score: 0.8 }, zOrder: 0 });

describe('provenance of edited predictions', () => {
  it('model -> model-edited keeping model and score; human and model-edited unchanged', () => {
    expect(editedSource({ kind: 'model', model: 'm', score: 0.5 })).toEqual({ kind: 'model-edited', model: 'm', score: 0.5 });
    expect(editedSource({ kind: 'human' })).toEqual({ kind: 'human' });
    const me = { kind: 'model-edited' as const, model: 'm', score: 0.5 };
    expect(editedSource(me)).toBe(me);
  });

  it('a LiDAR box edit of a prediction keeps its provenance', () => {
    const o = withEditedGeometry(pred(cuboid), { ...cuboid, center: [2, 2, 0.5] });
    expect(o.source).toEqual({ kind: 'model-edited', model: 'proposals3d', score: 0.8 });
    expect((o.geometry as typeof cuboid).center).toEqual([2, 2, 0.5]);
    const moved = applyBoxEdit(pred(cuboid), (b) => ({ ...b, yaw: 0.3 }));
    expect(moved.source.kind).toBe('model-edited');
    expect((moved.geometry as typeof cuboid).yaw).toBe(0.3);
  });

  it('image editor move/resize/reshape (ops.update) marks a prediction model-edited', () => {
    const box = { kind: 'box2d' as const, x1: 0, y1: 0, x2: 10, y2: 10 };
    const r = objectOps.update({ a: pred(box) }, 'a', { ...box, x2: 20 }, 0);
    expect(r.a.source).toEqual({ kind: 'model-edited', model: 'proposals3d', score: 0.8 });
    const poly = { kind: 'polygon' as const, points: [0, 0, 10, 0, 5, 5] };
    const r2 = objectOps.update({ a: pred(poly) }, 'a', { ...poly, points: [1, 1, 10, 0, 5, 5] }, 0);
    expect(r2.a.source.kind).toBe('model-edited');
    const track = { id: 't', label: 'car', attributes: {}, keyframes: [{ frame: 0, geometry: box, outside: false, occluded: false, attributes: {} }], source: { kind: 'model' as const, model: 'm', score: 0.7 }, zOrder: 0 };
    const r3 = trackOps.update({ t: track }, 't', { ...box, x1: 3 }, 0);
    expect(r3.t.source).toEqual({ kind: 'model-edited', model: 'm', score: 0.7 });
  });
});

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

  it('a rejection saved with an author is credited to them; earlier ones keep theirs', () => {
    const rej = (id: string, by?: string) => ({ id, model: 'm', label: 'car', frame: 0, geometry: { kind: 'tag' as const }, reason: 'rejected' as const, at: 1, ...(by ? { by } : {}) });
    const v1 = { ...emptyDocument('i'), rejected: [rej('old')] };
    const v2 = stampProvenance(v1, { ...v1, rejected: [rej('old'), rej('new')] }, 'Rev', 5);
    expect(v2.rejected?.map((r) => [r.id, r.by])).toEqual([['old', undefined], ['new', 'Rev']]);
    expect(stampProvenance(v1, { ...v1, rejected: [rej('new')] }, undefined, 5).rejected?.[0].by).toBeUndefined();
  });
});
