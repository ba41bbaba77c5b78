/**
 * LiDAR sequences keep tracked cuboids as `document.tracks` (keyframes, one interpolation:
 * tracks.ts), the same model as video. Two helpers sit between that model and everything that
 * thinks per frame:
 *
 * - `cuboidsOnFrame(doc, frame)`: the frame's cuboids as objects (hand-placed objects, then each
 *   track's shape there with `track_id` = the track's id). Exporters and the editor read this, so
 *   they see the same boxes per frame.
 * - `tracksFromTrackIds(doc)`: documents written before tracks (per-frame objects sharing a
 *   `track_id` attribute, e.g. a SUSTech import) become tracks. Every object becomes a keyframe
 *   except `interpolated` fills the keyframes reproduce; an `outside` keyframe follows every run of
 *   consecutive frames, so the track is on exactly the frames its objects were on.
 */
import type { AnnotationObject, AttributeValue, Cuboid3D, ItemDocument, Keyframe, Track } from './schema';
import { normalizeAngle } from '../geometry/angle';
import { keyframeShape, setKeyframe } from './tracks';

export const TRACK_ATTR = 'track_id';
/** Older documents: an object filled in between keyframes by the editor's "Interpolate track". */
export const INTERPOLATED_ATTR = 'interpolated';

type Doc = Pick<ItemDocument, 'objects' | 'tracks'>;

/** A track's shape on a frame as an object (id = the track's id), or null where it is absent. */
export function trackObjectAt(t: Track, frame: number): AnnotationObject | null {
  const s = keyframeShape(t.keyframes, frame);
  if (!s || s.outside || s.geometry.kind !== 'cuboid3d') return null;
  return {
    id: t.id,
    label: t.label,
    geometry: s.geometry,
    frame,
    attributes: { ...t.attributes, ...s.attributes, [TRACK_ATTR]: t.id },
    source: t.source,
    zOrder: t.zOrder ?? 0,
    ...(t.hidden ? { hidden: true } : {}),
    ...(t.locked ? { locked: true } : {}),
    ...(s.occluded ? { occluded: true } : {}),
    ...(t.importKey ? { importKey: t.importKey } : {}),
    ...(t.updatedAt !== undefined ? { updatedAt: t.updatedAt } : {}),
    ...(t.updatedBy ? { updatedBy: t.updatedBy } : {}),
  };
}

/** The frame's cuboids: its cuboid objects, then every cuboid track's shape there. */
export function cuboidsOnFrame(doc: Doc, frame: number): AnnotationObject[] {
  const out = doc.objects.filter((o) => o.frame === frame && o.geometry.kind === 'cuboid3d');
  for (const t of doc.tracks) {
    const o = trackObjectAt(t, frame);
    if (o) out.push(o);
  }
  return out;
}

/** Every object of the document per frame: non-cuboid objects as they are, cuboids via cuboidsOnFrame over frames 0..frameCount-1. */
export function objectsPerFrame(doc: Doc, frameCount: number): AnnotationObject[] {
  const out = doc.objects.filter((o) => o.geometry.kind !== 'cuboid3d');
  for (let f = 0; f < frameCount; f++) out.push(...cuboidsOnFrame(doc, f));
  return out;
}

const close = (a: Cuboid3D, b: Cuboid3D) =>
  a.center.every((v, i) => Math.abs(v - b.center[i]) < 1e-6) &&
  a.size.every((v, i) => Math.abs(v - b.size[i]) < 1e-6) &&
  Math.abs(normalizeAngle(a.yaw - b.yaw)) < 1e-6;

const sameValue = (a: AttributeValue | undefined, b: AttributeValue | undefined) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Converts per-frame cuboid objects that share a `track_id` into tracks (merged into an existing
 * track with that id: its keyframes on those frames are replaced). A group stays as objects when
 * its members disagree on label, source, hidden or locked, when two share a frame, or when an
 * existing track of that id has another label: those cannot be one track. `onlyExisting`: fold
 * only objects whose track_id names a track the document already has (a re-import into a
 * document the editor has converted updates those tracks instead of adding copies).
 */
export function tracksFromTrackIds<D extends Doc>(doc: D, options: { onlyExisting?: boolean } = {}): D {
  const groups = new Map<string, AnnotationObject[]>();
  for (const o of doc.objects) {
    const tid = o.attributes[TRACK_ATTR];
    if (o.geometry.kind !== 'cuboid3d' || tid === undefined || tid === '' || tid === null) continue;
    const key = String(tid);
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  if (!groups.size) return doc;
  const tracks = new Map(doc.tracks.map((t) => [t.id, t]));
  const consumed = new Set<string>();
  for (const [id, members] of groups) {
    const first = members[0];
    const frames = new Set(members.map((m) => m.frame));
    const existing = tracks.get(id);
    if (options.onlyExisting && !existing) continue;
    const agree = members.every(
      (m) => m.label === first.label && JSON.stringify(m.source) === JSON.stringify(first.source) && !!m.hidden === !!first.hidden && !!m.locked === !!first.locked,
    );
    if (!agree || frames.size !== members.length || (existing && existing.label !== first.label)) continue;
    members.sort((a, b) => a.frame - b.frame);
    // Attributes every member shares belong to the track; the rest to each keyframe.
    const names = new Set(members.flatMap((m) => Object.keys(m.attributes)));
    names.delete(TRACK_ATTR);
    names.delete(INTERPOLATED_ATTR);
    const shared = [...names].filter((n) => members.every((m) => n in m.attributes && sameValue(m.attributes[n], first.attributes[n])));
    const trackAttrs: Record<string, AttributeValue> = { ...(existing?.attributes ?? {}) };
    for (const n of shared) trackAttrs[n] = first.attributes[n];
    const frameAttrs = (m: AnnotationObject) => {
      const a: Record<string, AttributeValue> = {};
      for (const [k, v] of Object.entries(m.attributes)) if (k !== TRACK_ATTR && k !== INTERPOLATED_ATTR && !shared.includes(k)) a[k] = v;
      return a;
    };
    const keyframeOf = (m: AnnotationObject): Keyframe => ({ frame: m.frame, geometry: m.geometry, outside: false, occluded: !!m.occluded, attributes: frameAttrs(m) });
    // Hand-placed objects are keyframes; fills are dropped where the keyframes reproduce them.
    const keys = members.filter((m) => m.attributes[INTERPOLATED_ATTR] !== true).map(keyframeOf);
    // A fill kept as a keyframe changes its neighbours' interpolation: repeat until none moves.
    let fills = members.filter((m) => m.attributes[INTERPOLATED_ATTR] === true);
    for (let changed = true; changed; ) {
      changed = false;
      keys.sort((a, b) => a.frame - b.frame);
      const stale = fills.filter((m) => {
        const s = keyframeShape(keys, m.frame);
        return !s || s.geometry.kind !== 'cuboid3d' || !close(s.geometry, m.geometry as Cuboid3D);
      });
      if (stale.length) {
        changed = true;
        keys.push(...stale.map(keyframeOf));
        fills = fills.filter((m) => !stale.includes(m));
      }
    }
    let track: Track = existing ?? {
      id,
      label: first.label,
      attributes: trackAttrs,
      keyframes: [keys[0]],
      source: first.source,
      zOrder: first.zOrder ?? 0,
      ...(first.hidden ? { hidden: true } : {}),
      ...(first.locked ? { locked: true } : {}),
      ...(first.createdAt !== undefined ? { createdAt: first.createdAt } : {}),
      ...(first.createdBy ? { createdBy: first.createdBy } : {}),
    };
    track = { ...track, attributes: trackAttrs };
    for (const k of keys) track = setKeyframe(track, k);
    // The object was only on its own frames: end every run of consecutive frames.
    const taken = new Set(track.keyframes.map((k) => k.frame));
    for (const f of frames) if (!frames.has(f + 1) && !taken.has(f + 1)) track = setKeyframe(track, { frame: f + 1, geometry: members.find((m) => m.frame === f)!.geometry, outside: true });
    const updated = members.reduce<number | undefined>((t, m) => (m.updatedAt !== undefined && (t === undefined || m.updatedAt > t) ? m.updatedAt : t), track.updatedAt);
    if (updated !== undefined) track = { ...track, updatedAt: updated };
    const by = members.find((m) => m.updatedAt === updated)?.updatedBy;
    if (by) track = { ...track, updatedBy: by };
    tracks.set(id, track);
    for (const m of members) consumed.add(m.id);
  }
  if (!consumed.size) return doc;
  return { ...doc, objects: doc.objects.filter((o) => !consumed.has(o.id)), tracks: [...tracks.values()] };
}
