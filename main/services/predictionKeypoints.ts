/**
 * Face detectors (YuNet, SCRFD) predict a box and 5 landmarks. In the annotation document that is
 * two objects of the same label sharing a `group` (one logical instance, as COCO keypoints with a
 * box): a `box2d` and a `skeleton` whose points follow the label's skeleton declaration, which is
 * added to the label when it has none.
 */
import { randomUUID } from 'node:crypto';
import type { AnnotationObject, LabelSpec } from '../../core/document/schema';
import { FACE_EDGES, FACE_LANDMARKS } from './inference/adapters/detectors2d';

const round = (v: number) => Math.round(v * 1000) / 1000;

/** The box object (given a group) and its skeleton object, or just the box without keypoints. */
export function withKeypoints(box: AnnotationObject, keypoints: number[] | undefined): AnnotationObject[] {
  if (!keypoints?.length) return [box];
  const group = box.group ?? randomUUID();
  return [
    { ...box, group },
    { ...box, id: randomUUID(), group, geometry: { kind: 'skeleton', points: keypoints.map(round), visibility: keypoints.filter((_, i) => i % 2 === 0).map(() => 2) } },
  ];
}

/**
 * Labels that received skeleton objects declare the face skeleton (when they declare none), and
 * labels that received lane polylines list the `polyline` kind.
 */
export function declareSkeletons(labels: LabelSpec[], objects: AnnotationObject[]): LabelSpec[] {
  const skel = new Set(objects.filter((o) => o.geometry.kind === 'skeleton').map((o) => o.label));
  const lines = new Set(objects.filter((o) => o.geometry.kind === 'polyline').map((o) => o.label));
  if (!skel.size && !lines.size) return labels;
  let changed = false;
  const next = labels.map((l) => {
    let out = l;
    if (skel.has(l.id) && !l.skeleton)
      out = { ...out, kinds: out.kinds.includes('skeleton') ? out.kinds : [...out.kinds, 'skeleton' as const], skeleton: { points: [...FACE_LANDMARKS], edges: FACE_EDGES.map((e) => [e[0], e[1]] as [number, number]) } };
    if (lines.has(l.id) && out.kinds.length && !out.kinds.includes('polyline')) out = { ...out, kinds: [...out.kinds, 'polyline' as const] };
    if (out !== l) changed = true;
    return out;
  });
  return changed ? next : labels;
}
