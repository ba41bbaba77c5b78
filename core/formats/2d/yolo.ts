/**
 * Ultralytics YOLO detection and segmentation labels: one `labels/<image stem>.txt` per image,
 * one object per line as `class cx cy w h` (box) or `class x1 y1 x2 y2 ...` (polygon), all
 * coordinates normalized to [0, 1] by the image size, plus `data.yaml` with the class names.
 * Label files carry no image size, so importing needs the images' sizes from the host.
 */
import yaml from 'js-yaml';
import type { AnnotationObject, Geometry, LabelSpec } from '../../document/schema';
import { rleBbox } from '../../geometry/rle';
import { pointsExtent, rotatedBoxCorners } from '../../geometry/shapes';
import {
  type Dataset2D,
  type Dataset2DItem,
  type ExportOptions,
  type FormatFiles,
  FormatError,
  LabelBook,
  baseName,
  filesWithExtension,
  labelIndex,
  newDocument,
  stripExtension,
  textOf,
  assignExternalIds,
} from './dataset';
import { IMAGE_EXTENSIONS, imageSize } from './imageSize';

export type ImageInfo = { name: string; width: number; height: number };

export type YoloImportOptions = {
  /**
   * The dataset's images (relative paths) and their pixel sizes, in item order. When omitted, the
   * PNG/JPEG files in the map are the images and their sizes are read from their headers.
   */
  images?: ImageInfo[];
};

const NAME_FILES = ['data.yaml', 'dataset.yaml', 'classes.txt', 'obj.names'];

export function importYolo(files: FormatFiles, opts: YoloImportOptions = {}): Dataset2D {
  const names = readClassNames(files);
  const images = opts.images ?? imagesFromFiles(files);
  const labels = new LabelBook();
  const labelIds = new Map<number, string>();
  for (const [index, name] of [...names.entries()].sort(([a], [b]) => a - b)) {
    labelIds.set(index, labels.ensure(name, { externalIds: { yolo: index } }));
  }
  const labelFiles = new Set([...files.keys()].filter((path) => path.endsWith('.txt') && !NAME_FILES.includes(baseName(path))));
  const items: Dataset2DItem[] = [];
  for (const image of images) {
    const document = newDocument(image.name);
    const labelPath = labelPathCandidates(image.name).find((path) => labelFiles.has(path));
    if (labelPath) {
      labelFiles.delete(labelPath);
      document.objects = parseLabelFile(labelPath, textOf(files.get(labelPath)!), image, labelIds);
    }
    items.push({ name: image.name, width: image.width, height: image.height, document });
  }
  // A label file nobody claimed means the image list and the labels disagree: say so.
  const orphan = [...labelFiles].find((path) => path.startsWith('labels/') || path.includes('/labels/'));
  if (orphan) throw new FormatError(orphan, 'no image in the dataset matches this label file');
  return { ontology: labels.ontology(), items };
}

function imagesFromFiles(files: FormatFiles): ImageInfo[] {
  return filesWithExtension(files, ...IMAGE_EXTENSIONS).map((name) => {
    const content = files.get(name)!;
    const size = typeof content === 'string' ? null : imageSize(content);
    if (!size) throw new FormatError(name, 'cannot read the image size (not a PNG/JPEG, or truncated)');
    return { name, ...size };
  });
}

/** data.yaml `names` as a list or an {index: name} map; or classes.txt / obj.names, one per line. */
function readClassNames(files: FormatFiles): Map<number, string> {
  const yamlPath = [...files.keys()].sort().find((path) => ['data.yaml', 'dataset.yaml'].includes(baseName(path)));
  if (yamlPath) {
    let data: unknown;
    try {
      data = yaml.load(textOf(files.get(yamlPath)!));
    } catch (error) {
      throw new FormatError(yamlPath, `invalid YAML (${(error as Error).message.split('\n')[0]})`);
    }
    const names = (data as { names?: unknown } | null)?.names;
    if (Array.isArray(names)) return new Map(names.map((name, index) => [index, String(name)]));
    if (names && typeof names === 'object') {
      const map = new Map<number, string>();
      for (const [key, name] of Object.entries(names)) {
        const index = Number(key);
        if (!Number.isInteger(index) || index < 0) throw new FormatError(yamlPath, `names key '${key}' is not a class index`);
        map.set(index, String(name));
      }
      return map;
    }
    throw new FormatError(yamlPath, "missing 'names' (a list or an index -> name map)");
  }
  const listPath = [...files.keys()].sort().find((path) => ['classes.txt', 'obj.names'].includes(baseName(path)));
  if (listPath) {
    const lines = textOf(files.get(listPath)!).split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    return new Map(lines.map((name, index) => [index, name]));
  }
  throw new FormatError('data.yaml', 'not found (nor classes.txt / obj.names): YOLO class names are unknown');
}

/** Where a label file for an image may live: the Ultralytics images/ -> labels/ swap, then beside it. */
function labelPathCandidates(imageName: string): string[] {
  const stem = stripExtension(imageName);
  const candidates: string[] = [];
  const swapped = stem.replace(/(^|\/)images\//, '$1labels/');
  if (swapped !== stem) candidates.push(`${swapped}.txt`);
  candidates.push(`labels/${stem}.txt`, `${stem}.txt`);
  return candidates;
}

function parseLabelFile(path: string, text: string, image: ImageInfo, labelIds: Map<number, string>): AnnotationObject[] {
  const objects: AnnotationObject[] = [];
  text.split(/\r?\n/).forEach((raw, lineIndex) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const where = `line ${lineIndex + 1}`;
    const tokens = line.split(/\s+/);
    const classIndex = Number(tokens[0]);
    const label = labelIds.get(classIndex);
    if (label === undefined) throw new FormatError(path, `${where}: class ${tokens[0]} is not in the class names`);
    const values = tokens.slice(1).map(Number);
    if (values.some((v) => !Number.isFinite(v))) throw new FormatError(path, `${where}: non-numeric coordinate`);
    const { width: w, height: h } = image;
    let geometry: Geometry;
    let score: number | undefined;
    if (values.length === 4 || values.length === 5) {
      // 5 values: a prediction file with a trailing confidence
      const [cx, cy, bw, bh] = values;
      geometry = { kind: 'box2d', x1: (cx - bw / 2) * w, y1: (cy - bh / 2) * h, x2: (cx + bw / 2) * w, y2: (cy + bh / 2) * h };
      if (values.length === 5) score = Math.max(0, Math.min(1, values[4]));
    } else if (values.length >= 6 && values.length % 2 === 0) {
      geometry = { kind: 'polygon', points: values.map((v, i) => v * (i % 2 === 0 ? w : h)) };
    } else {
      throw new FormatError(path, `${where}: expected 4 box values or an even count >= 6 of polygon values, got ${values.length}`);
    }
    objects.push({
      id: `${stripExtension(baseName(path))}-${lineIndex + 1}`,
      label,
      geometry,
      frame: 0,
      attributes: {},
      source: score === undefined ? { kind: 'human' } : { kind: 'model', model: 'yolo', score },
      zOrder: 0,
    });
  });
  return objects;
}

// ---------------------------------------------------------------- export

export type YoloExportOptions = ExportOptions & {
  /**
   * 'auto' (default): boxes as box lines, polygons and rotated boxes as polygon lines.
   * 'detect': everything with an extent (polygons, rotated boxes, masks) as its bounding box.
   * 'segment': boxes and rotated boxes as 4-corner polygons; masks are skipped (no tracing).
   */
  task?: 'auto' | 'detect' | 'segment';
};

export function exportYolo(ds: Dataset2D, opts: YoloExportOptions = {}): FormatFiles {
  const warn = opts.onWarning ?? (() => {});
  const task = opts.task ?? 'auto';
  const classIndex = assignExternalIds(ds.ontology.labels, 'yolo', 0);
  const labelOf = labelIndex(ds.ontology);
  const out: FormatFiles = new Map();
  out.set('data.yaml', dataYaml(ds.ontology.labels, classIndex));
  for (const item of ds.items) {
    if (item.document.tracks.length) warn(`${item.name}: ${item.document.tracks.length} tracks skipped (YOLO has no tracks)`);
    const lines: string[] = [];
    for (const object of item.document.objects) {
      const index = classIndex.get(labelOf(object.label, `${item.name} object ${object.id}`).id)!;
      const values = yoloValues(object.geometry, task, item);
      if (!values) {
        warn(`${item.name}: object ${object.id} (${object.geometry.kind}) skipped, YOLO ${task} cannot store it`);
        continue;
      }
      const fields = values.map((v) => v.toFixed(6));
      // A pending prediction (only exported on request) keeps its confidence as the 6th column of
      // a box line, the layout importYolo reads back as a model source. Reviewed objects are
      // ground truth and get no confidence; polygon lines have no place for one.
      if (object.source.kind === 'model' && !object.accepted && values.length === 4) fields.push(object.source.score.toFixed(6));
      lines.push([index, ...fields].join(' '));
    }
    out.set(labelPathFor(item.name), lines.map((l) => `${l}\n`).join(''));
  }
  return out;
}

function labelPathFor(imageName: string): string {
  return labelPathCandidates(imageName)[0];
}


/** The index -> name map form, which unlike a list survives gaps in the indices. */
function dataYaml(labels: readonly LabelSpec[], classIndex: Map<string, number>): string {
  const entries = labels.map((label) => [classIndex.get(label.id)!, label.name] as const).sort(([a], [b]) => a - b);
  const names = entries.map(([index, name]) => `  ${index}: ${yaml.dump(name, { lineWidth: -1 }).trim()}`);
  return ['# Exported by Datum', 'path: .', 'train: images', 'val: images', 'names:', ...names, ''].join('\n');
}

/** Normalized values of one line, or null when the geometry has no form in this task. */
function yoloValues(g: Geometry, task: NonNullable<YoloExportOptions['task']>, item: Dataset2DItem): number[] | null {
  const { width: w, height: h } = item;
  const box = (x1: number, y1: number, x2: number, y2: number) => [
    (x1 + x2) / 2 / w,
    (y1 + y2) / 2 / h,
    Math.abs(x2 - x1) / w,
    Math.abs(y2 - y1) / h,
  ];
  const polygon = (points: readonly number[]) => points.map((v, i) => v / (i % 2 === 0 ? w : h));
  const extent = (points: readonly number[]) => {
    const [x, y, bw, bh] = pointsExtent(points)!;
    return box(x, y, x + bw, y + bh);
  };
  switch (g.kind) {
    case 'box2d':
      return task === 'segment' ? polygon([g.x1, g.y1, g.x2, g.y1, g.x2, g.y2, g.x1, g.y2]) : box(g.x1, g.y1, g.x2, g.y2);
    case 'polygon':
      if (g.points.length < 6) return null;
      return task === 'detect' ? extent(g.points) : polygon(g.points);
    case 'rotatedBox':
      return task === 'detect' ? extent(rotatedBoxCorners(g)) : polygon(rotatedBoxCorners(g));
    case 'mask': {
      if (task !== 'detect') return null;
      const [x, y, bw, bh] = rleBbox(g.counts, g.size[1], g.size[0]);
      return bw > 0 ? box(x, y, x + bw, y + bh) : null;
    }
    default:
      return null;
  }
}
