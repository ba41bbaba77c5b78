/**
 * Test helper: a home project over real sample data from ../shared/data (KITTI tracking 0001): 3
 * frames as point clouds (camera image, calibration and label file as companions, the real label_2
 * boxes imported as cuboids) and the next 3 frames' camera images alone, with their real 2D boxes.
 */
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyDocument, type AnnotationObject } from '../../../../core/document/schema';
import { getFormat } from '../../exchange';
import { PathGuard } from '../../pathGuard';
import { ProjectService } from '../../projectService';

export const SHARED = fileURLToPath(new URL('../../../../../shared/data/', import.meta.url));
export const hasSampleData = existsSync(path.join(SHARED, 'kitti-tracking-0001/training/velodyne'));
export const CLOUD_FRAMES = ['000000', '000003', '000006'];
export const IMAGE_FRAMES = ['000009', '000012', '000015'];

export async function homeProject(dir: string): Promise<ProjectService> {
  mkdirSync(dir, { recursive: true });
  const tracking = path.join(SHARED, 'kitti-tracking-0001/training');
  const layout: Array<[string, string]> = [['velodyne', '.bin'], ['image_2', '.png'], ['calib', '.txt'], ['label_2', '.txt']];
  for (const [sub, ext] of layout) {
    mkdirSync(path.join(dir, 'kitti', sub), { recursive: true });
    for (const f of CLOUD_FRAMES) cpSync(path.join(tracking, sub, f + ext), path.join(dir, 'kitti', sub, f + ext));
  }
  mkdirSync(path.join(dir, 'drive'), { recursive: true });
  for (const f of IMAGE_FRAMES) cpSync(path.join(tracking, 'image_2', `${f}.png`), path.join(dir, 'drive', `${f}.png`));
  const projects = new ProjectService(new PathGuard());
  await projects.create(dir, 'home');
  await projects.updateOntology({
    labels: ['Car', 'Van', 'Pedestrian', 'Cyclist', 'Truck', 'Misc', 'Tram', 'Person_sitting'].map((name, i) => ({
      id: name.toLowerCase(),
      name,
      color: `#${(0x203040 + i * 0x151515).toString(16).padStart(6, '0')}`,
      kinds: [],
      attributes: [],
    })),
  });
  await projects.refreshIndex(() => {}, new AbortController().signal);
  await getFormat('kitti')!.import!(path.join(dir, 'kitti'), { projects, warn: () => {} });
  for (const item of projects.listItems({ offset: 0, limit: 100 }).items.filter((i) => i.name.startsWith('drive/'))) {
    const stem = path.basename(item.name, '.png');
    const objects: AnnotationObject[] = [];
    for (const line of readFileSync(path.join(tracking, 'label_2', `${stem}.txt`), 'utf8').split('\n')) {
      const w = line.trim().split(/\s+/);
      if (w[0] !== 'Car' && w[0] !== 'Van') continue;
      const [x1, y1, x2, y2] = w.slice(4, 8).map(Number);
      objects.push({ id: `${stem}-${objects.length}`, label: w[0].toLowerCase(), geometry: { kind: 'box2d', x1, y1, x2, y2 }, frame: 0, attributes: {}, source: { kind: 'human' }, zOrder: 0 });
    }
    await projects.saveAnnotations(item.id, { ...emptyDocument(item.id), objects });
  }
  return projects;
}

/** Offsets of each zip entry's data (local headers walked from the start). */
export function zipEntries(buf: Uint8Array): Array<{ name: string; header: number; data: number; size: number }> {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: Array<{ name: string; header: number; data: number; size: number }> = [];
  let at = 0;
  while (at + 30 <= buf.length && v.getUint32(at, true) === 0x04034b50) {
    const csize = v.getUint32(at + 18, true);
    const nlen = v.getUint16(at + 26, true);
    const xlen = v.getUint16(at + 28, true);
    const name = new TextDecoder().decode(buf.subarray(at + 30, at + 30 + nlen));
    out.push({ name, header: at, data: at + 30 + nlen + xlen, size: csize });
    at += 30 + nlen + xlen + csize;
  }
  return out;
}
