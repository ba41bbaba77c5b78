/**
 * The LiDAR editor's records, pure: one map holding untracked cuboid objects (by id), tracks
 * (`track:<id>`, the document's Track with keyframes, as video) and each frame's point labels
 * (`pointlabels:<frame>`). Every edit is a function from records to records, so one gesture is
 * one history diff. In a sequence, per-frame objects sharing a `track_id` (documents from before
 * tracks) are turned into tracks on load (core/document/cuboidTracks.ts).
 *
 * A track here is on exactly the frames it was put on: every run of keyframes ends with an
 * `outside` keyframe, deleting it on a frame leaves a gap, and "Interpolate track" closes the gaps
 * (frames between two keyframes are interpolated by the one track interpolation, core/document/tracks.ts).
 */
import type { AnnotationObject, AttributeValue, Cuboid3D, ItemDocument, RejectedPrediction, Track } from '../../../core/document/schema';
import { rejectionOf } from '../../../core/review/predictions';
import { editedSource } from '../../../core/document/provenance';
import { keyframeShape, removeKeyframe, setKeyframe } from '../../../core/document/tracks';
import { INTERPOLATED_ATTR, TRACK_ATTR, trackObjectAt, tracksFromTrackIds } from '../../../core/document/cuboidTracks';
import type { RecordMap } from '../../../core/history/diff';
import { isPointLabelRecord, pointLabelsToRecord, POINT_LABELS_PREFIX, recordToPointLabels } from '../../../core/editing/lidar/pointLabels';

export { INTERPOLATED_ATTR, TRACK_ATTR };
export type LidarRecord = AnnotationObject | Track | RejectedPrediction;
export type Records = RecordMap<LidarRecord>;
export const TRACK_PREFIX = 'track:';
/** Remembered rejected / deleted predictions (document.rejected), so a rejection and its undo are one history step. */
export const REJECTED_PREFIX = 'rejected:';
export const isRejectedKey = (key: string) => key.startsWith(REJECTED_PREFIX);

export const isTrackKey = (key: string) => key.startsWith(TRACK_PREFIX);
export const trackKey = (id: string) => `${TRACK_PREFIX}${id}`;
const asTrack = (r: Records, key: string) => (isTrackKey(key) ? (r[key] as Track | undefined) : undefined);
const asObject = (r: Records, key: string) => (isTrackKey(key) || isRejectedKey(key) ? undefined : (r[key] as AnnotationObject | undefined));

/** The records of a document; in a sequence, per-frame track_id objects become tracks. */
export function recordsOf(document: ItemDocument, sequence: boolean): Records {
  const doc = sequence ? tracksFromTrackIds(document) : document;
  return {
    ...Object.fromEntries(doc.objects.map((o) => [o.id, o])),
    ...Object.fromEntries(doc.tracks.map((t) => [trackKey(t.id), t])),
    ...Object.fromEntries(doc.pointLabels.map((p) => [`${POINT_LABELS_PREFIX}${p.frame}`, pointLabelsToRecord(p)])),
    ...Object.fromEntries((doc.rejected ?? []).map((r) => [`${REJECTED_PREFIX}${r.id}`, r])),
  };
}

export function documentOf(base: ItemDocument, records: Records): ItemDocument {
  const objects: AnnotationObject[] = [];
  const tracks: Track[] = [];
  const pointLabels: ItemDocument['pointLabels'] = [];
  const rejected: RejectedPrediction[] = [];
  for (const [key, r] of Object.entries(records)) {
    if (isTrackKey(key)) tracks.push(r as Track);
    else if (isRejectedKey(key)) rejected.push(r as RejectedPrediction);
    else if (isPointLabelRecord(r as AnnotationObject)) pointLabels.push(recordToPointLabels(r as AnnotationObject));
    else objects.push(r as AnnotationObject);
  }
  const out: ItemDocument = { ...base, objects, tracks, pointLabels, status: base.status === 'new' ? 'in_progress' : base.status };
  if (rejected.length || base.rejected) out.rejected = rejected;
  return out;
}

/**
 * What the editor shell's document hook (useEditorDocument) reads and writes: objects, tracks and
 * point labels in one map. Module constants, so the hook does not reload on every render.
 */
export const lidarIO = { read: (d: ItemDocument): Records => recordsOf(d, false), write: documentOf };
/** In a sequence: per-frame track_id objects become tracks on load. */
export const lidarSequenceIO = { read: (d: ItemDocument): Records => recordsOf(d, true), write: documentOf };

/** A cuboid shown on a frame: `id` is its record key; tracks carry track_id, and `interpolated` off their keyframes. */
export function frameBoxes(records: Records, frame: number): AnnotationObject[] {
  const out: AnnotationObject[] = [];
  for (const [key, r] of Object.entries(records)) {
    if (isRejectedKey(key)) continue;
    if (isTrackKey(key)) {
      const o = trackObjectAt(r as Track, frame);
      if (!o) continue;
      const kf = keyframeShape((r as Track).keyframes, frame)?.keyframe;
      out.push({ ...o, id: key, attributes: kf ? o.attributes : { ...o.attributes, [INTERPOLATED_ATTR]: true } });
    } else {
      const o = r as AnnotationObject;
      if (o.frame === frame && o.geometry.kind === 'cuboid3d' && !isPointLabelRecord(o)) out.push(o);
    }
  }
  return out;
}

/** The box of a record on a frame (file coordinates), or null where it is not shown. */
export function boxAt(records: Records, key: string, frame: number): Cuboid3D | null {
  const t = asTrack(records, key);
  if (t) return (trackObjectAt(t, frame)?.geometry as Cuboid3D | undefined) ?? null;
  const o = asObject(records, key);
  return o && o.frame === frame && o.geometry.kind === 'cuboid3d' ? o.geometry : null;
}

/** Ends the run a keyframe at `frame` starts, unless another keyframe follows. */
function endRun(t: Track, frame: number, geometry: Cuboid3D): Track {
  return t.keyframes.some((k) => k.frame > frame) ? t : setKeyframe(t, { frame: frame + 1, geometry, outside: true });
}

/** Outside markers that follow another outside marker (or start the track) say nothing. */
function tidy(t: Track): Track | null {
  const keyframes = t.keyframes.filter((k, i) => !k.outside || (i > 0 && !t.keyframes[i - 1].outside));
  return keyframes.some((k) => !k.outside) ? { ...t, keyframes } : null;
}

/** A new geometry for a record on a frame: an object changes; a track gets a keyframe there. */
export function setBox(records: Records, key: string, frame: number, box: Cuboid3D): Records {
  const t = asTrack(records, key);
  if (t) {
    const s = keyframeShape(t.keyframes, frame);
    const next = setKeyframe(t, { frame, geometry: box, occluded: s?.occluded, attributes: s?.attributes });
    return { ...records, [key]: { ...endRun(next, frame, box), source: editedSource(t.source), updatedAt: Date.now() } };
  }
  const o = asObject(records, key);
  if (!o) return records;
  const attributes = { ...o.attributes };
  delete attributes[INTERPOLATED_ATTR];
  return { ...records, [key]: { ...o, geometry: box, attributes, source: editedSource(o.source), updatedAt: Date.now() } };
}

export function relabel(records: Records, key: string, label: string): Records {
  const r = records[key];
  return r ? { ...records, [key]: { ...r, label, updatedAt: Date.now() } } : records;
}

/** An attribute of the record (a track: the track's, or the keyframe's for frame-scoped ones). */
export function setAttribute(records: Records, key: string, frame: number, attr: string, value: AttributeValue, scope: 'track' | 'frame' = 'track'): Records {
  const t = asTrack(records, key);
  if (t && scope === 'frame') {
    const s = keyframeShape(t.keyframes, frame);
    if (!s) return records;
    return { ...records, [key]: setKeyframe(t, { frame, geometry: s.geometry, occluded: s.occluded, attributes: { ...s.attributes, [attr]: value } }) };
  }
  const r = asTrack(records, key) ?? asObject(records, key);
  return r ? { ...records, [key]: { ...r, attributes: { ...r.attributes, [attr]: value }, updatedAt: Date.now() } } : records;
}

/**
 * Removes the box from this frame only: an object is deleted, a track leaves a gap (or goes when
 * nothing is left). A model prediction removed is remembered (`rejected:<id>`, core/review/predictions.ts)
 * in the same step, so pre-labelling does not bring it back and undo restores both.
 */
export function removeAt(records: Records, key: string, frame: number): Records {
  const next = { ...records };
  const t = asTrack(records, key);
  if (!t) {
    const o = asObject(records, key);
    delete next[key];
    const remembered = o && o.geometry ? rejectionOf(o, Date.now()) : null;
    if (remembered) next[`${REJECTED_PREFIX}${remembered.id}`] = remembered;
    return next;
  }
  let cut = removeKeyframe(t, frame);
  if (cut && keyframeShape(cut.keyframes, frame) && !keyframeShape(cut.keyframes, frame)!.outside) {
    cut = setKeyframe(cut, { frame, geometry: keyframeShape(cut.keyframes, frame)!.geometry, outside: true });
  }
  const tidied = cut && tidy(cut);
  if (tidied) next[key] = { ...tidied, updatedAt: Date.now() };
  else delete next[key];
  return next;
}

/** A fresh track id: `base` when free, else `base-2`, `base-3`, ... */
function freeTrackId(records: Records, base: string): string {
  let id = base;
  for (let n = 2; records[trackKey(id)]; n++) id = `${base}-${n}`;
  return id;
}

/** An object made into a track (keyframe on its frame, ending there). */
function objectToTrack(o: AnnotationObject, id: string): Track {
  const attributes = { ...o.attributes };
  delete attributes[TRACK_ATTR];
  delete attributes[INTERPOLATED_ATTR];
  const t: Track = { id, label: o.label, attributes, source: o.source, zOrder: o.zOrder ?? 0, keyframes: [{ frame: o.frame, geometry: o.geometry, outside: false, occluded: !!o.occluded, attributes: {} }], createdAt: o.createdAt, createdBy: o.createdBy, updatedAt: Date.now() };
  return endRun(t, o.frame, o.geometry as Cuboid3D);
}

/**
 * Sets the track id of the box on `frame`. An object becomes (part of) the track of that id; a
 * track is renamed (not onto another track's id). Returns the box's new record key.
 */
export function setTrackId(records: Records, key: string, frame: number, id: string): { records: Records; key: string } {
  id = id.trim();
  const t = asTrack(records, key);
  if (!id || (t && t.id === id)) return { records, key };
  const target = trackKey(id);
  if (t) {
    if (records[target]) return { records, key };
    const next = { ...records, [target]: { ...t, id, updatedAt: Date.now() } };
    delete next[key];
    return { records: next, key: target };
  }
  const o = asObject(records, key);
  if (!o) return { records, key };
  const next = { ...records };
  delete next[key];
  const existing = next[target] as Track | undefined;
  if (existing && existing.label === o.label) {
    next[target] = { ...endRun(setKeyframe(existing, { frame, geometry: o.geometry }), frame, o.geometry as Cuboid3D), updatedAt: Date.now() };
  } else if (existing) return { records, key };
  else next[target] = objectToTrack(o, id);
  return { records: next, key: target };
}

/** An untracked cuboid made into a track as "Copy to next frame" does (id = its first 8 characters); null when `key` is no object. */
export function makeTrack(records: Records, key: string, frame: number): { records: Records; key: string } | null {
  const o = asObject(records, key);
  if (!o || o.frame !== frame || o.geometry.kind !== 'cuboid3d') return null;
  const made = objectToTrack(o, freeTrackId(records, o.id.slice(0, 8)));
  const next = { ...records, [trackKey(made.id)]: made };
  delete next[key];
  return { records: next, key: trackKey(made.id) };
}

/**
 * Copies the frame's boxes to the next frame: an object becomes a track on both frames (track id
 * = its first 8 characters); a track not already on the next frame gets a keyframe there.
 */
export function copyToNextFrame(records: Records, frame: number): Records {
  let next = { ...records };
  for (const box of frameBoxes(records, frame)) {
    if (box.hidden) continue;
    const geometry = box.geometry as Cuboid3D;
    let key = box.id;
    if (!isTrackKey(key)) {
      const made = objectToTrack(box, freeTrackId(next, box.id.slice(0, 8)));
      delete next[key];
      key = trackKey(made.id);
      next[key] = made;
    }
    const t = next[key] as Track;
    if (boxAt(next, key, frame + 1)) continue;
    next = { ...next, [key]: { ...endRun(setKeyframe(t, { frame: frame + 1, geometry }), frame + 1, geometry), updatedAt: Date.now() } };
  }
  return next;
}

/** "Interpolate track": the gaps between the track's first and last keyframe are closed (interpolated). */
export function fillGaps(records: Records, key: string): Records {
  const t = asTrack(records, key);
  if (!t) return records;
  const shown = t.keyframes.filter((k) => !k.outside);
  if (shown.length < 2) return records;
  const first = shown[0].frame, last = shown[shown.length - 1].frame;
  const keyframes = t.keyframes.filter((k) => !k.outside || k.frame <= first || k.frame > last);
  return keyframes.length === t.keyframes.length ? records : { ...records, [key]: { ...t, keyframes, updatedAt: Date.now() } };
}

/**
 * The id `#` proposes for a box that is not a track yet: one more than the largest numeric track id
 * (SUSTechPOINTS numbers new objects the same way), "1" in a sequence without numbered tracks.
 */
export function nextFreeTrackId(records: Records): string {
  let max = 0;
  for (const key of Object.keys(records)) {
    if (!isTrackKey(key)) continue;
    const id = key.slice(TRACK_PREFIX.length);
    if (/^\d+$/.test(id)) max = Math.max(max, Number(id));
  }
  return String(max + 1);
}

/**
 * "Interpolate track" with nothing selected: every track's gaps closed (`fillGaps` on each), so a
 * sequence annotated on key frames only (a box on the first and last frame of each object, linked
 * by typing the same track id) is filled in one step. Returns the records and the keys changed.
 */
export function fillAllGaps(records: Records): { records: Records; keys: string[] } {
  let next = records;
  const keys: string[] = [];
  for (const key of Object.keys(records)) {
    if (!isTrackKey(key)) continue;
    const after = fillGaps(next, key);
    if (after !== next) (keys.push(key), (next = after));
  }
  return { records: next, keys };
}

/**
 * The box a panel asks the editor to show (a QA finding, an issue: by its shared id) and the frame
 * to show it on: a track's box on `frame` when it has one there, else on its first keyframe; an
 * object on its own frame. Null when no box has that id (deleted since the check ran).
 */
export function resolveShared(records: Records, id: string, frame: number): { key: string; frame: number } | null {
  const t = asTrack(records, TRACK_PREFIX + id);
  if (t) {
    if (boxAt(records, TRACK_PREFIX + id, frame)) return { key: TRACK_PREFIX + id, frame };
    const first = t.keyframes.find((k) => !k.outside);
    return first ? { key: TRACK_PREFIX + id, frame: first.frame } : null;
  }
  const o = asObject(records, id);
  return o && o.geometry.kind === 'cuboid3d' ? { key: id, frame: o.frame ?? 0 } : null;
}

/** The id shared with the panels around the editor (issues, QA): a track's own id. */
export function sharedId(key: string): string {
  return isTrackKey(key) ? key.slice(TRACK_PREFIX.length) : key;
}
