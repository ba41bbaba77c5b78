/**
 * What the editor needs from its records, for the two kinds of documents it edits: untracked
 * objects per frame (images, image sequences) and tracks with keyframes (video). The editor only
 * talks to an EditOps, so the tools, overlay and panels are shared.
 */
import type { AnnotationObject, AttributeValue, Geometry, ItemDocument, LabelSpec, Track } from '../../core/document/schema';
import type { RecordMap } from '../../core/history/diff';
import { propagate, removeKeyframe, setKeyframe, shapeAtFrame } from '../../core/document/tracks';
import * as model from './model';
import { editedSource } from '../../core/document/provenance';

export interface EditOps<R> {
  kind: 'objects' | 'tracks';
  read(doc: ItemDocument): RecordMap<R>;
  write(base: ItemDocument, records: RecordMap<R>): ItemDocument;
  /** Objects to show and edit on a frame (for tracks: the interpolated shapes, id = track id). */
  frameObjects(records: RecordMap<R>, frame: number): AnnotationObject[];
  create(records: RecordMap<R>, geometry: Geometry, label: LabelSpec | undefined, frame: number, id: string): RecordMap<R>;
  update(records: RecordMap<R>, id: string, geometry: Geometry, frame: number): RecordMap<R>;
  remove(records: RecordMap<R>, ids: readonly string[]): RecordMap<R>;
  relabel(records: RecordMap<R>, ids: readonly string[], label: LabelSpec): RecordMap<R>;
  setAttribute(records: RecordMap<R>, id: string, attr: string, value: AttributeValue, frame: number, scope: 'track' | 'frame'): RecordMap<R>;
}

export const objectOps: EditOps<AnnotationObject> = {
  kind: 'objects',
  read: model.recordsOf,
  write: model.documentOf,
  frameObjects: model.objectsOnFrame,
  create: (r, g, label, frame, id) => model.createObject(r, g, label, frame, id),
  update: (r, id, g) => model.setGeometry(r, id, g),
  remove: model.remove,
  relabel: model.relabel,
  setAttribute: (r, id, attr, value) => model.setAttribute(r, id, attr, value),
};

export type TrackRecords = RecordMap<Track>;

export const trackOps: EditOps<Track> = {
  kind: 'tracks',
  read: (doc) => Object.fromEntries(doc.tracks.map((t) => [t.id, t])),
  write: (base, records) => {
    const tracks = Object.values(records);
    return { ...base, tracks, status: base.status === 'new' && tracks.length ? 'in_progress' : base.status };
  },
  frameObjects: (records, frame) => {
    const out: AnnotationObject[] = [];
    Object.values(records).forEach((t, i) => {
      const s = shapeAtFrame(t, frame);
      if (!s || s.outside) return;
      out.push({
        id: t.id,
        label: t.label,
        geometry: s.geometry,
        frame,
        attributes: { ...t.attributes, ...s.attributes },
        source: t.source,
        zOrder: i,
        occluded: s.occluded,
        group: t.group,
      });
    });
    return out;
  },
  create: (r, geometry, label, frame, id) => {
    const attrs = model.defaultAttributes(label);
    const trackAttrs: Record<string, AttributeValue> = {};
    const frameAttrs: Record<string, AttributeValue> = {};
    for (const a of label?.attributes ?? []) if (a.id in attrs) (a.scope === 'frame' ? frameAttrs : trackAttrs)[a.id] = attrs[a.id];
    const track: Track = {
      id,
      label: label?.id ?? '',
      attributes: trackAttrs,
      keyframes: [{ frame, geometry, outside: false, occluded: false, attributes: frameAttrs }],
      source: { kind: 'human' },
      updatedAt: Date.now(),
    };
    return { ...r, [id]: track };
  },
  update: (r, id, geometry, frame) => {
    const t = r[id];
    if (!t) return r;
    const s = shapeAtFrame(t, frame);
    return { ...r, [id]: { ...setKeyframe(t, { frame, geometry, occluded: s?.occluded, attributes: s?.attributes }), source: editedSource(t.source), updatedAt: Date.now() } };
  },
  remove: (r, ids) => {
    const next = { ...r };
    for (const id of ids) delete next[id];
    return next;
  },
  relabel: (r, ids, label) => {
    const next = { ...r };
    for (const id of ids) if (next[id]) next[id] = { ...next[id], label: label.id, updatedAt: Date.now() };
    return next;
  },
  setAttribute: (r, id, attr, value, frame, scope) => {
    const t = r[id];
    if (!t) return r;
    if (scope === 'track') return { ...r, [id]: { ...t, attributes: { ...t.attributes, [attr]: value } } };
    const s = shapeAtFrame(t, frame);
    if (!s) return r;
    return { ...r, [id]: setKeyframe(t, { frame, geometry: s.geometry, occluded: s.occluded, outside: s.outside, attributes: { ...s.attributes, [attr]: value } }) };
  },
};

/** The track leaves the view at `frame` (an outside keyframe); interpolation stops there. */
export function setOutside(records: TrackRecords, id: string, frame: number): TrackRecords {
  const t = records[id];
  const s = t && shapeAtFrame(t, frame);
  if (!t || !s) return records;
  return { ...records, [id]: setKeyframe(t, { frame, geometry: s.geometry, outside: true, attributes: s.attributes }) };
}

/** Remove the keyframe at `frame`; the last keyframe removes the track. */
export function deleteKeyframe(records: TrackRecords, id: string, frame: number): TrackRecords {
  const t = records[id];
  if (!t) return records;
  const next = removeKeyframe(t, frame);
  const out = { ...records };
  if (next) out[id] = next;
  else delete out[id];
  return out;
}

/**
 * The track's shape on `frame` holds for the next n frames (bounded by the video's last frame):
 * two keyframes, see `propagate`. One edit, so one undo step.
 */
export function propagateTrack(records: TrackRecords, id: string, frame: number, n: number, frameCount?: number): TrackRecords {
  const t = records[id];
  if (!t) return records;
  const steps = frameCount ? Math.min(n, frameCount - 1 - frame) : n;
  if (steps <= 0) return records;
  const next = propagate(t, frame, Math.floor(steps));
  return next === t ? records : { ...records, [id]: { ...next, updatedAt: Date.now() } };
}
