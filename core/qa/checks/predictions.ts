/**
 * Disagreement with model predictions (objects or tracks with source.kind = 'model'), only for
 * items that have predictions: a confident prediction no label of its class matches is "possibly
 * missed" (warning); a label no prediction of its class supports gets an info to check it.
 */
import type { QaConfig } from '../config';
import type { NormalizedItem } from '../collect';
import type { Finding, QaObject } from '../types';
import { shapeIoU } from './geometry';

function matches(a: QaObject, b: QaObject, c: QaConfig['predictions']): boolean {
  if (a.cls !== b.cls) return false;
  const iou = shapeIoU(a.geometry, b.geometry, 'bev');
  if (iou === null) return false;
  return iou >= (a.geometry.kind === 'box2d' ? c.matchIou2d : c.matchIou3d);
}

const score = (o: QaObject) => (o.source.kind === 'model' ? o.source.score : 0);

export function checkPredictions(n: NormalizedItem, config: QaConfig['predictions']): Finding[] {
  if (!config.enabled) return [];
  if (!n.frames.some((f) => f.objects.some((o) => o.prediction))) return [];
  const out: Finding[] = [];
  const reported = new Set<string>();
  for (const { frame, objects } of n.frames) {
    const predictions = objects.filter((o) => o.prediction && (o.geometry.kind === 'box2d' || o.geometry.kind === 'cuboid3d'));
    const labels = objects.filter((o) => !o.prediction && (o.geometry.kind === 'box2d' || o.geometry.kind === 'cuboid3d'));
    for (const p of predictions) {
      if (score(p) < config.minScore) continue;
      if (labels.some((l) => matches(p, l, config))) continue;
      out.push({
        check: 'possibly-missed',
        severity: 'warning',
        item: n.item.id,
        frame,
        object: p.id,
        message: `model ${p.source.kind === 'model' ? p.source.model : ''} predicts ${p.label} (score ${score(p).toFixed(2)}) where no label matches: possibly missed`,
      });
    }
    for (const l of labels) {
      if (predictions.some((p) => score(p) >= config.supportScore && matches(p, l, config))) continue;
      const key = l.trackId !== undefined ? `t\u0000${l.trackId}` : `o\u0000${frame}\u0000${l.id}`;
      if (reported.has(key)) continue;
      reported.add(key);
      out.push({
        check: 'unsupported-label',
        severity: 'info',
        item: n.item.id,
        frame,
        object: l.id,
        message: `no model prediction supports this ${l.label}: check it`,
      });
    }
  }
  return out;
}
