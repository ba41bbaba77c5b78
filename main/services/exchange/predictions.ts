/**
 * What an export may write. A model prediction nobody has reviewed (source `model`, not
 * `accepted`; docs/models.md) is not ground truth, so exports leave it out unless the user asks
 * for predictions (`--include-predictions`). Accepted predictions and predictions a human has
 * edited (`model-edited`) are reviewed and always exported. Rejected predictions are deleted by
 * the review strip, so they never reach an export.
 */
import type { ItemDocument } from '../../../core/document/schema';

type Sourced = { source: { kind: string }; accepted?: boolean };

export const isPendingPrediction = (o: Sourced): boolean => o.source.kind === 'model' && !o.accepted;

/** The document as the export should see it, and how many pending predictions were left out. */
export function exportableDocument(doc: ItemDocument, includePredictions = false): { doc: ItemDocument; leftOut: number } {
  if (includePredictions) return { doc, leftOut: 0 };
  const objects = doc.objects.filter((o) => !isPendingPrediction(o));
  // Tracks have no `accepted` flag: a model track is pending until a human edits it.
  const tracks = doc.tracks.filter((t) => t.source.kind !== 'model');
  const leftOut = doc.objects.length - objects.length + doc.tracks.length - tracks.length;
  return leftOut ? { doc: { ...doc, objects, tracks }, leftOut } : { doc, leftOut: 0 };
}

/** The report line for predictions left out, or null. */
export function leftOutWarning(n: number): string | null {
  return n ? `${n} unreviewed model prediction${n === 1 ? '' : 's'} left out (accept them in review, or pass --include-predictions)` : null;
}
