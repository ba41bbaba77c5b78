/**
 * What the editor needs from its records, for the two kinds of documents it edits: untracked
 * objects per frame (images, image sequences) and tracks with keyframes (video). The editor only
 * talks to an EditOps, so the tools, overlay and panels are shared.
 */
import type { AnnotationObject, AttributeValue, Geometry, ItemDocument, LabelSpec, Track } from '../../document/schema';
import type { RecordMap } from '../../history/diff';
import { propagate, removeKeyframe, setKeyframe, shapeAtFrame } from '../../document/tracks';
import * as model from './model';
import { editedSource } from '../../document/provenance';

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
  /** Hide / lock (or show / unlock, when all already have the flag). A view flag: no keyframe. */
  toggle(records: RecordMap<R>, ids: readonly string[], flag: 'hidden' | 'locked'): RecordMap<R>;
  /** One step up (1) or down (-1) in drawing order among what is shown on `frame`. */
  reorder(records: RecordMap<R>, ids: readonly string[], direction: 1 | -1, frame: number): RecordMap<R>;
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
  toggle: model.toggle,
  reorder: (r, ids, direction) => model.reorder(r, ids, direction),
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
    Object.values(records).forEach((t) => {
      const s = shapeAtFrame(t, frame);
      if (!s || s.outside) return;
      out.push({
        id: t.id,
        label: t.label,
        geometry: s.geometry,
        frame,
        attributes: { ...t.attributes, ...s.attributes },
        source: t.source,
        // the track's view flags, so drawing, hit tests, handles, the canvas fast path and the
        // list treat a track's shape exactly like a still-image object (ties: record order)
        zOrder: t.zOrder ?? 0,
        ...(t.hidden ? { hidden: true } : {}),
        ...(t.locked ? { locked: true } : {}),
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
      // a new track is drawn on top, as createObject does for still images
      zOrder: topZOrder(r) + 1,
      updatedAt: Date.now(),
    };
    return { ...r, [id]: track };
  },
  update: (r, id, geometry, frame) => {
    const t = r[id];
    if (!t || t.locked) return r; // a locked track is not moved or reshaped (no keyframe either)
    const s = shapeAtFrame(t, frame);
    return { ...r, [id]: { ...setKeyframe(t, { frame, geometry, occluded: s?.occluded, attributes: s?.attributes }), source: editedSource(t.source), updatedAt: Date.now() } };
  },
  remove: (r, ids) => {
    // locked tracks survive a delete, as locked objects do (model.remove)
    const doomed = ids.filter((id) => r[id] && !r[id].locked);
    if (doomed.length === 0) return r;
    const next = { ...r };
    for (const id of doomed) delete next[id];
    return next;
  },
  relabel: (r, ids, label) => {
    const next = { ...r };
    for (const id of ids) if (next[id] && !next[id].locked) next[id] = { ...next[id], label: label.id, updatedAt: Date.now() };
    return next;
  },
  setAttribute: (r, id, attr, value, frame, scope) => {
    const t = r[id];
    if (!t || t.locked) return r;
    if (scope === 'track') return { ...r, [id]: { ...t, attributes: { ...t.attributes, [attr]: value } } };
    const s = shapeAtFrame(t, frame);
    if (!s) return r;
    return { ...r, [id]: setKeyframe(t, { frame, geometry: s.geometry, occluded: s.occluded, outside: s.outside, attributes: { ...s.attributes, [attr]: value } }) };
  },
  toggle: (r, ids, flag) => toggleTrackFlag(r, ids, flag),
  reorder: (r, ids, direction, frame) => reorderTracks(r, ids, direction, frame),
};

function topZOrder(records: TrackRecords): number {
  return Object.values(records).reduce((m, t) => Math.max(m, t.zOrder ?? 0), 0);
}

/**
 * Hide or lock tracks (or show / unlock when every one already has the flag), like model.toggle.
 * The flag is on the track, never on a keyframe: hiding a car hides it on every frame, and the
 * keyframes (the track's motion) stay untouched.
 */
export function toggleTrackFlag(records: TrackRecords, ids: readonly string[], flag: 'hidden' | 'locked'): TrackRecords {
  const present = ids.filter((id) => records[id]);
  if (present.length === 0) return records;
  const on = !present.every((id) => records[id][flag]);
  const next = { ...records };
  for (const id of present) {
    const t: Track = { ...records[id], updatedAt: Date.now() };
    // absent rather than false when off, so documents stay as they were before the flag existed
    if (on) t[flag] = true;
    else delete t[flag];
    next[id] = t;
  }
  return next;
}

/**
 * Raise or lower tracks one step in drawing order among the tracks shown on `frame` (the only
 * ones the user sees, so a step always changes the picture). Tracks absent on the frame keep their
 * slots in the overall order; zOrder is then renumbered 0..n-1 where it changed. Keyframes are
 * untouched: zOrder belongs to the whole track.
 */
export function reorderTracks(records: TrackRecords, ids: readonly string[], direction: 1 | -1, frame: number): TrackRecords {
  const moving = new Set(ids.filter((id) => records[id]));
  if (moving.size === 0) return records;
  const all = Object.values(records);
  const ordered = model.drawingOrder(all);
  const shown = new Set(all.filter((t) => moving.has(t.id) || isShown(t, frame)).map((t) => t.id));
  const stepped = model.bubble(ordered.filter((id) => shown.has(id)), moving, direction);
  let j = 0;
  const merged = ordered.map((id) => (shown.has(id) ? stepped[j++] : id));
  // already at the top / bottom: no renumbering, so no empty-looking undo step
  if (merged.every((id, i) => id === ordered[i])) return records;
  let next = records;
  merged.forEach((id, z) => {
    if ((next[id].zOrder ?? 0) !== z) next = { ...next, [id]: { ...next[id], zOrder: z } };
  });
  return next;
}

function isShown(t: Track, frame: number): boolean {
  const s = shapeAtFrame(t, frame);
  return !!s && !s.outside;
}

/** The track leaves the view at `frame` (an outside keyframe); interpolation stops there. */
export function setOutside(records: TrackRecords, id: string, frame: number): TrackRecords {
  const t = records[id];
  const s = t && !t.locked && shapeAtFrame(t, frame);
  if (!t || !s) return records;
  return { ...records, [id]: setKeyframe(t, { frame, geometry: s.geometry, outside: true, attributes: s.attributes }) };
}

/** Remove the keyframe at `frame`; the last keyframe removes the track. */
export function deleteKeyframe(records: TrackRecords, id: string, frame: number): TrackRecords {
  const t = records[id];
  if (!t || t.locked) return records; // a locked track's keyframes are not edited
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
  if (!t || t.locked) return records;
  const steps = frameCount ? Math.min(n, frameCount - 1 - frame) : n;
  if (steps <= 0) return records;
  const next = propagate(t, frame, Math.floor(steps));
  return next === t ? records : { ...records, [id]: { ...next, updatedAt: Date.now() } };
}
