/**
 * Reviewing model predictions, one model for every place that does it (the Models tab's strip,
 * the LiDAR editor) and for pre-labelling:
 *
 * - pending = `source.kind === 'model'` and not `accepted`. A human edit makes it `model-edited`
 *   (core/document/provenance.ts), which counts as reviewed: the human took it over.
 * - accept keeps the object (source stays `model` with its score) and sets `accepted`.
 * - reject removes the object and remembers it in `document.rejected`; deleting a prediction that
 *   was accepted or edited is remembered too (reason `deleted`).
 * - pre-labelling adds a cuboid prediction only when nothing known matches it: an object (or
 *   track shape) already on that frame, or a remembered rejection, of the same class with
 *   bird's-eye IoU >= 0.5. So re-running never brings a rejected box back and never duplicates an
 *   accepted (or hand-drawn) one.
 *
 * Pure: no DOM, no Node.
 */
import type { AnnotationObject, Cuboid3D, ItemDocument, RejectedPrediction } from '../document/schema';
import { cuboidsOnFrame } from '../document/cuboidTracks';
import { bevIoU } from '../lidar/iou';

/**
 * The default review threshold for 2D predictions: the Models tab's review strip and the image
 * editor's "accept all above" (Shift+Enter) start from it.
 */
export const DEFAULT_REVIEW_THRESHOLD = 0.5;

/** The BEV IoU from which a new prediction is "the same box" as a known one. */
export const SAME_BOX_IOU = 0.5;

type Reviewable = Pick<AnnotationObject, 'source' | 'accepted'>;

/** A model prediction nobody has accepted, edited or rejected yet. */
export function isPendingPrediction(o: Reviewable): boolean {
  return o.source.kind === 'model' && !o.accepted;
}

/** The prediction accepted: kept as a model object with its score, marked `accepted`. */
export function acceptPrediction<T extends AnnotationObject>(o: T, now: number): T {
  return o.source.kind === 'model' && !o.accepted ? { ...o, accepted: true, updatedAt: now } : o;
}

/**
 * What is remembered when an object goes: for a model prediction (pending: `rejected`; accepted or
 * edited: `deleted`), else null (a human's own object is simply gone).
 */
export function rejectionOf(o: AnnotationObject, now: number, by?: string): RejectedPrediction | null {
  if (o.source.kind === 'human') return null;
  return {
    id: o.id,
    model: o.source.model,
    label: o.label,
    frame: o.frame ?? 0,
    geometry: o.geometry,
    score: o.source.score,
    reason: isPendingPrediction(o) ? 'rejected' : 'deleted',
    at: now,
    ...(by ? { by } : {}),
  };
}

interface Shape {
  label: string;
  frame: number;
  geometry: AnnotationObject['geometry'];
}

/** Whether `candidate` is a cuboid already known on its frame (same class, BEV IoU >= minIoU). */
export function matchesKnown(candidate: Shape, known: readonly Shape[], minIoU = SAME_BOX_IOU): boolean {
  if (candidate.geometry.kind !== 'cuboid3d') return false;
  const g = candidate.geometry;
  return known.some((k) => k.frame === candidate.frame && k.label === candidate.label && k.geometry.kind === 'cuboid3d' && bevIoU(g, k.geometry as Cuboid3D) >= minIoU);
}

/** Every cuboid the document knows on `frame`: its objects and track shapes there, and remembered rejections. */
export function knownCuboids(doc: Pick<ItemDocument, 'objects' | 'tracks' | 'rejected'>, frame: number): Shape[] {
  const out: Shape[] = cuboidsOnFrame(doc, frame).map((o) => ({ label: o.label, frame, geometry: o.geometry }));
  for (const r of doc.rejected ?? []) if (r.frame === frame && r.geometry.kind === 'cuboid3d') out.push(r);
  return out;
}

/**
 * New cuboid predictions split into those to add and those already known (see the module
 * comment). Candidates are also checked against each other's kept ones, so one run never adds two
 * copies of a box.
 */
export function newPredictions<T extends Shape>(doc: Pick<ItemDocument, 'objects' | 'tracks' | 'rejected'>, candidates: readonly T[]): { added: T[]; known: T[] } {
  const added: T[] = [];
  const known: T[] = [];
  const perFrame = new Map<number, Shape[]>();
  for (const c of candidates) {
    let list = perFrame.get(c.frame);
    if (!list) perFrame.set(c.frame, (list = knownCuboids(doc, c.frame)));
    if (matchesKnown(c, list)) known.push(c);
    else {
      added.push(c);
      list.push(c);
    }
  }
  return { added, known };
}
