/**
 * Pascal VOC detection XML: `Annotations/<stem>.xml` per image with bounding boxes, plus
 * `labelmap.txt` (Datumaro's label list with colours) and `ImageSets/Main/default.txt`.
 *
 * VOC box coordinates are 1-based inclusive pixel indices (the devkit convention): the first
 * pixel column is xmin = 1. Document boxes are continuous pixel edges, so x1 = xmin - 1 and
 * x2 = xmax. Only boxes are stored; `truncated`, `difficult` and `pose` become attributes,
 * `occluded` the object's flag, and other attributes use Datumaro's <attributes> extension.
 */
import type { AnnotationObject, AttributeValue } from '../../document/schema';
import {
  type Dataset2D,
  type Dataset2DItem,
  type ExportOptions,
  type FormatFiles,
  FormatError,
  LabelBook,
  attributeFromText,
  attributeToText,
  baseName,
  labelIndex,
  newDocument,
  round,
  stripExtension,
  textOf,
} from './dataset';
import { type XmlNode, child, childText, children, element, parseXml, serializeXml } from './xml';

const ANNOTATIONS_DIR = 'Annotations/';
const LABELMAP = 'labelmap.txt';

export type VocImportOptions = {
  /** Folder the images are in, for files whose <path> is absent or absolute (default JPEGImages). */
  imageDir?: string;
};

export function importVoc(files: FormatFiles, opts: VocImportOptions = {}): Dataset2D {
  const labels = new LabelBook();
  const labelmap = files.get(LABELMAP);
  if (labelmap !== undefined) readLabelmap(textOf(labelmap), labels);
  const paths = [...files.keys()].filter((p) => p.startsWith(ANNOTATIONS_DIR) && p.toLowerCase().endsWith('.xml')).sort();
  if (paths.length === 0) throw new FormatError(ANNOTATIONS_DIR, 'no VOC annotation .xml files found');
  return { items: paths.map((path) => importAnnotation(path, textOf(files.get(path)!), labels, opts)), ontology: labels.ontology() };
}

/** Datumaro labelmap: `name:r,g,b:parts:actions` lines; `#` comments. */
function readLabelmap(text: string, labels: LabelBook): void {
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [name, rgb] = line.split(':');
    const channels = (rgb ?? '').split(',').map(Number);
    const color =
      channels.length === 3 && channels.every((c) => Number.isInteger(c) && c >= 0 && c < 256)
        ? `#${channels.map((c) => c.toString(16).padStart(2, '0')).join('')}`
        : undefined;
    labels.ensure(name, color ? { color } : {});
  }
}

function importAnnotation(path: string, text: string, labels: LabelBook, opts: VocImportOptions): Dataset2DItem {
  const root = parseXml(path, text);
  if (root.tag !== 'annotation') throw new FormatError(path, `root element is <${root.tag}>, expected <annotation>`);
  const size = child(root, 'size');
  const width = Number(size && childText(size, 'width'));
  const height = Number(size && childText(size, 'height'));
  if (!(width > 0 && height > 0)) throw new FormatError(path, '<size> needs positive <width> and <height>');
  const filename = childText(root, 'filename');
  if (!filename) throw new FormatError(path, 'missing <filename>');
  const name = imageName(path, filename, childText(root, 'path'), opts.imageDir ?? 'JPEGImages');
  const document = newDocument(name);
  children(root, 'object').forEach((node, index) => {
    document.objects.push(importObject(path, `object ${index + 1}`, node, labels, `${stripExtension(baseName(path))}-${index + 1}`));
  });
  return { name, width, height, document };
}

/** A relative <path> (what we write) names the image exactly; otherwise use the images folder. */
function imageName(xmlPath: string, filename: string, pathTag: string | undefined, imageDir: string): string {
  if (pathTag && !pathTag.startsWith('/') && !/^[a-zA-Z]:[\\/]/.test(pathTag)) return pathTag;
  const subdir = xmlPath.slice(ANNOTATIONS_DIR.length, xmlPath.lastIndexOf('/') + 1);
  return `${imageDir}/${subdir}${filename}`;
}

function importObject(path: string, where: string, node: XmlNode, labels: LabelBook, id: string): AnnotationObject {
  const name = childText(node, 'name');
  if (!name) throw new FormatError(path, `${where} has no <name>`);
  const box = child(node, 'bndbox');
  const coordinate = (tag: string) => {
    const value = Number(box && childText(box, tag));
    if (!box || !Number.isFinite(value)) throw new FormatError(path, `${where} (${name}) has no numeric <bndbox><${tag}>`);
    return value;
  };
  const attributes: Record<string, AttributeValue> = {};
  const flag = (tag: string) => childText(node, tag)?.trim() === '1';
  if (flag('truncated')) attributes.truncated = true;
  if (flag('difficult')) attributes.difficult = true;
  const pose = childText(node, 'pose');
  if (pose && pose !== 'Unspecified') attributes.pose = pose;
  const extra = child(node, 'attributes');
  for (const attribute of extra ? children(extra, 'attribute') : []) {
    const key = childText(attribute, 'name');
    if (key) attributes[key] = attributeFromText(childText(attribute, 'value') ?? '');
  }
  return {
    id,
    label: labels.ensure(name),
    geometry: { kind: 'box2d', x1: coordinate('xmin') - 1, y1: coordinate('ymin') - 1, x2: coordinate('xmax'), y2: coordinate('ymax') },
    frame: 0,
    attributes,
    source: { kind: 'human' },
    zOrder: 0,
    ...(flag('occluded') ? { occluded: true } : {}),
  };
}

// ---------------------------------------------------------------- export

export function exportVoc(ds: Dataset2D, opts: ExportOptions = {}): FormatFiles {
  const warn = opts.onWarning ?? (() => {});
  const labelOf = labelIndex(ds.ontology);
  const out: FormatFiles = new Map();
  const labelmap = ['# label:color_rgb:parts:actions'];
  for (const label of ds.ontology.labels) {
    const rgb = [1, 3, 5].map((i) => parseInt(label.color.slice(i, i + 2), 16)).join(',');
    labelmap.push(`${label.name}:${rgb}::`);
  }
  out.set(LABELMAP, labelmap.join('\n') + '\n');
  const stems: string[] = [];
  for (const item of ds.items) {
    const stem = stripExtension(item.name.replace(/^JPEGImages\//, ''));
    stems.push(stem);
    if (item.document.tracks.length) warn(`${item.name}: ${item.document.tracks.length} tracks skipped (VOC has no tracks)`);
    const objects: XmlNode[] = [];
    for (const object of item.document.objects) {
      if (object.geometry.kind !== 'box2d') {
        warn(`${item.name}: object ${object.id} (${object.geometry.kind}) skipped, VOC stores boxes only`);
        continue;
      }
      objects.push(objectElement(object, labelOf(object.label, `${item.name} object ${object.id}`).name));
    }
    const slash = item.name.lastIndexOf('/');
    const root = element('annotation', {}, [
      element('folder', {}, slash >= 0 ? item.name.slice(0, slash) : ''),
      element('filename', {}, baseName(item.name)),
      element('path', {}, item.name),
      element('source', {}, [element('database', {}, 'Unknown')]),
      element('size', {}, [
        element('width', {}, String(item.width)),
        element('height', {}, String(item.height)),
        element('depth', {}, '3'),
      ]),
      element('segmented', {}, '0'),
      ...objects,
    ]);
    out.set(`${ANNOTATIONS_DIR}${stem}.xml`, serializeXml(root));
  }
  out.set('ImageSets/Main/default.txt', stems.map((s) => `${s}\n`).join(''));
  return out;
}

function objectElement(object: AnnotationObject, labelName: string): XmlNode {
  const g = object.geometry;
  if (g.kind !== 'box2d') throw new Error('objectElement needs a box');
  const { truncated, difficult, pose, ...rest } = object.attributes;
  const number = (v: number) => String(round(v, 2));
  const extra = Object.entries(rest).map(([name, value]) =>
    element('attribute', {}, [element('name', {}, name), element('value', {}, attributeToText(value))]),
  );
  return element('object', {}, [
    element('name', {}, labelName),
    element('pose', {}, pose !== undefined ? attributeToText(pose) : 'Unspecified'),
    element('truncated', {}, truncated ? '1' : '0'),
    element('difficult', {}, difficult ? '1' : '0'),
    element('occluded', {}, object.occluded ? '1' : '0'),
    element('bndbox', {}, [
      element('xmin', {}, number(Math.min(g.x1, g.x2) + 1)),
      element('ymin', {}, number(Math.min(g.y1, g.y2) + 1)),
      element('xmax', {}, number(Math.max(g.x1, g.x2))),
      element('ymax', {}, number(Math.max(g.y1, g.y2))),
    ]),
    ...(extra.length ? [element('attributes', {}, extra)] : []),
  ]);
}
