/**
 * The end quality of an arm, read from the documents on disk (what an export would see): every
 * target covered one-to-one by a label (human, edited or accepted prediction) of quality >=
 * MATCH_IOU, no other label left, no prediction left pending. Boxes (labels or pending
 * predictions) left on labelled objects outside the target set are not counted as false or
 * pending (policy.ts IGNORE_IOU) but as `ignoredLeft`. The arms must all pass this for
 * their costs to be comparable; the report prints it beside them.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { AnnotationObject, Cuboid3D } from '../../../core/document/schema';
import { itemId } from '../../../main/services/indexer';
import { MATCH_IOU, onIgnored, quality3d } from './policy';
import type { LidarItem } from './lidarArm';

export interface EndQuality {
  targets: number;
  covered: number;
  falseLeft: number;
  pendingLeft: number;
  /** Labels or pending predictions left alone on labelled non-target objects (not false, not pending). */
  ignoredLeft?: number;
}

export function verifyLidarProject(dir: string, items: readonly LidarItem[]): EndQuality {
  const docs = new Map<string, AnnotationObject[]>();
  const ann = path.join(dir, 'annotations');
  if (existsSync(ann)) {
    for (const f of readdirSync(ann).filter((n) => n.endsWith('.json'))) {
      const d = JSON.parse(readFileSync(path.join(ann, f), 'utf8')) as { objects: AnnotationObject[]; itemId: string };
      docs.set(d.itemId, d.objects);
    }
  }
  const source = (JSON.parse(readFileSync(path.join(dir, 'datum.json'), 'utf8')) as { sources: { id: string }[] }).sources[0].id;
  const r: EndQuality = { targets: 0, covered: 0, falseLeft: 0, pendingLeft: 0, ignoredLeft: 0 };
  for (const item of items) {
    r.targets += item.targets.length;
    const objs = docs.get(itemId(source, `velodyne/${item.stem}.bin`)) ?? [];
    const ignored = (o: AnnotationObject) => o.geometry.kind === 'cuboid3d' && onIgnored(o.geometry, item.ignore ?? []);
    const labels = objs.filter((o) => o.geometry.kind === 'cuboid3d' && (o.source.kind !== 'model' || o.accepted));
    const pending = objs.filter((o) => o.source.kind === 'model' && !o.accepted);
    const used = new Set<string>();
    for (const t of item.targets) {
      const hit = labels.find((o) => !used.has(o.id) && quality3d(o.geometry as Cuboid3D, t) >= MATCH_IOU);
      if (hit) (used.add(hit.id), r.covered++);
    }
    const rest = [...labels.filter((o) => !used.has(o.id)), ...pending];
    r.ignoredLeft! += rest.filter(ignored).length;
    r.pendingLeft += pending.filter((o) => !ignored(o)).length;
    r.falseLeft += labels.filter((o) => !used.has(o.id) && !ignored(o)).length;
  }
  return r;
}
