/**
 * An export written inside the project folder is output, not dataset: a rescan must not make
 * items of it (issue #12). The export folder is recorded in .datum/exports.json by runExport and
 * the indexer skips it. Real COCO import/export on the real COCO 139 image.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectService } from '../projectService';
import { PathGuard } from '../pathGuard';
import { getFormat } from './index';
import { runExport, runImport } from './run';

const COCO139 = path.resolve(__dirname, '../../../../shared/data/images/coco139');
const have = existsSync(COCO139);
if (!have) console.warn(`export indexing test skipped: ${COCO139} is absent`);

async function projectOver(dir: string): Promise<ProjectService> {
  const projects = new ProjectService(new PathGuard());
  await projects.create(dir);
  await projects.refreshIndex(() => {}, new AbortController().signal);
  return projects;
}

describe.skipIf(!have)('exports inside the project', () => {
  it('are not indexed as dataset items on the next rescan, and are not read back by an import of the project folder', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'export-idx-')), 'coco139');
    cpSync(COCO139, dir, { recursive: true });
    const projects = await projectOver(dir);
    await runImport(getFormat('coco')!, path.join(dir, 'instances_val2017_image139.json'), { projects });
    expect(projects.current()!.itemCount).toBe(1);

    // A YOLO export inside the project; a training set gets its images/ beside labels/.
    const out = path.join(dir, 'exports', 'yolo');
    await runExport(getFormat('yolo')!, out, { projects, warn: () => {} });
    mkdirSync(path.join(out, 'images'));
    cpSync(path.join(COCO139, '000000000139.jpg'), path.join(out, 'images', '000000000139.jpg'));
    expect(JSON.parse(readFileSync(path.join(dir, '.datum', 'exports.json'), 'utf8')).folders).toEqual(['exports/yolo']);

    const again = await projectOver(dir); // a second CLI run / app start
    expect(again.listItems({ offset: 0, limit: 10 }).items.map((i) => i.name)).toEqual(['000000000139.jpg']);

    // A COCO export into the project, then an import of the whole project folder: the exported
    // instances_default.json is ours and must not come back as a second set of objects.
    const count = async () => (await again.loadAnnotations(again.listItems({ offset: 0, limit: 1 }).items[0].id)).objects.length;
    const before = await count();
    await runExport(getFormat('coco')!, path.join(dir, 'exports', 'coco'), { projects: again, warn: () => {} });
    await runImport(getFormat('coco')!, dir, { projects: again, warn: () => {} });
    expect(await count()).toBe(before);
  });

  it('an export into the dataset folder itself is not recorded (it would hide the dataset)', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'export-idx-root-')), 'coco139');
    cpSync(COCO139, dir, { recursive: true });
    const projects = await projectOver(dir);
    await runExport(getFormat('coco')!, dir, { projects, warn: () => {} });
    expect(existsSync(path.join(dir, '.datum', 'exports.json'))).toBe(false);
    const again = await projectOver(dir);
    expect(again.current()!.itemCount).toBe(1);
  });
});
