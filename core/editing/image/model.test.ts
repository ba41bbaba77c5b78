import { describe, expect, it } from 'vitest';
import type { LabelSpec } from '../../document/schema';
import { emptyDocument } from '../../document/schema';
import { History } from '../../history/history';
import { diffRecords } from '../../history/diff';
import { createObject, documentOf, paste, recordsOf, relabel, remove, reorder, setAttribute, setGeometry, toggle, type Records } from './model';

const car: LabelSpec = { id: 'car', name: 'Car', color: '#ff0000', kinds: [], attributes: [{ id: 'parked', name: 'Parked', type: 'bool', scope: 'track', required: false }] };
const ped: LabelSpec = { id: 'ped', name: 'Pedestrian', color: '#00ff00', kinds: [], attributes: [{ id: 'pose', name: 'Pose', type: 'enum', options: ['standing', 'walking'], scope: 'track', required: false }] };
const box = { kind: 'box2d' as const, x1: 0, y1: 0, x2: 10, y2: 10 };

describe('image editor model', () => {
  it('creates objects with default attributes on top, and round-trips through the document', () => {
    let r: Records = {};
    r = createObject(r, box, car, 0, 'a');
    r = createObject(r, { kind: 'tag' }, ped, 0, 'b');
    expect(r.a.attributes).toEqual({ parked: false });
    expect(r.b.zOrder).toBeGreaterThan(r.a.zOrder);
    const doc = documentOf(emptyDocument('x'), r);
    expect(doc.status).toBe('in_progress');
    expect(recordsOf(doc)).toEqual(r);
  });

  it('relabel, attributes, hide/lock, delete (not locked), z-order, paste', () => {
    let r: Records = createObject(createObject({}, box, car, 0, 'a'), box, car, 0, 'b');
    r = relabel(r, ['a'], ped);
    expect(r.a).toMatchObject({ label: 'ped', attributes: { parked: false, pose: 'standing' } });
    r = setAttribute(r, 'a', 'pose', 'walking');
    expect(r.a.attributes.pose).toBe('walking');
    r = toggle(r, ['a'], 'locked');
    expect(r.a.locked).toBe(true);
    expect(remove(r, ['a', 'b'])).toHaveProperty('a');
    expect(remove(r, ['a', 'b'])).not.toHaveProperty('b');
    const order = (x: Records) => Object.values(x).sort((p, q) => p.zOrder - q.zOrder).map((o) => o.id);
    expect(order(r)).toEqual(['a', 'b']);
    expect(order(reorder(r, ['a'], 1))).toEqual(['b', 'a']);
    const p = paste(r, [r.b], 0, 5, 5);
    expect(p.ids).toHaveLength(1);
    expect(p.records[p.ids[0]].geometry).toEqual({ kind: 'box2d', x1: 5, y1: 5, x2: 15, y2: 15 });
  });

  it('each edit is one undo step through History', () => {
    const h = new History<Records[string]>();
    let r: Records = {};
    const apply = (next: Records, label: string) => {
      h.push({ diff: diffRecords(r, next), label });
      r = next;
    };
    apply(createObject(r, box, car, 0, 'a'), 'create');
    apply(setGeometry(r, 'a', { ...box, x2: 50 }), 'resize');
    r = h.undo(r)!.records;
    expect(r.a.geometry).toEqual(box);
    r = h.undo(r)!.records;
    expect(r).toEqual({});
    r = h.redo(r)!.records;
    expect(r.a.geometry).toEqual(box);
  });

  it('an edited model prediction keeps its provenance as model-edited', () => {
    let r = createObject({}, box, car, 0, 'a');
    r = { a: { ...r.a, source: { kind: 'model', model: 'yolo', score: 0.9 } } };
    r = setGeometry(r, 'a', { ...box, x2: 20 });
    expect(r.a.source).toEqual({ kind: 'model-edited', model: 'yolo', score: 0.9 });
  });
});
