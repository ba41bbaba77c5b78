/**
 * A `detect2d` snapshot in the layout Ultralytics trains from:
 *
 *   <out>/images/{train,val}/<item id>.<ext>   the project's images (hard links, copies across file systems)
 *   <out>/labels/{train,val}/<item id>.txt     one `class cx cy w h` line per object (core/formats/2d/yolo.ts)
 *   <out>/data.yaml                            train / val folders and the class names
 *
 * Objects are ground truth only (human, accepted and human-edited predictions; `exportableDocument`),
 * as in every export. Files are named by item id, so two images called `0001.png` in different
 * folders cannot collide. Class indices are 0..k-1 over the labels the snapshot uses, in ontology
 * order, because a trainer sizes its head from `len(names)`; the manifest's `classes` is that list.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { exportYolo } from '../../../core/formats/2d';
import type { Dataset2DItem } from '../../../core/formats/2d/dataset';
import type { SnapshotDescription } from '../../../core/training/job';
import type { ProjectService } from '../projectService';
import { DatumError } from '../../rpc/errors';
import { imageSizeOf } from '../exchange/formats2d';
import { exportableDocument } from '../exchange/predictions';

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

export async function writeYoloSnapshot(projects: ProjectService, snapshot: SnapshotDescription, outDir: string): Promise<YoloSnapshot> {
  const info = projects.current();
  if (!info) throw new DatumError('NO_PROJECT', 'no project is open');
  const warnings: string[] = [];
  const items: Array<Dataset2DItem & { split: 'train' | 'val'; file: string }> = [];
  for (const s of snapshot.items) {
    const file = projects.itemPath(s.itemId);
    const size = await imageSizeOf(file);
    if (!size) {
      warnings.push(`${s.path}: cannot read the image size; left out`);
      continue;
    }
    const { doc } = exportableDocument(await projects.loadAnnotations(s.itemId));
    const ext = path.extname(file).toLowerCase() || '.jpg';
    items.push({ name: `images/${s.split}/${s.itemId}${ext}`, ...size, document: { ...doc, tracks: [] }, split: s.split, file });
  }
  if (!items.some((i) => i.split === 'val')) throw new DatumError('BAD_REQUEST', 'the snapshot has no validation images: a trainer needs some to measure the model');
  // Labels the snapshot uses, in ontology order, numbered from 0 (no externalIds: they may have gaps).
  const used = new Set(items.flatMap((i) => i.document.objects.map((o) => o.label)));
  const labels = info.ontology.labels.filter((l) => used.has(l.id)).map(({ externalIds: _ignored, ...l }) => l);
  if (!labels.length) throw new DatumError('BAD_REQUEST', 'the snapshot has no labelled objects to train on');
  const files = exportYolo({ ontology: { ...info.ontology, labels }, items }, { task: 'detect', onWarning: (m) => warnings.push(m) });
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
  const classes = labels.map((l) => l.name);
  // No `path:` key: Ultralytics then resolves train / val against this file's folder, so the
  // snapshot works wherever it is copied (a relative `path` would be taken from its datasets_dir).
  const dataYaml = path.join(outDir, 'data.yaml');
  await fs.writeFile(dataYaml, `# Written by Datum for snapshot ${snapshot.id}\n${yaml.dump({ train: 'images/train', val: 'images/val', nc: classes.length, names: classes })}`);
  const count = (split: 'train' | 'val') => items.filter((i) => i.split === split);
  const objects = (split: 'train' | 'val') => count(split).reduce((n, i) => n + i.document.objects.length, 0);
  return {
    dataYaml,
    classes,
    images: { train: count('train').length, val: count('val').length },
    objects: { train: objects('train'), val: objects('val') },
    warnings,
  };
}
