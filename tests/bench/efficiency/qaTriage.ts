/**
 * Would an "AI + QA" arm work (issue #16)? Its idea: accept the pre-labels without looking at each
 * one and let the automatic checks (core/qa, docs/review-qa.md) point at the likely mistakes, then
 * fix only those. It ends at the quality bar only if the checks flag every pre-label that is
 * wrong (false, or off by more than the bar). This measures exactly that on the pre-labelled
 * project, before any review: every pre-label taken as an accepted label, all checks run (points
 * included, on the same cropped clouds), each pre-label sorted by the policy (policy.ts `assign`)
 * into right (a match), wrong (close or false) and ignored, and counted as flagged when a warning
 * or error names it. Pure reading of files; no input, so no cost.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { AnnotationObject, Cuboid3D, ItemDocument, Ontology } from '../../../core/document/schema';
import { boxFitEvidence, boxFitSuspicion, documentToQaItem, runQa } from '../../../core/qa';
import { frameIndexFor } from '../../../core/lidar/frameIndex';
import { sizePriorFor } from '../../../core/lidar/sizePrior';
import { itemId } from '../../../main/services/indexer';
import { assign, good3d } from './policy';
import type { LidarItem } from './lidarArm';

export interface QaTriage {
  right: number;
  rightFlagged: number;
  wrong: number;
  wrongFlagged: number;
  ignored: number;
  /** Findings on pre-labels by check (warnings and errors). */
  byCheck: Record<string, number>;
  /** The box-fit check alone at other bars (QaConfig fit.minSuspicion): wrong and right pre-labels it flags. */
  fitSweep: { bar: number; wrongFlagged: number; rightFlagged: number }[];
}

const SWEEP_BARS = [0.3, 0.4, 0.5, 0.6, 0.7];

export function qaTriage(dir: string, items: readonly LidarItem[]): QaTriage {
  const project = JSON.parse(readFileSync(path.join(dir, 'datum.json'), 'utf8')) as { ontology: Ontology; sources: { id: string }[] };
  const source = project.sources[0].id;
  const docs = new Map<string, ItemDocument>();
  for (const f of readdirSync(path.join(dir, 'annotations')).filter((n) => n.endsWith('.json'))) {
    const d = JSON.parse(readFileSync(path.join(dir, 'annotations', f), 'utf8')) as ItemDocument;
    docs.set(d.itemId, d);
  }
  const r: QaTriage = { right: 0, rightFlagged: 0, wrong: 0, wrongFlagged: 0, ignored: 0, byCheck: {}, fitSweep: SWEEP_BARS.map((bar) => ({ bar, wrongFlagged: 0, rightFlagged: 0 })) };
  for (const item of items) {
    const id = itemId(source, `velodyne/${item.stem}.bin`);
    const doc = docs.get(id);
    const preds = (doc?.objects ?? []).filter((o) => o.source.kind === 'model' && o.geometry.kind === 'cuboid3d');
    if (!preds.length) continue;
    // Accepted without a look: labels now, so every check sees them.
    const accepted: AnnotationObject[] = preds.map((o) => ({ ...o, source: { kind: 'human' } }));
    const buf = readFileSync(path.join(dir, 'velodyne', `${item.stem}.bin`));
    const rec = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    const n = rec.length / 4;
    const positions = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) positions[i * 3 + k] = rec[i * 4 + k];
    const qa = documentToQaItem({ objects: accepted, tracks: [] }, { id, name: item.stem, points: () => ({ positions, count: n }) });
    // Taken as labels, so box-fit (which by default judges only boxes a model made) is asked to judge every box.
    const findings = runQa([qa], project.ontology, { fit: { scope: 'all' } }).filter((f) => f.severity !== 'info' && f.object);
    const index = frameIndexFor(positions, n);
    const suspicion = new Map(preds.map((o) => [o.id, boxFitSuspicion(boxFitEvidence(positions, n, o.geometry as Cuboid3D, sizePriorFor(o.label), index))]));
    const flagged = new Set(findings.map((f) => f.object!));
    for (const f of findings) r.byCheck[f.check] = (r.byCheck[f.check] ?? 0) + 1;
    const plan = assign(preds.map((o) => ({ id: o.id, label: o.label, box: o.geometry as Cuboid3D })), item.targets, item.ignore ?? []);
    const right = new Set([...plan.byGt].filter(([g, pid]) => {
      const o = preds.find((x) => x.id === pid)!;
      return good3d(o.geometry as Cuboid3D, item.targets[g]) && o.label === 'car';
    }).map(([, pid]) => pid));
    const ignored = new Set(plan.ignored);
    for (const o of preds) {
      if (ignored.has(o.id)) r.ignored++;
      else if (right.has(o.id)) (r.right++, flagged.has(o.id) && r.rightFlagged++);
      else (r.wrong++, flagged.has(o.id) && r.wrongFlagged++);
      if (ignored.has(o.id)) continue;
      for (const row of r.fitSweep) if (suspicion.get(o.id)! >= row.bar) right.has(o.id) ? row.rightFlagged++ : row.wrongFlagged++;
    }
  }
  return r;
}
