/**
 * Tracks in the LiDAR editor: objects of one track share the attribute `track_id`, one object per
 * frame. Hand-made (or edited) objects are keyframes; `interpolateTrack` fills the frames between
 * consecutive keyframes with objects marked `interpolated: true`, using interpolateCuboidTrack
 * (centre and size lerped, yaw the shortest way round). Re-running it replaces earlier fills.
 */
import type { AnnotationObject, Cuboid3D } from '../../core/document/schema';
import { interpolateCuboidTrack } from '../../core/lidar/interpolate';

export const TRACK_ATTR = 'track_id';
export const INTERPOLATED_ATTR = 'interpolated';

export function interpolateTrack(
  records: Record<string, AnnotationObject>,
  trackId: string,
  makeId: () => string,
): { records: Record<string, AnnotationObject>; added: number } {
  const members = Object.values(records).filter((o) => String(o.attributes[TRACK_ATTR] ?? '') === trackId && o.geometry.kind === 'cuboid3d');
  const keys = members.filter((o) => o.attributes[INTERPOLATED_ATTR] !== true).sort((a, b) => a.frame - b.frame);
  const next = { ...records };
  for (const o of members) if (o.attributes[INTERPOLATED_ATTR] === true) delete next[o.id];
  if (keys.length < 2) return { records: next, added: 0 };
  const keyframes = keys.map((o) => ({ frame: o.frame, geometry: o.geometry as Cuboid3D, outside: false }));
  const keyFrames = new Set(keys.map((k) => k.frame));
  let added = 0;
  for (let f = keys[0].frame + 1; f < keys[keys.length - 1].frame; f++) {
    if (keyFrames.has(f)) continue;
    const r = interpolateCuboidTrack(keyframes, f);
    if (!r) continue;
    const before = [...keys].reverse().find((k) => k.frame < f)!;
    const id = makeId();
    next[id] = { ...before, id, frame: f, geometry: r.geometry, attributes: { ...before.attributes, [INTERPOLATED_ATTR]: true } };
    added++;
  }
  return { records: next, added };
}
