/**
 * CVAT for video 1.1: one XML per video with <track> elements whose shapes carry frame,
 * keyframe, outside and occluded, plus frame-level <tag> elements.
 *
 * Export writes, like CVAT, a shape for every frame a track is visible (interpolated frames with
 * keyframe="0") so tools that ignore keyframes still see the motion; import keeps only keyframes
 * and outside markers (all shapes when a file has no keyframe flags), because our interpolation
 * reproduces the frames in between. Untracked non-tag objects are written as CVAT does: a track
 * with the shape on its frame and an outside marker on the next, so they import back as tracks.
 */
import type { AnnotationObject, AttributeValue, Keyframe, LabelSpec, Track } from '../../document/schema';
import { shapeAtFrame } from '../../document/tracks';
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
  stripExtension,
  textOf,
} from './dataset';
import {
  GroupNumbers,
  SHAPE_TAGS,
  attributeElements,
  cvatLabelsElement,
  geometryFromShape,
  groupFromCvat,
  readCvatLabels,
  readShapeAttributes,
  shapeFromGeometry,
  sourceFromCvat,
  sourceToCvat,
} from './cvatCommon';
import { type XmlNode, child, childText, children, element, parseXml, serializeXml } from './xml';

export function importCvatVideo(files: FormatFiles): Dataset2D {
  const paths = filesWithExtension(files, '.xml');
  if (paths.length === 0) throw new FormatError('annotations.xml', 'not found');
  const labels = new LabelBook();
  const items = paths.map((path) => importVideo(path, textOf(files.get(path)!), labels));
  return { ontology: labels.ontology(), items };
}

function importVideo(path: string, text: string, labels: LabelBook): Dataset2DItem {
  const root = parseXml(path, text);
  if (root.tag !== 'annotations') throw new FormatError(path, `root element is <${root.tag}>, expected <annotations>`);
  if (children(root, 'image').length) throw new FormatError(path, 'contains <image> elements: this is CVAT for images, not for video');
  readCvatLabels(path, root, labels);
  const task = child(child(root, 'meta') ?? root, 'task') ?? child(child(root, 'meta') ?? root, 'job');
  const originalSize = task && child(task, 'original_size');
  const width = Number(originalSize && childText(originalSize, 'width'));
  const height = Number(originalSize && childText(originalSize, 'height'));
  if (!(width > 0 && height > 0)) throw new FormatError(path, 'missing <meta><task><original_size> width/height');
  const frames = Number(task && childText(task, 'size'));
  const name = (task && childText(task, 'source')) || `${stripExtension(path)}.mp4`;
  const document = newDocument(name);
  for (const trackNode of children(root, 'track')) {
    document.tracks.push(importTrack(path, trackNode, { width, height }, labels));
  }
  children(root, 'tag').forEach((node, index) => {
    const labelName = node.attrs.label;
    if (!labelName) throw new FormatError(path, `<tag> ${index + 1} has no label`);
    const label = labels.ensure(labelName);
    document.objects.push({
      id: `tag-${index + 1}`,
      label,
      geometry: { kind: 'tag' },
      frame: Number(node.attrs.frame ?? 0) || 0,
      attributes: readShapeAttributes(node, labels.get(labelName)),
      source: sourceFromCvat(node.attrs.source),
      zOrder: 0,
    });
  });
  return { name, width, height, ...(Number.isInteger(frames) && frames > 0 ? { frames } : {}), document };
}

function importTrack(path: string, node: XmlNode, size: { width: number; height: number }, labels: LabelBook): Track {
  const where = `track ${node.attrs.id}`;
  const labelName = node.attrs.label;
  if (!labelName) throw new FormatError(path, `${where} has no label`);
  const labelId = labels.ensure(labelName);
  const label = labels.get(labelName);
  const shapes = node.children.filter((c) => SHAPE_TAGS.has(c.tag) && c.tag !== 'tag');
  if (shapes.length === 0) throw new FormatError(path, `${where} has no shapes`);
  const hasKeyframeFlags = shapes.some((s) => s.attrs.keyframe !== undefined);
  const keyframes: Keyframe[] = [];
  let trackAttributes: Record<string, AttributeValue> = {};
  let zOrder = 0;
  for (const shape of shapes) {
    const frame = Number(shape.attrs.frame);
    if (!Number.isInteger(frame) || frame < 0) throw new FormatError(path, `${where} <${shape.tag}> has no valid frame`);
    const outside = shape.attrs.outside === '1';
    if (hasKeyframeFlags && shape.attrs.keyframe !== '1' && !outside) continue;
    const all = readShapeAttributes(shape, label);
    const [track, perFrame] = splitByScope(all, label);
    // CVAT stores z_order per shape, we per track (a view flag, never keyframed): the first
    // keyframe's value wins, as for track attributes.
    if (keyframes.length === 0) {
      trackAttributes = track;
      zOrder = Math.trunc(Number(shape.attrs.z_order ?? 0)) || 0;
    }
    if (keyframes.length && keyframes[keyframes.length - 1].frame >= frame) {
      throw new FormatError(path, `${where}: frames are not increasing at frame ${frame}`);
    }
    keyframes.push({
      frame,
      geometry: geometryFromShape(path, `${where} frame ${frame}`, shape, size, label),
      outside,
      occluded: shape.attrs.occluded === '1',
      attributes: perFrame,
    });
  }
  const group = groupFromCvat(node.attrs.group_id);
  return {
    id: `track-${node.attrs.id ?? labelName}`,
    label: labelId,
    attributes: trackAttributes,
    keyframes,
    source: sourceFromCvat(node.attrs.source),
    zOrder,
    ...(group ? { group } : {}),
  };
}

/** CVAT repeats every attribute on every shape; the spec's scope says where each belongs. */
function splitByScope(values: Record<string, AttributeValue>, label: LabelSpec | undefined) {
  const track: Record<string, AttributeValue> = {};
  const frame: Record<string, AttributeValue> = {};
  for (const [id, value] of Object.entries(values)) {
    const scope = label?.attributes.find((a) => a.id === id)?.scope ?? 'track';
    (scope === 'frame' ? frame : track)[id] = value;
  }
  return [track, frame] as const;
}

// ---------------------------------------------------------------- export

export type CvatVideoExportOptions = ExportOptions & {
  /** Write interpolated frames too, as CVAT does (default true); false writes keyframes only. */
  allFrames?: boolean;
};

/** One file per video: `annotations.xml` for a single video, `<video stem>/annotations.xml` otherwise. */
export function exportCvatVideo(ds: Dataset2D, opts: CvatVideoExportOptions = {}): FormatFiles {
  const out: FormatFiles = new Map();
  for (const item of ds.items) {
    const path = ds.items.length === 1 ? 'annotations.xml' : `${stripExtension(item.name)}/annotations.xml`;
    out.set(path, serializeXml(videoElement(ds, item, opts)));
  }
  return out;
}

function videoElement(ds: Dataset2D, item: Dataset2DItem, opts: CvatVideoExportOptions): XmlNode {
  const warn = opts.onWarning ?? (() => {});
  const labelOf = labelIndex(ds.ontology);
  const groups = new GroupNumbers();
  const tracks: Track[] = [...item.document.tracks];
  const tags: XmlNode[] = [];
  for (const object of item.document.objects) {
    const label = labelOf(object.label, `${item.name} object ${object.id}`);
    if (object.geometry.kind === 'tag') {
      tags.push(
        element('tag', { frame: String(object.frame), label: label.name, source: sourceToCvat(object.source) }, attributeElements(object.attributes, label)),
      );
    } else {
      tracks.push(singleFrameTrack(object, item.frames));
    }
  }
  const trackNodes: XmlNode[] = [];
  tracks.forEach((track) => {
    const label = labelOf(track.label, `${item.name} track ${track.id}`);
    const shapes = trackShapes(track, item, label, opts.allFrames ?? true, warn);
    if (shapes.length === 0) return;
    const group = groups.get(track.group);
    trackNodes.push(
      element('track', { id: String(trackNodes.length), label: label.name, source: sourceToCvat(track.source), group_id: group }, shapes),
    );
  });
  const meta = element('meta', {}, [
    element('task', {}, [
      element('size', {}, String(item.frames ?? lastFrame(item) + 1)),
      element('mode', {}, 'interpolation'),
      element('source', {}, item.name),
      element('original_size', {}, [element('width', {}, String(item.width)), element('height', {}, String(item.height))]),
      cvatLabelsElement(ds.ontology),
    ]),
  ]);
  return element('annotations', {}, [element('version', {}, '1.1'), meta, ...trackNodes, ...tags]);
}

function lastFrame(item: Dataset2DItem): number {
  let last = 0;
  for (const t of item.document.tracks) last = Math.max(last, t.keyframes[t.keyframes.length - 1].frame);
  for (const o of item.document.objects) last = Math.max(last, o.frame);
  return last;
}

function singleFrameTrack(object: AnnotationObject, frames: number | undefined): Track {
  const keyframes: Keyframe[] = [
    { frame: object.frame, geometry: object.geometry, outside: false, occluded: !!object.occluded, attributes: {} },
  ];
  if (frames === undefined || object.frame + 1 < frames) {
    keyframes.push({ frame: object.frame + 1, geometry: object.geometry, outside: true, occluded: false, attributes: {} });
  }
  return {
    id: object.id,
    label: object.label,
    attributes: object.attributes,
    keyframes,
    source: object.source,
    zOrder: object.zOrder,
    ...(object.group ? { group: object.group } : {}),
  };
}

/** Shape elements of a track: keyframes, plus interpolated frames when allFrames. */
function trackShapes(
  track: Track,
  item: Dataset2DItem,
  label: LabelSpec,
  allFrames: boolean,
  warn: (message: string) => void,
): XmlNode[] {
  const first = track.keyframes[0].frame;
  const last = allFrames && item.frames !== undefined ? Math.max(item.frames - 1, track.keyframes[track.keyframes.length - 1].frame) : track.keyframes[track.keyframes.length - 1].frame;
  const frames = allFrames
    ? Array.from({ length: last - first + 1 }, (_, i) => first + i)
    : track.keyframes.map((k) => k.frame);
  const nodes: XmlNode[] = [];
  for (const frame of frames) {
    const shape = shapeAtFrame(track, frame);
    if (!shape) continue;
    const common = {
      frame: String(frame),
      keyframe: shape.keyframe ? '1' : '0',
      outside: shape.outside ? '1' : '0',
      occluded: shape.occluded ? '1' : '0',
      // the track's drawing order on each of its shapes, where CVAT keeps it
      z_order: String(track.zOrder ?? 0),
    };
    const element_ = shapeFromGeometry(shape.geometry, common, label);
    if (!element_ || element_.tag === 'tag') {
      warn(`${item.name}: track ${track.id} (${shape.geometry.kind}) skipped, CVAT for video cannot store it`);
      return [];
    }
    const attributes = attributeElements({ ...track.attributes, ...shape.attributes }, label);
    nodes.push(element(element_.tag, element_.attrs, [...element_.children, ...attributes]));
  }
  return nodes;
}
