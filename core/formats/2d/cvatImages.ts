/**
 * CVAT for images 1.1: one annotations.xml with <image> elements holding box (with optional
 * rotation), polygon, polyline, points, mask (CVAT's cropped rle), skeleton and tag shapes.
 */
import type { AnnotationObject } from '../../document/schema';
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
  textOf,
} from './dataset';
import {
  GroupNumbers,
  SHAPE_TAGS,
  cvatLabelsElement,
  attributeElements,
  geometryFromShape,
  groupFromCvat,
  readCvatLabels,
  readShapeAttributes,
  shapeFromGeometry,
  sourceFromCvat,
  sourceToCvat,
} from './cvatCommon';
import { type XmlNode, children, element, parseXml, serializeXml } from './xml';

export function importCvatImages(files: FormatFiles): Dataset2D {
  const paths = filesWithExtension(files, '.xml');
  if (paths.length === 0) throw new FormatError('annotations.xml', 'not found');
  const labels = new LabelBook();
  const items: Dataset2DItem[] = [];
  for (const path of paths) {
    const root = parseXml(path, textOf(files.get(path)!));
    if (root.tag !== 'annotations') throw new FormatError(path, `root element is <${root.tag}>, expected <annotations>`);
    if (children(root, 'track').length) throw new FormatError(path, 'contains <track> elements: this is CVAT for video, not for images');
    readCvatLabels(path, root, labels);
    const images = children(root, 'image').sort((a, b) => Number(a.attrs.id) - Number(b.attrs.id));
    for (const image of images) items.push(importImage(path, image, labels));
  }
  return { ontology: labels.ontology(), items };
}

function importImage(path: string, image: XmlNode, labels: LabelBook): Dataset2DItem {
  const name = image.attrs.name;
  const width = Number(image.attrs.width), height = Number(image.attrs.height);
  if (!name) throw new FormatError(path, `<image id="${image.attrs.id}"> has no name`);
  if (!(width > 0 && height > 0)) throw new FormatError(path, `image '${name}' needs positive width and height`);
  const document = newDocument(name);
  image.children
    .filter((node) => SHAPE_TAGS.has(node.tag))
    .forEach((node, index) => {
      const where = `image '${name}' <${node.tag}> ${index + 1}`;
      const labelName = node.attrs.label;
      if (!labelName) throw new FormatError(path, `${where} has no label`);
      const labelId = labels.ensure(labelName);
      const label = labels.get(labelName);
      const group = groupFromCvat(node.attrs.group_id);
      const object: AnnotationObject = {
        id: `${image.attrs.id ?? 'image'}-${index + 1}`,
        label: labelId,
        geometry: geometryFromShape(path, where, node, { width, height }, label),
        frame: 0,
        attributes: readShapeAttributes(node, label),
        source: sourceFromCvat(node.attrs.source),
        zOrder: Number(node.attrs.z_order ?? 0) || 0,
        ...(node.attrs.occluded === '1' ? { occluded: true } : {}),
        ...(group ? { group } : {}),
      };
      document.objects.push(object);
    });
  return { name, width, height, document };
}

export function exportCvatImages(ds: Dataset2D, opts: ExportOptions = {}): FormatFiles {
  const warn = opts.onWarning ?? (() => {});
  const labelOf = labelIndex(ds.ontology);
  const images = ds.items.map((item, index) => {
    if (item.document.tracks.length) warn(`${item.name}: ${item.document.tracks.length} tracks skipped (use CVAT for video)`);
    const groups = new GroupNumbers();
    const shapes: XmlNode[] = [];
    for (const object of item.document.objects) {
      const label = labelOf(object.label, `${item.name} object ${object.id}`);
      const common = {
        label: label.name,
        source: sourceToCvat(object.source),
        occluded: object.occluded ? '1' : '0',
        z_order: String(object.zOrder),
        group_id: groups.get(object.group),
      };
      const shape = shapeFromGeometry(object.geometry, common, label);
      if (!shape) {
        warn(`${item.name}: object ${object.id} (${object.geometry.kind}) skipped, CVAT for images cannot store it`);
        continue;
      }
      shapes.push(element(shape.tag, shape.attrs, [...shape.children, ...attributeElements(object.attributes, label)]));
    }
    return element('image', { id: String(index), name: item.name, width: String(item.width), height: String(item.height) }, shapes);
  });
  const meta = element('meta', {}, [
    element('task', {}, [
      element('size', {}, String(ds.items.length)),
      element('mode', {}, 'annotation'),
      cvatLabelsElement(ds.ontology),
    ]),
  ]);
  const root = element('annotations', {}, [element('version', {}, '1.1'), meta, ...images]);
  return new Map([['annotations.xml', serializeXml(root)]]);
}
