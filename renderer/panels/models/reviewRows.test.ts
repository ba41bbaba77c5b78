import { describe, expect, it } from 'vitest';
import type { AnnotationObject, ItemDocument } from '../../../core/document/schema';
import { pendingRows } from './reviewRows';

const o = (id: string, frame: number, score: number, extra: Partial<AnnotationObject> = {}): AnnotationObject => ({
  id,
  label: 'car',
  frame,
  zOrder: 0,
  attributes: {},
  source: { kind: 'model', model: 'm', score },
  geometry: { kind: 'cuboid3d', center: [0, 0, 0], size: [1, 1, 1], yaw: 0 },
  ...extra,
});
const doc = (itemId: string, objects: AnnotationObject[]): ItemDocument => ({ schemaVersion: 1, itemId, status: 'new', objects, tracks: [], pointLabels: [] });

describe('review strip rows', () => {
  it('groups pending predictions by item and frame, best group first, best first inside', () => {
    const rows = pendingRows({
      seq: doc('seq', [o('a', 0, 0.5), o('b', 1, 0.9), o('c', 0, 0.7), o('d', 1, 0.4), o('e', 0, 0.99, { accepted: true }), o('f', 0, 0.95, { source: { kind: 'human' } })]),
      img: doc('img', [o('g', 0, 0.8)]),
    });
    expect(rows.map((r) => r.object.id)).toEqual(['b', 'd', 'g', 'c', 'a']);
    expect(rows.map((r) => r.group)).toEqual(['seq|1', 'seq|1', 'img|0', 'seq|0', 'seq|0']);
  });
});
