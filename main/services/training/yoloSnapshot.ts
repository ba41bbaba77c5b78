/**
 * A `detect2d` snapshot in the layout Ultralytics trains from, written by the external back ends
 * from the runner's snapshot table (snapshot.ts: images with their ground-truth boxes and split):
 *
 *   <out>/images/{train,val}/<item id>.<ext>   the project's images (hard links, copies across file systems)
 *   <out>/labels/{train,val}/<item id>.txt     one `class cx cy w h` line per box (core/formats/2d/yolo.ts)
 *   <out>/data.yaml                            train / val folders and the class names
 *
 * Files are named by item id, so two images called `0001.png` in different folders cannot collide.
 * Class indices are 0..k-1 in the table's class order, because a trainer sizes its head from
 * `len(names)`; the manifest's `classes` is that list.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { exportYolo } from '../../../core/formats/2d';
import type { Dataset2DItem } from '../../../core/formats/2d/dataset';
import { emptyDocument, type AnnotationObject } from '../../../core/document/schema';
import { DatumError } from '../../rpc/errors';
import type { Detect2dTable } from './snapshot';
import { TABLE_FILE } from './localBackend';

export interface YoloSnapshot {
  dataYaml: string;
  classes: string[];
  images: { train: number; val: number };
  objects: { train: number; val: number };
  warnings: string[];
}

/** Link a file, or copy it when a link is not possible (another file system, no permission). */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await fs.link(from, to);
  } catch {
    await fs.copyFile(from, to);
  }
}

export async function writeYoloSnapshot(table: Detect2dTable, outDir: string): Promise<YoloSnapshot> {
  if (!table.items.some((i) => i.split === 'val')) throw new DatumError('BAD_REQUEST', 'the snapshot has no validation images: a trainer needs some to measure the model');
  if (!table.classes.length) throw new DatumError('BAD_REQUEST', 'the snapshot has no labelled boxes to train on');
  const warnings: string[] = [];
  const labels = table.classes.map((name) => ({ id: name, name, color: '#888888', kinds: ['box2d' as const], attributes: [] }));
  const items: Array<Dataset2DItem & { split: 'train' | 'val'; file: string }> = table.items.map((i) => {
    const ext = path.extname(i.file).toLowerCase() || '.jpg';
    const objects: AnnotationObject[] = i.boxes.map((b, k) => ({
      id: `${i.itemId}-${k}`,
      label: b.label,
      geometry: { kind: 'box2d', x1: b.box[0], y1: b.box[1], x2: b.box[2], y2: b.box[3] },
      frame: 0,
      attributes: {},
      source: { kind: 'human' },
      zOrder: 0,
    }));
    return {
      name: `images/${i.split}/${i.itemId}${ext}`,
      width: i.width,
      height: i.height,
      document: { ...emptyDocument(i.itemId), objects },
      split: i.split,
      file: i.file,
    };
  });
  const files = exportYolo({ ontology: { labels }, items }, { task: 'detect', onWarning: (m) => warnings.push(m) });
  files.delete('data.yaml');
  for (const [rel, content] of files) {
    const target = path.join(outDir, rel);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, content);
  }
  for (const item of items) {
    const target = path.join(outDir, item.name);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await linkOrCopy(item.file, target);
  }
  // No `path:` key: Ultralytics then resolves train / val against this file's folder, so the
  // snapshot works wherever it is copied (a relative `path` would be taken from its datasets_dir).
  const dataYaml = path.join(outDir, 'data.yaml');
  await fs.writeFile(dataYaml, `# Written by Datum\n${yaml.dump({ train: 'images/train', val: 'images/val', nc: table.classes.length, names: table.classes })}`);
  const of = (split: 'train' | 'val') => items.filter((i) => i.split === split);
  const objects = (split: 'train' | 'val') => of(split).reduce((n, i) => n + i.document.objects.length, 0);
  return { dataYaml, classes: table.classes, images: { train: of('train').length, val: of('val').length }, objects: { train: objects('train'), val: objects('val') }, warnings };
}

/** The back ends' exporter: the runner's table.json in the snapshot folder, written as YOLO beside it. */
export async function yoloFromSnapshotDir(snapshotDir: string): Promise<YoloSnapshot> {
  const table = JSON.parse(await fs.readFile(path.join(snapshotDir, TABLE_FILE), 'utf8')) as { task: string; data?: Detect2dTable };
  if (table.task !== 'detect2d' || !table.data) throw new DatumError('BAD_REQUEST', `the external trainers train detect2d; this snapshot is ${table.task}`);
  return writeYoloSnapshot(table.data, snapshotDir);
}
