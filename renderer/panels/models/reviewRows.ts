import type { AnnotationObject, ItemDocument } from '../../../core/document/schema';

export interface Row {
  itemId: string;
  object: AnnotationObject;
  score: number;
}

/** Predictions awaiting review, most confident first (pure; unit-tested). */
export function pendingRows(docs: Record<string, ItemDocument>): Row[] {
  const rows: Row[] = [];
  for (const [itemId, doc] of Object.entries(docs)) {
    for (const o of doc.objects) {
      if (o.source.kind === 'model' && !o.accepted) rows.push({ itemId, object: o, score: o.source.score });
    }
  }
  return rows.sort((a, b) => b.score - a.score || a.itemId.localeCompare(b.itemId));
}
