/**
 * Test helper: a project over a copy of the KITTI tracking 0001 camera images (11 real PNGs, from
 * ../shared/data) with their real 2D boxes (label_2: cars and vans; DontCare left out) as human
 * objects, and the snapshot description a runner would make of it (the last 3 frames validation).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyDocument, type AnnotationObject } from '../../../../core/document/schema';
import type { SnapshotDescription } from '../../../../core/training/job';
import { PathGuard } from '../../pathGuard';
import { ProjectService } from '../../projectService';

export const KITTI_TRACKING = fileURLToPath(new URL('../../../../../shared/data/kitti-tracking-0001/training/', import.meta.url));
export const hasKittiTracking = existsSync(path.join(KITTI_TRACKING, 'image_2'));

export async function kittiImageProject(dir: string): Promise<{ projects: ProjectService; snapshot: SnapshotDescription; boxes: Map<string, number[][]> }> {
  mkdirSync(path.join(dir, 'images'), { recursive: true });
  const frames = readdirSync(path.join(KITTI_TRACKING, 'image_2')).filter((f) => f.endsWith('.png')).sort();
  for (const f of frames) cpSync(path.join(KITTI_TRACKING, 'image_2', f), path.join(dir, 'images', f));
  const projects = new ProjectService(new PathGuard());
  await projects.create(dir);
  await projects.updateOntology({
    labels: [
      { id: 'car', name: 'Car', color: '#ff0000', kinds: ['box2d'], attributes: [] },
      { id: 'van', name: 'Van', color: '#00ff00', kinds: ['box2d'], attributes: [] },
      { id: 'person', name: 'Pedestrian', color: '#0000ff', kinds: ['box2d'], attributes: [] },
    ],
  });
  await projects.refreshIndex(() => {}, new AbortController().signal);
  const items = projects.listItems({ offset: 0, limit: 100 }).items.sort((a, b) => a.name.localeCompare(b.name));
  const boxes = new Map<string, number[][]>();
  const snapItems: SnapshotDescription['items'] = [];
  const counts: SnapshotDescription['counts'] = { train: {}, val: {} };
  for (const [i, item] of items.entries()) {
    const split = i >= items.length - 3 ? 'val' : 'train';
    const stem = path.basename(item.name, '.png');
    const objects: AnnotationObject[] = [];
    for (const line of readFileSync(path.join(KITTI_TRACKING, 'label_2', `${stem}.txt`), 'utf8').split('\n')) {
      const w = line.trim().split(/\s+/);
      const label = w[0] === 'Car' ? 'car' : w[0] === 'Van' ? 'van' : null;
      if (!label) continue;
      const [x1, y1, x2, y2] = w.slice(4, 8).map(Number);
      objects.push({ id: `${stem}-${objects.length}`, label, geometry: { kind: 'box2d', x1, y1, x2, y2 }, frame: 0, attributes: {}, source: { kind: 'human' }, zOrder: 0 });
      counts[split][label] = (counts[split][label] ?? 0) + 1;
    }
    boxes.set(item.id, objects.map((o) => (o.geometry.kind === 'box2d' ? [o.geometry.x1, o.geometry.y1, o.geometry.x2, o.geometry.y2] : [])));
    snapItems.push({ itemId: item.id, path: item.name, group: stem, split, objectCount: objects.length });
    await projects.saveAnnotations(item.id, { ...emptyDocument(item.id), objects });
  }
  return {
    projects,
    boxes,
    snapshot: { id: 'test-snapshot', createdAt: new Date(0).toISOString(), task: 'detect2d', items: snapItems, counts, splitRule: 'last 3 frames validation (test)' },
  };
}
