/** Builders for QA unit tests. */
import type { AnnotationObject, Cuboid3D, Geometry, Keyframe, Source, Track } from '../document/schema';
import type { QaItem } from './types';

export function cuboid(x: number, y: number, size: [number, number, number] = [4.2, 1.8, 1.6], yaw = 0, z = 0.8): Cuboid3D {
  return { kind: 'cuboid3d', center: [x, y, z], size, yaw };
}

export function obj(id: string, label: string, geometry: Geometry, frame = 0, extra: Partial<AnnotationObject> = {}): AnnotationObject {
  return { id, label, geometry, frame, attributes: {}, source: { kind: 'human' }, zOrder: 0, ...extra };
}

export function model(score: number): Source {
  return { kind: 'model', model: 'det', score };
}

export function track(id: string, label: string, keyframes: Array<Partial<Keyframe> & { frame: number; geometry: Geometry }>, extra: Partial<Track> = {}): Track {
  return {
    id,
    label,
    attributes: {},
    source: { kind: 'human' },
    zOrder: 0,
    keyframes: keyframes.map((k) => ({ outside: false, occluded: false, attributes: {}, ...k })),
    ...extra,
  };
}

/** An item with frames 0..n-1 and the given objects placed on their frames. */
export function item(n: number, objects: AnnotationObject[] = [], extra: Partial<QaItem> = {}): QaItem {
  const frames = Array.from({ length: n }, (_, frame) => ({ frame, objects: objects.filter((o) => o.frame === frame) }));
  return { id: 'item1', name: 'item1', frames, ...extra };
}

export const NO_ONTOLOGY = { labels: [] };
