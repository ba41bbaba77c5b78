/**
 * Pieces shared by CVAT for images 1.1 and CVAT for video 1.1: the label list in <meta>, shape
 * elements <-> geometry, attributes and sources. Numbers are written with two decimals, as CVAT
 * itself writes them.
 *
 * Attribute specs imported from CVAT get id = name, so object attributes are keyed by name.
 */
import type { AttributeSpec, AttributeValue, Geometry, LabelSpec, Ontology, Source } from '../../document/schema';
import { decodeRle, encodeRle, rleBbox } from '../../geometry/rle';
import { FormatError, LabelBook, attributeFromText, attributeToText } from './dataset';
import { type XmlNode, child, childText, children, element } from './xml';

export const fmt = (value: number) => value.toFixed(2);

// ---------------------------------------------------------------- labels in <meta>

const INPUT_TYPES: Record<AttributeSpec['type'], string> = { bool: 'checkbox', enum: 'select', number: 'number', text: 'text' };

/** Read <meta>/<task|job|project>/<labels> into the label book (sublabels become skeleton points). */
export function readCvatLabels(path: string, root: XmlNode, labels: LabelBook): void {
  const meta = child(root, 'meta');
  const owner = meta && (child(meta, 'task') ?? child(meta, 'job') ?? child(meta, 'project'));
  const list = owner && child(owner, 'labels');
  if (!list) return; // labels then come from the shapes themselves
  const all = children(list, 'label');
  for (const node of all) {
    const name = childText(node, 'name');
    if (!name) throw new FormatError(path, '<label> without <name> in <meta>');
    if (childText(node, 'parent')) continue; // a skeleton's point, folded into its parent below
    const color = childText(node, 'color');
    const extra: Partial<LabelSpec> = { attributes: readAttributeSpecs(path, name, node) };
    if (color && /^#[0-9a-fA-F]{6}$/.test(color)) extra.color = color.toLowerCase();
    if (childText(node, 'type') === 'skeleton') {
      const points = all.filter((l) => childText(l, 'parent') === name).map((l) => childText(l, 'name') ?? '');
      extra.skeleton = { points, edges: skeletonEdgesFromSvg(childText(node, 'svg') ?? '') };
    }
    labels.ensure(name, extra);
  }
}

function readAttributeSpecs(path: string, labelName: string, labelNode: XmlNode): AttributeSpec[] {
  const list = child(labelNode, 'attributes');
  return (list ? children(list, 'attribute') : []).map((node) => {
    const name = childText(node, 'name');
    if (!name) throw new FormatError(path, `label '${labelName}' has an <attribute> without <name>`);
    const input = childText(node, 'input_type') ?? 'text';
    const type: AttributeSpec['type'] =
      input === 'checkbox' ? 'bool' : input === 'number' ? 'number' : input === 'select' || input === 'radio' ? 'enum' : 'text';
    const values = (childText(node, 'values') ?? '').split('\n').filter((v) => v !== '');
    const spec: AttributeSpec = {
      id: name,
      name,
      type,
      scope: (childText(node, 'mutable') ?? '').toLowerCase() === 'true' ? 'frame' : 'track',
      required: false,
    };
    if (type === 'enum') spec.options = values;
    const defaultText = childText(node, 'default_value');
    if (defaultText !== undefined && defaultText !== '') spec.default = attributeFromText(defaultText, spec);
    return spec;
  });
}

/** CVAT stores skeleton edges in an SVG snippet: <line data-node-from="1" data-node-to="2">, 1-based. */
function skeletonEdgesFromSvg(svg: string): Array<[number, number]> {
  const edges: Array<[number, number]> = [];
  for (const match of svg.matchAll(/data-node-from="(\d+)"\s+data-node-to="(\d+)"/g)) {
    edges.push([Number(match[1]) - 1, Number(match[2]) - 1]);
  }
  return edges;
}

function skeletonSvg(label: LabelSpec): string {
  const skeleton = label.skeleton!;
  const lines = skeleton.edges.map(
    ([a, b]) => `<line data-type="edge" data-node-from="${a + 1}" data-node-to="${b + 1}"></line>`,
  );
  const circles = skeleton.points.map(
    (name, i) => `<circle r="1.5" data-type="element node" data-element-id="${i + 1}" data-node-id="${i + 1}" data-label-name="${name}"></circle>`,
  );
  return [...lines, ...circles].join('\n');
}

export function cvatLabelsElement(ontology: Ontology): XmlNode {
  const nodes: XmlNode[] = [];
  for (const label of ontology.labels) {
    const attributes = label.attributes.map((spec) =>
      element('attribute', {}, [
        element('name', {}, spec.name),
        element('mutable', {}, spec.scope === 'frame' ? 'True' : 'False'),
        element('input_type', {}, INPUT_TYPES[spec.type]),
        element('default_value', {}, spec.default !== undefined ? attributeToText(spec.default) : ''),
        element('values', {}, spec.type === 'enum' ? (spec.options ?? []).join('\n') : spec.type === 'bool' ? 'false\ntrue' : ''),
      ]),
    );
    const isSkeleton = !!label.skeleton?.points.length;
    nodes.push(
      element('label', {}, [
        element('name', {}, label.name),
        element('color', {}, label.color),
        element('type', {}, isSkeleton ? 'skeleton' : 'any'),
        element('attributes', {}, attributes),
        ...(isSkeleton ? [element('svg', {}, skeletonSvg(label))] : []),
      ]),
    );
    for (const point of isSkeleton ? label.skeleton!.points : []) {
      nodes.push(
        element('label', {}, [
          element('name', {}, point),
          element('type', {}, 'points'),
          element('attributes', {}),
          element('parent', {}, label.name),
        ]),
      );
    }
  }
  return element('labels', {}, nodes);
}

// ---------------------------------------------------------------- attributes and source

export function readShapeAttributes(node: XmlNode, label: LabelSpec | undefined): Record<string, AttributeValue> {
  const values: Record<string, AttributeValue> = {};
  for (const attribute of children(node, 'attribute')) {
    const name = attribute.attrs.name;
    if (!name) continue;
    const spec = label?.attributes.find((a) => a.name === name);
    values[spec?.id ?? name] = attributeFromText(attribute.text, spec);
  }
  return values;
}

export function attributeElements(values: Record<string, AttributeValue>, label: LabelSpec): XmlNode[] {
  return Object.entries(values).map(([id, value]) => {
    const name = label.attributes.find((a) => a.id === id)?.name ?? id;
    return element('attribute', { name }, attributeToText(value));
  });
}

export function sourceFromCvat(text: string | undefined): Source {
  if (text === 'auto') return { kind: 'model', model: 'cvat', score: 1 };
  if (text === 'semi-auto') return { kind: 'model-edited', model: 'cvat', score: 1 };
  return { kind: 'human' };
}

export function sourceToCvat(source: Source): string {
  return source.kind === 'model' ? 'auto' : source.kind === 'model-edited' ? 'semi-auto' : 'manual';
}

// ---------------------------------------------------------------- shapes

export const SHAPE_TAGS = new Set(['box', 'polygon', 'polyline', 'points', 'mask', 'skeleton', 'tag']);

function parsePoints(path: string, where: string, text: string | undefined): number[] {
  if (!text) throw new FormatError(path, `${where} has no points`);
  const values = text.split(';').flatMap((pair) => pair.split(',').map(Number));
  if (values.some((v) => !Number.isFinite(v))) throw new FormatError(path, `${where} has malformed points '${text.slice(0, 40)}'`);
  return values;
}

function formatPoints(points: readonly number[]): string {
  const pairs: string[] = [];
  for (let i = 0; i + 1 < points.length; i += 2) pairs.push(`${fmt(points[i])},${fmt(points[i + 1])}`);
  return pairs.join(';');
}

function numberAttr(path: string, where: string, node: XmlNode, name: string): number {
  const value = Number(node.attrs[name]);
  if (node.attrs[name] === undefined || !Number.isFinite(value)) throw new FormatError(path, `${where} needs a numeric '${name}'`);
  return value;
}

export type ImageSize = { width: number; height: number };

/** Geometry of a CVAT shape element (box, polygon, polyline, points, mask, skeleton, tag). */
export function geometryFromShape(path: string, where: string, node: XmlNode, size: ImageSize, label: LabelSpec | undefined): Geometry {
  const n = (name: string) => numberAttr(path, where, node, name);
  switch (node.tag) {
    case 'box': {
      const [x1, y1, x2, y2] = [n('xtl'), n('ytl'), n('xbr'), n('ybr')];
      const rotation = Number(node.attrs.rotation ?? 0);
      if (rotation) {
        return { kind: 'rotatedBox', cx: (x1 + x2) / 2, cy: (y1 + y2) / 2, w: x2 - x1, h: y2 - y1, angle: (rotation * Math.PI) / 180 };
      }
      return { kind: 'box2d', x1, y1, x2, y2 };
    }
    case 'polygon':
    case 'polyline':
    case 'points':
      return { kind: node.tag, points: parsePoints(path, where, node.attrs.points) };
    case 'mask':
      return maskFromCvat(path, where, node, size);
    case 'skeleton':
      return skeletonFromCvat(path, where, node, label);
    case 'tag':
      return { kind: 'tag' };
    default:
      throw new FormatError(path, `${where}: unsupported shape <${node.tag}>`);
  }
}

/**
 * CVAT's mask rle: run lengths over the left/top/width/height crop, row-major, starting with a
 * run of zeros. Re-encoded as a full-image column-major COCO RLE for the document.
 */
function maskFromCvat(path: string, where: string, node: XmlNode, size: ImageSize): Geometry {
  const [left, top, w, h] = ['left', 'top', 'width', 'height'].map((name) => numberAttr(path, where, node, name));
  const runs = (node.attrs.rle ?? '').split(',').map((v) => Number(v.trim()));
  if (runs.some((v) => !Number.isInteger(v) || v < 0)) throw new FormatError(path, `${where} has a malformed rle`);
  const full = new Uint8Array(size.width * size.height);
  let position = 0;
  runs.forEach((run, i) => {
    if (position + run > w * h) throw new FormatError(path, `${where} rle covers more than its ${w}x${h} box`);
    if (i % 2 === 1) {
      for (let p = position; p < position + run; p++) {
        const x = left + (p % w), y = top + Math.floor(p / w);
        if (x < size.width && y < size.height) full[y * size.width + x] = 1;
      }
    }
    position += run;
  });
  return { kind: 'mask', size: [size.height, size.width], counts: encodeRle(full, size.width, size.height) };
}

function maskToCvat(g: Extract<Geometry, { kind: 'mask' }>): Record<string, string> | null {
  const [height, width] = g.size;
  const [left, top, w, h] = rleBbox(g.counts, width, height);
  if (w === 0) return null;
  const full = decodeRle(g.counts, width, height);
  const runs: number[] = [];
  let current = 0, run = 0;
  for (let y = top; y < top + h; y++) {
    for (let x = left; x < left + w; x++) {
      const value = full[y * width + x];
      if (value !== current) {
        runs.push(run);
        run = 0;
        current = value;
      }
      run++;
    }
  }
  runs.push(run);
  return { rle: runs.join(', '), left: String(left), top: String(top), width: String(w), height: String(h) };
}

/** Skeleton points by sublabel name; visibility: outside -> 0 (absent), occluded -> 1, else 2. */
function skeletonFromCvat(path: string, where: string, node: XmlNode, label: LabelSpec | undefined): Geometry {
  const names = label?.skeleton?.points ?? children(node, 'points').map((p) => p.attrs.label);
  const points = new Array<number>(names.length * 2).fill(0);
  const visibility = new Array<number>(names.length).fill(0);
  for (const element of children(node, 'points')) {
    const index = names.indexOf(element.attrs.label);
    if (index < 0) throw new FormatError(path, `${where}: skeleton point '${element.attrs.label}' is not in label '${label?.name}'`);
    const [x, y] = parsePoints(path, where, element.attrs.points);
    points[2 * index] = x;
    points[2 * index + 1] = y;
    visibility[index] = element.attrs.outside === '1' ? 0 : element.attrs.occluded === '1' ? 1 : 2;
  }
  return { kind: 'skeleton', points, visibility };
}

/**
 * Element name and attributes for a geometry; null for kinds CVAT 2D cannot hold (cuboid3d) or
 * empty masks. `common` attributes (label, source, frame...) come first, as CVAT orders them.
 */
export function shapeFromGeometry(
  g: Geometry,
  common: Record<string, string | undefined>,
  label: LabelSpec,
): { tag: string; attrs: Record<string, string | undefined>; children: XmlNode[] } | null {
  switch (g.kind) {
    case 'box2d':
      return {
        tag: 'box',
        attrs: { ...common, xtl: fmt(Math.min(g.x1, g.x2)), ytl: fmt(Math.min(g.y1, g.y2)), xbr: fmt(Math.max(g.x1, g.x2)), ybr: fmt(Math.max(g.y1, g.y2)) },
        children: [],
      };
    case 'rotatedBox': {
      const degrees = (((g.angle * 180) / Math.PI) % 360 + 360) % 360;
      return {
        tag: 'box',
        attrs: { ...common, xtl: fmt(g.cx - g.w / 2), ytl: fmt(g.cy - g.h / 2), xbr: fmt(g.cx + g.w / 2), ybr: fmt(g.cy + g.h / 2), rotation: fmt(degrees) },
        children: [],
      };
    }
    case 'polygon':
    case 'polyline':
    case 'points':
      return { tag: g.kind, attrs: { ...common, points: formatPoints(g.points) }, children: [] };
    case 'mask': {
      const rle = maskToCvat(g);
      return rle ? { tag: 'mask', attrs: { ...common, ...rle }, children: [] } : null;
    }
    case 'skeleton': {
      const names = label.skeleton?.points ?? g.visibility.map((_, i) => String(i + 1));
      const points = g.visibility.map((v, i) =>
        element('points', {
          label: names[i],
          source: common.source,
          outside: v === 0 ? '1' : '0',
          occluded: v === 1 ? '1' : '0',
          keyframe: common.keyframe,
          points: `${fmt(g.points[2 * i])},${fmt(g.points[2 * i + 1])}`,
        }),
      );
      return { tag: 'skeleton', attrs: common, children: points };
    }
    case 'tag':
      return { tag: 'tag', attrs: { label: common.label, source: common.source, frame: common.frame }, children: [] };
    case 'cuboid3d':
      return null;
  }
}

/** CVAT group_id numbers for document group names, in order of first use. */
export class GroupNumbers {
  private readonly numbers = new Map<string, number>();
  get(group: string | undefined): string | undefined {
    if (group === undefined) return undefined;
    if (!this.numbers.has(group)) this.numbers.set(group, this.numbers.size + 1);
    return String(this.numbers.get(group));
  }
}

export function groupFromCvat(value: string | undefined): string | undefined {
  return value && value !== '0' ? `group-${value}` : undefined;
}
