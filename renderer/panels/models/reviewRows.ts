import type { AnnotationObject, ItemDocument } from '../../../core/document/schema';
import { isPendingPrediction } from '../../../core/review/predictions';

export interface Row {
  itemId: string;
  object: AnnotationObject;
  score: number;
  /** `item|frame`: the strip shows a heading where it changes (one per image, one per LiDAR frame). */
  group: string;
}

/**
 * Predictions awaiting review (pure; unit-tested), grouped by item and frame: the group with the
 * most confident prediction first, most confident first within a group, so a LiDAR frame's
 * predictions are reviewed together, as in the editor.
 */
export function pendingRows(docs: Record<string, ItemDocument>): Row[] {
  const rows: Row[] = [];
  for (const [itemId, doc] of Object.entries(docs)) {
    for (const o of doc.objects) {
      if (o.source.kind === 'model' && isPendingPrediction(o)) rows.push({ itemId, object: o, score: o.source.score, group: `${itemId}|${o.frame ?? 0}` });
    }
  }
  const best = new Map<string, number>();
  for (const r of rows) best.set(r.group, Math.max(best.get(r.group) ?? 0, r.score));
  return rows.sort((a, b) => best.get(b.group)! - best.get(a.group)! || a.group.localeCompare(b.group) || b.score - a.score);
}
