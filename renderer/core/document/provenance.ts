/**
 * Provenance of edited predictions: a human changing the geometry of a model prediction turns
 * its source into `model-edited`, keeping the model and its score (pure; shared by the editors).
 */
import type { AnnotationObject, Geometry, Source } from './schema';

/** The source after a human geometry edit. */
export function editedSource(source: Source): Source {
  return source.kind === 'model' ? { kind: 'model-edited', model: source.model, score: source.score } : source;
}

/** The object with a new geometry set by a human (provenance kept as model-edited). */
export function withEditedGeometry<T extends AnnotationObject>(o: T, geometry: Geometry): T {
  return { ...o, geometry, source: editedSource(o.source) };
}
