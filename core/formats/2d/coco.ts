/**
 * COCO object detection / instance segmentation / keypoints JSON.
 *
 * One COCO annotation can carry several polygons, or a mask, plus keypoints; in the document that
 * becomes several objects sharing `group` (one per polygon, one mask, one skeleton). A bbox is
 * only kept as its own box2d object when the annotation has no segmentation, since otherwise it is
 * derived from the segmentation on export.
 */
import { z } from 'zod';
import type { AnnotationObject, AttributeValue, Geometry, LabelSpec } from '../../document/schema';
import {
  encodeRle,
  decodeRle,
  polygonArea,
  polygonsToMask,
  rleArea,
  rleBbox,
  rleFromString,
  rleToString,
} from '../../geometry/rle';
import { pointsExtent, rotatedBoxCorners } from '../../geometry/shapes';
import {
  type Dataset2D,
  type Dataset2DItem,
  type ExportOptions,
  type FormatFiles,
  FormatError,
  LabelBook,
  filesWithExtension,
  labelIndex,
  newDocument,
  parseJson,
  round,
  assignExternalIds,
} from './dataset';

const num = z.number().finite();

const CocoRle = z.object({
  size: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
  counts: z.union([z.string(), z.array(z.number().int().nonnegative())]),
});

const CocoFile = z.object({
  images: z.array(
    z.object({ id: z.number().int(), file_name: z.string().min(1), width: z.number().int().positive(), height: z.number().int().positive() }),
  ),
  annotations: z
    .array(
      z.object({
        id: z.number().int(),
        image_id: z.number().int(),
        category_id: z.number().int(),
        segmentation: z.union([z.array(z.array(num)), CocoRle]).optional(),
        bbox: z.array(num).length(4).optional(),
        area: num.optional(),
        iscrowd: z.union([z.literal(0), z.literal(1), z.boolean()]).optional(),
        keypoints: z.array(num).optional(),
        num_keypoints: z.number().int().optional(),
        score: z.number().min(0).max(1).optional(),
        attributes: z.record(z.string(), z.union([z.boolean(), z.number(), z.string()])).optional(),
      }),
    )
    .default([]),
  categories: z.array(
    z.object({
      id: z.number().int().nonnegative(),
      name: z.string().min(1),
      supercategory: z.string().optional(),
      keypoints: z.array(z.string()).optional(),
      skeleton: z.array(z.tuple([z.number().int(), z.number().int()])).optional(),
    }),
  ),
});
type CocoFile = z.infer<typeof CocoFile>;
type CocoAnnotation = CocoFile['annotations'][number];
type CocoCategory = CocoFile['categories'][number];

export type CocoImportOptions = {
  /** Only read these JSON files (default: every .json in the map). */
  annotationFiles?: string[];
};

export function importCoco(files: FormatFiles, opts: CocoImportOptions = {}): Dataset2D {
  const paths = opts.annotationFiles ?? filesWithExtension(files, '.json');
  if (paths.length === 0) throw new FormatError('(dataset)', 'no COCO .json annotation file found');
  const labels = new LabelBook();
  const items: Dataset2DItem[] = [];
  const seenImages = new Map<string, string>();
  for (const path of paths) {
    const content = files.get(path);
    if (content === undefined) throw new FormatError(path, 'file not found');
    const coco = parseCocoFile(path, content);
    for (const item of importCocoFile(path, coco, labels)) {
      const earlier = seenImages.get(item.name);
      if (earlier) throw new FormatError(path, `image '${item.name}' is also listed in ${earlier}`);
      seenImages.set(item.name, path);
      items.push(item);
    }
  }
  return { ontology: labels.ontology(), items };
}

function parseCocoFile(path: string, content: string | Uint8Array): CocoFile {
  const parsed = CocoFile.safeParse(parseJson(path, content));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FormatError(path, `${issue.path.join('.') || 'root'}: ${issue.message}`);
  }
  return parsed.data;
}

function importCocoFile(path: string, coco: CocoFile, labels: LabelBook): Dataset2DItem[] {
  const categories = new Map<number, { labelId: string; category: CocoCategory }>();
  for (const category of coco.categories) {
    if (categories.has(category.id)) throw new FormatError(path, `category id ${category.id} is listed twice`);
    const labelId = labels.ensure(category.name, categoryLabelFields(category));
    categories.set(category.id, { labelId, category });
  }
  const items = new Map<number, Dataset2DItem>();
  for (const image of coco.images) {
    if (items.has(image.id)) throw new FormatError(path, `image id ${image.id} is listed twice`);
    items.set(image.id, { name: image.file_name, width: image.width, height: image.height, document: newDocument(image.file_name) });
  }
  for (const annotation of coco.annotations) {
    const where = `annotation ${annotation.id}`;
    const item = items.get(annotation.image_id);
    if (!item) throw new FormatError(path, `${where} references unknown image_id ${annotation.image_id}`);
    const category = categories.get(annotation.category_id);
    if (!category) throw new FormatError(path, `${where} references unknown category_id ${annotation.category_id}`);
    const geometries = annotationGeometries(path, where, annotation, item, category.category);
    const common = annotationCommonFields(annotation);
    geometries.forEach((geometry, index) => {
      item.document.objects.push({
        id: geometries.length > 1 ? `ann-${annotation.id}-${index}` : `ann-${annotation.id}`,
        label: category.labelId,
        geometry,
        ...common,
        ...(geometries.length > 1 ? { group: `ann-${annotation.id}` } : {}),
      });
    });
  }
  return [...items.values()];
}

function categoryLabelFields(category: CocoCategory): Partial<LabelSpec> {
  const fields: Partial<LabelSpec> = { externalIds: { coco: category.id } };
  if (category.supercategory !== undefined) fields.supercategory = category.supercategory;
  if (category.keypoints?.length) {
    // COCO skeleton edges are 1-based keypoint indices
    fields.skeleton = { points: category.keypoints, edges: (category.skeleton ?? []).map(([a, b]) => [a - 1, b - 1]) };
    fields.kinds = ['skeleton'];
  }
  return fields;
}

type ObjectCommon = Pick<AnnotationObject, 'frame' | 'attributes' | 'source' | 'zOrder'> &
  Partial<Pick<AnnotationObject, 'occluded' | 'crowd'>>;

function annotationCommonFields(annotation: CocoAnnotation): ObjectCommon {
  const attributes: Record<string, AttributeValue> = { ...(annotation.attributes ?? {}) };
  // CVAT's COCO export stores occlusion as an attribute; it is a first-class field here
  const occluded = attributes.occluded;
  delete attributes.occluded;
  return {
    frame: 0,
    attributes,
    source: annotation.score !== undefined ? { kind: 'model', model: 'coco', score: annotation.score } : { kind: 'human' },
    zOrder: 0,
    ...(occluded === true ? { occluded: true } : {}),
    ...(annotation.iscrowd === 1 || annotation.iscrowd === true ? { crowd: true } : {}),
  };
}

function annotationGeometries(
  path: string,
  where: string,
  annotation: CocoAnnotation,
  item: Dataset2DItem,
  category: CocoCategory,
): Geometry[] {
  const geometries: Geometry[] = [];
  const segmentation = annotation.segmentation;
  const hasSegmentation = Array.isArray(segmentation) ? segmentation.length > 0 : segmentation !== undefined;
  if (Array.isArray(segmentation)) {
    for (const points of segmentation) {
      // Degenerate polygons (< 3 points) do occur in the official COCO files; keep them as is.
      if (points.length % 2) throw new FormatError(path, `${where} has a polygon with an odd number (${points.length}) of coordinates`);
      geometries.push({ kind: 'polygon', points });
    }
  } else if (segmentation) {
    const [h, w] = segmentation.size;
    if (h !== item.height || w !== item.width) {
      throw new FormatError(path, `${where} mask size ${h}x${w} differs from image ${item.height}x${item.width}`);
    }
    let counts: number[];
    try {
      counts = typeof segmentation.counts === 'string' ? rleFromString(segmentation.counts) : segmentation.counts;
    } catch (error) {
      throw new FormatError(path, `${where}: ${(error as Error).message}`);
    }
    const covered = counts.reduce((a, b) => a + b, 0);
    if (covered !== h * w) throw new FormatError(path, `${where} RLE covers ${covered} pixels, image has ${h * w}`);
    geometries.push({ kind: 'mask', size: [h, w], counts });
  }
  let skeleton: Geometry | undefined;
  if (annotation.keypoints && annotation.keypoints.length > 0) {
    const expected = (category.keypoints?.length ?? 0) * 3;
    if (annotation.keypoints.length !== expected) {
      throw new FormatError(path, `${where} has ${annotation.keypoints.length / 3} keypoints, category '${category.name}' declares ${expected / 3}`);
    }
    const points: number[] = [];
    const visibility: number[] = [];
    for (let i = 0; i < annotation.keypoints.length; i += 3) {
      points.push(annotation.keypoints[i], annotation.keypoints[i + 1]);
      visibility.push(Math.max(0, Math.min(2, Math.round(annotation.keypoints[i + 2]))));
    }
    skeleton = { kind: 'skeleton', points, visibility };
  }
  // The bbox is only worth an object of its own when nothing else implies it: not with a
  // segmentation, and not when it is just the extent of the labelled keypoints (our own export).
  if (!hasSegmentation && annotation.bbox && !(skeleton && isKeypointExtent(annotation.bbox, skeleton))) {
    const [x, y, bw, bh] = annotation.bbox;
    geometries.push({ kind: 'box2d', x1: x, y1: y, x2: x + bw, y2: y + bh });
  }
  if (skeleton) geometries.push(skeleton);
  return geometries;
}

// ---------------------------------------------------------------- export

export type CocoExportOptions = ExportOptions & {
  /** Output path (default `annotations/instances_default.json`, as CVAT and Datumaro write). */
  file?: string;
  /**
   * Mask encoding: 'auto' (default) writes crowd masks as uncompressed counts, as the official
   * COCO files do, and other masks as compressed strings, as pycocotools results do.
   */
  maskEncoding?: 'auto' | 'compressed' | 'uncompressed';
};

type CocoAnnotationOut = Record<string, unknown>;

export function exportCoco(ds: Dataset2D, opts: CocoExportOptions = {}): FormatFiles {
  const warn = opts.onWarning ?? (() => {});
  const categoryIds = assignExternalIds(ds.ontology.labels, 'coco', 1);
  const labelOf = labelIndex(ds.ontology);
  const images: Array<Record<string, unknown>> = [];
  const annotations: CocoAnnotationOut[] = [];
  ds.items.forEach((item, itemIndex) => {
    const imageId = itemIndex + 1;
    images.push({ id: imageId, file_name: item.name, width: item.width, height: item.height });
    if (item.document.tracks.length) warn(`${item.name}: ${item.document.tracks.length} tracks skipped (COCO has no tracks)`);
    for (const group of groupObjects(item.document.objects)) {
      const label = labelOf(group[0].label, `${item.name} object ${group[0].id}`);
      const annotation = buildAnnotation(item, group, opts.maskEncoding ?? 'auto', warn);
      if (!annotation) continue;
      annotations.push({ id: annotations.length + 1, image_id: imageId, category_id: categoryIds.get(label.id), ...annotation });
    }
  });
  const categories = ds.ontology.labels.map((label) => ({
    id: categoryIds.get(label.id),
    name: label.name,
    supercategory: label.supercategory ?? '',
    ...(label.skeleton
      ? { keypoints: label.skeleton.points, skeleton: label.skeleton.edges.map(([a, b]) => [a + 1, b + 1]) }
      : {}),
  }));
  const coco = { info: { description: 'Exported by Datum', version: '1.0' }, licenses: [], images, annotations, categories };
  return new Map([[opts.file ?? 'annotations/instances_default.json', JSON.stringify(coco)]]);
}


/** Objects of one COCO annotation: same group and label; ungrouped objects stand alone. */
function groupObjects(objects: readonly AnnotationObject[]): AnnotationObject[][] {
  const groups = new Map<string, AnnotationObject[]>();
  for (const object of objects) {
    const key = object.group !== undefined ? `group\u0000${object.group}\u0000${object.label}` : `object\u0000${object.id}`;
    const list = groups.get(key);
    if (list) list.push(object);
    else groups.set(key, [object]);
  }
  return [...groups.values()];
}

function buildAnnotation(
  item: Dataset2DItem,
  group: AnnotationObject[],
  maskEncoding: NonNullable<CocoExportOptions['maskEncoding']>,
  warn: (message: string) => void,
): CocoAnnotationOut | null {
  const polygons: number[][] = [];
  const masks: Uint8Array[] = [];
  let box: [number, number, number, number] | undefined;
  let skeleton: Extract<Geometry, { kind: 'skeleton' }> | undefined;
  for (const object of group) {
    const g = object.geometry;
    if (g.kind === 'polygon') polygons.push(g.points);
    else if (g.kind === 'rotatedBox') polygons.push(rotatedBoxCorners(g));
    else if (g.kind === 'mask') masks.push(decodeRle(g.counts, g.size[1], g.size[0]));
    else if (g.kind === 'box2d') box = [Math.min(g.x1, g.x2), Math.min(g.y1, g.y2), Math.abs(g.x2 - g.x1), Math.abs(g.y2 - g.y1)];
    else if (g.kind === 'skeleton') skeleton = g;
    else warn(`${item.name}: object ${object.id} (${g.kind}) skipped, COCO cannot store it`);
    if (g.kind === 'rotatedBox') warn(`${item.name}: rotated box ${object.id} written as a polygon`);
  }
  const crowd = group.some((o) => o.crowd);
  const out: CocoAnnotationOut = {};
  let area: number | undefined;
  let derivedBox: [number, number, number, number] | undefined;
  if (masks.length) {
    // COCO has one segmentation per annotation: polygons grouped with a mask are burnt into it
    const union = masks[0].slice();
    for (const extra of [...masks.slice(1), polygonsToMask(polygons, item.width, item.height)]) {
      for (let i = 0; i < union.length; i++) union[i] |= extra[i];
    }
    const counts = encodeRle(union, item.width, item.height);
    const compressed = maskEncoding === 'compressed' || (maskEncoding === 'auto' && !crowd);
    out.segmentation = { size: [item.height, item.width], counts: compressed ? rleToString(counts) : counts };
    area = rleArea(counts);
    derivedBox = rleBbox(counts, item.width, item.height);
  } else if (polygons.length) {
    out.segmentation = polygons.map((points) => points.map((v) => round(v)));
    area = polygons.reduce((sum, points) => sum + polygonArea(points), 0);
    derivedBox = pointsExtent(polygons.flat());
  } else {
    out.segmentation = [];
  }
  if (!box && !derivedBox && skeleton) {
    derivedBox = labelledKeypointsExtent(skeleton);
  }
  const bbox = box ?? derivedBox;
  if (!bbox) return null; // only unsupported kinds in this group (already warned)
  out.area = round(area ?? bbox[2] * bbox[3]);
  out.bbox = bbox.map((v) => round(v));
  out.iscrowd = crowd ? 1 : 0;
  if (skeleton) {
    const keypoints: number[] = [];
    skeleton.visibility.forEach((v, i) => keypoints.push(round(skeleton!.points[2 * i]), round(skeleton!.points[2 * i + 1]), v));
    out.keypoints = keypoints;
    out.num_keypoints = skeleton.visibility.filter((v) => v > 0).length;
  }
  const attributes = { ...group[0].attributes, ...(group.some((o) => o.occluded) ? { occluded: true } : {}) };
  if (Object.keys(attributes).length) out.attributes = attributes;
  const source = group[0].source;
  if (source.kind !== 'human') out.score = source.score;
  return out;
}

function isKeypointExtent(bbox: readonly number[], skeleton: Geometry): boolean {
  if (skeleton.kind !== 'skeleton') return false;
  const extent = labelledKeypointsExtent(skeleton);
  return !!extent && extent.every((v, i) => Math.abs(v - bbox[i]) < 1e-5);
}

function labelledKeypointsExtent(skeleton: Extract<Geometry, { kind: 'skeleton' }>) {
  return pointsExtent(skeleton.points.filter((_, i) => skeleton.visibility[i >> 1] > 0));
}
