/**
 * `box-fit`: 3D boxes that are likely wrong, judged from the points alone (no ground truth). Each
 * box is re-fitted with the product's own re-fit (core/lidar/refit.ts, the LiDAR editor's R key)
 * and measured (boxFitEvidence.ts: re-fit agreement, points inside, points cut by a side face or
 * the top, lines of sight through it, gap to the ground, range); a logistic regression fitted on
 * held-out labelled frames (boxFitModel.ts) turns that into the probability that the box is off the
 * quality bar or on nothing to label, and a box at or above `minSuspicion` is reported (warning).
 *
 * Scope: by default the boxes a model made (pre-labels, pending or accepted; source.kind 'model'),
 * which is what the score is calibrated on: an "AI + QA" pass accepts pre-labels unseen and looks
 * only at what this check flags. `scope: 'all'` judges hand-made boxes too (the model has not been
 * calibrated on them: annotators label sparse far objects that pre-labels there usually miss).
 */
import type { Cuboid3D } from '../../document/schema';
import { cuboidInCloud } from '../../lidar/box';
import { frameIndexFor } from '../../lidar/frameIndex';
import { sizePriorFor } from '../../lidar/sizePrior';
import type { QaConfig } from '../config';
import type { NormalizedItem } from '../collect';
import type { Finding } from '../types';
import { boxFitEvidence, type BoxFitEvidence } from './boxFitEvidence';
import { boxFitSuspicion } from './boxFitModel';

/** The reasons a person can check on screen, strongest evidence first. */
function reasons(e: BoxFitEvidence): string[] {
  const out: Array<[number, string]> = [];
  if (e.refitIoU < 0.9) out.push([1 - e.refitIoU, `re-fit to its points overlaps ${Math.round(e.refitIoU * 100)} % of it`]);
  if (e.refitHeightIoU < 0.9) out.push([1 - e.refitHeightIoU, `re-fit height overlaps ${Math.round(e.refitHeightIoU * 100)} %`]);
  if (e.cut >= 0.05) out.push([e.cut * 3, `${Math.round(e.cut * 100)} % of the object's points lie just outside its faces`]);
  if (e.topGap < -0.1) out.push([-e.topGap, `points rise ${(-e.topGap).toFixed(1)} m above its top`]);
  if (Math.abs(e.groundGap) >= 0.2) out.push([Math.abs(e.groundGap), e.groundGap < 0 ? `${(-e.groundGap).toFixed(1)} m below the ground` : `${e.groundGap.toFixed(1)} m above the ground`]);
  if (e.seeThrough >= 0.3) out.push([e.seeThrough, `the sensor sees through ${Math.round(e.seeThrough * 100)} % of it`]);
  out.sort((a, b) => b[0] - a[0]);
  return [...out.map(([, s]) => s), `${e.points} point${e.points === 1 ? '' : 's'} inside at ${Math.round(e.range)} m`];
}

export function checkBoxFit(n: NormalizedItem, config: QaConfig['fit']): Finding[] {
  const provider = n.item.points;
  if (!config.enabled || !provider) return [];
  const out: Finding[] = [];
  for (const { frame, objects } of n.frames) {
    const boxes = objects.filter((o) => o.geometry.kind === 'cuboid3d' && (config.scope === 'all' || o.source?.kind === 'model'));
    if (!boxes.length) continue;
    const points = provider(frame);
    if (!points) continue;
    // One grid and ground map per frame, shared by every box's re-fit (frameIndexFor caches it).
    const index = frameIndexFor(points.positions, points.count);
    for (const o of boxes) {
      const box = points.offset ? cuboidInCloud(o.geometry as Cuboid3D, points.offset) : (o.geometry as Cuboid3D);
      if (Math.hypot(box.center[0], box.center[1]) > config.maxRange) continue;
      const e = boxFitEvidence(points.positions, points.count, box, sizePriorFor(o.cls), index);
      const p = boxFitSuspicion(e);
      if (p < config.minSuspicion) continue;
      out.push({
        check: 'box-fit',
        severity: 'warning',
        item: n.item.id,
        frame,
        object: o.id,
        message: `${o.prediction ? 'pre-label ' : ''}${o.label} box is likely wrong (${Math.round(p * 100)} %): ${reasons(e).join('; ')}`,
      });
    }
  }
  return out;
}
