/**
 * Test helper: a project over a copy of the KITTI tracking 0001 camera images (11 real PNGs, from
 * ../shared/data) with their real 2D boxes (label_2: cars and vans; DontCare and the rest left
 * out) as human objects. The frames are one drive; they are put in two folders (`drive-a/` frames
 * 0–21, `drive-b/` 24–30) so that the runner's split, which never puts one run of numbered frames
 * on both sides, has two groups to split. `snapshotFor` builds the runner's snapshot and table.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyDocument, type AnnotationObject } from '../../../../core/document/schema';
import type { SnapshotDescription, TrainingJobSpec } from '../../../../core/training/job';
import { PathGuard } from '../../pathGuard';
import { ProjectService } from '../../projectService';
import { TABLE_FILE } from '../localBackend';
import { buildSnapshot, type Detect2dTable } from '../snapshot';

export const KITTI_TRACKING = fileURLToPath(new URL('../../../../../shared/data/kitti-tracking-0001/training/', import.meta.url));
export const hasKittiTracking = existsSync(path.join(KITTI_TRACKING, 'image_2'));

export async function kittiImageProject(dir: string): Promise<ProjectService> {
  const frames = readdirSync(path.join(KITTI_TRACKING, 'image_2')).filter((f) => f.endsWith('.png')).sort();
  const folderOf = (f: string) => (Number(f.slice(0, 6)) <= 21 ? 'drive-a' : 'drive-b');
  for (const f of frames) {
    mkdirSync(path.join(dir, folderOf(f)), { recursive: true });
    cpSync(path.join(KITTI_TRACKING, 'image_2', f), path.join(dir, folderOf(f), f));
  }
  const projects = new ProjectService(new PathGuard());
  await projects.create(dir);
  await projects.updateOntology({
    labels: [
      { id: 'car', name: 'Car', color: '#ff0000', kinds: ['box2d'], attributes: [] },
      { id: 'van', name: 'Van', color: '#00ff00', kinds: ['box2d'], attributes: [] },
    ],
  });
  await projects.refreshIndex(() => {}, new AbortController().signal);
  for (const item of projects.listItems({ offset: 0, limit: 100 }).items) {
    const stem = path.basename(item.name, '.png');
    const objects: AnnotationObject[] = [];
    for (const line of readFileSync(path.join(KITTI_TRACKING, 'label_2', `${stem}.txt`), 'utf8').split('\n')) {
      const w = line.trim().split(/\s+/);
      const label = w[0] === 'Car' ? 'car' : w[0] === 'Van' ? 'van' : null;
      if (!label) continue;
      const [x1, y1, x2, y2] = w.slice(4, 8).map(Number);
      objects.push({ id: `${stem}-${objects.length}`, label, geometry: { kind: 'box2d', x1, y1, x2, y2 }, frame: 0, attributes: {}, source: { kind: 'human' }, zOrder: 0 });
    }
    await projects.saveAnnotations(item.id, { ...emptyDocument(item.id), objects });
  }
  return projects;
}

/** The runner's detect2d snapshot of the project, with its table written into `snapshotDir`. */
export async function snapshotFor(projects: ProjectService, spec: TrainingJobSpec, snapshotDir: string): Promise<{ snapshot: SnapshotDescription; table: Detect2dTable }> {
  const { description, table } = await buildSnapshot(projects, spec, { signal: new AbortController().signal, progress: () => {} });
  mkdirSync(snapshotDir, { recursive: true });
  writeFileSync(path.join(snapshotDir, TABLE_FILE), JSON.stringify(table));
  if (table.task !== 'detect2d') throw new Error('expected a detect2d table');
  return { snapshot: description, table: table.data };
}
