/**
 * Tracks: objects that persist over video frames, stored as sparse keyframes. Everything here is
 * pure: functions take a Track and return a new Track (or a derived shape) without mutation.
 *
 * Semantics (shared with the CVAT video importer/exporter):
 * - Before the first keyframe the object does not exist.
 * - Between two keyframes the shape is interpolated linearly (see interpolateGeometry).
 * - A keyframe with outside = true ends a segment: there is no shape after it until the next
 *   keyframe. Its own geometry is kept only so editors can show where the object left.
 * - After the last keyframe, unless it is outside, the shape holds until the end of the video
 *   (the track knows nothing about the video length; callers bound it).
 */
import type { AttributeValue, Cuboid3D, Geometry, Keyframe, Track } from './schema';
import { lerpAngle } from '../geometry/angle';

export type TrackShape = {
  geometry: Geometry;
  /** Only true on the exact frame of an outside keyframe; frames after it yield null. */
  outside: boolean;
  occluded: boolean;
  /** Whether `frame` is a keyframe (false for interpolated or held shapes). */
  keyframe: boolean;
  /** Frame-scoped attributes, held from the previous keyframe. */
  attributes: Record<string, AttributeValue>;
};

/** Index of the last keyframe at or before frame, or -1. Keyframes are sorted by frame. */
function indexAtOrBefore(keyframes: readonly Pick<Keyframe, 'frame'>[], frame: number): number {
  let lo = 0, hi = keyframes.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (keyframes[mid].frame <= frame) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The track's shape on a frame, or null where the object is absent (before it starts, outside). */
export function shapeAtFrame(track: Pick<Track, 'keyframes'>, frame: number): TrackShape | null {
  return keyframeShape(track.keyframes, frame);
}

type KeyframeLike = Pick<Keyframe, 'frame' | 'geometry' | 'outside'> & Partial<Pick<Keyframe, 'occluded' | 'attributes'>>;

/** shapeAtFrame over bare keyframes (sorted by frame); the one interpolation of tracks. */
export function keyframeShape(keyframes: readonly KeyframeLike[], frame: number): TrackShape | null {
  const i = indexAtOrBefore(keyframes, frame);
  if (i < 0) return null;
  const previous = keyframes[i];
  const base = { occluded: previous.occluded ?? false, attributes: previous.attributes ?? {} };
  if (previous.frame === frame) {
    return { ...base, geometry: previous.geometry, outside: previous.outside, keyframe: true };
  }
  if (previous.outside) return null;
  const next = keyframes[i + 1];
  // Interpolating towards an outside marker would slide the shape to wherever the marker's
  // (meaningless) geometry is, so the shape holds until the object leaves.
  if (!next || next.outside) return { ...base, geometry: previous.geometry, outside: false, keyframe: false };
  const t = (frame - previous.frame) / (next.frame - previous.frame);
  return { ...base, geometry: interpolateGeometry(previous.geometry, next.geometry, t), outside: false, keyframe: false };
}

/** Previous and next keyframe frames strictly before/after frame, for keyframe jumps. */
export function keyframeNeighbours(track: Track, frame: number): { previous: number | null; next: number | null } {
  const i = indexAtOrBefore(track.keyframes, frame);
  const atFrame = i >= 0 && track.keyframes[i].frame === frame;
  const previousIndex = atFrame ? i - 1 : i;
  const nextIndex = i + 1;
  return {
    previous: previousIndex >= 0 ? track.keyframes[previousIndex].frame : null,
    next: nextIndex < track.keyframes.length ? track.keyframes[nextIndex].frame : null,
  };
}

export type KeyframeInput = {
  frame: number;
  geometry: Geometry;
  outside?: boolean;
  occluded?: boolean;
  attributes?: Record<string, AttributeValue>;
};

/** Insert or replace the keyframe at input.frame, keeping keyframes sorted. */
export function setKeyframe(track: Track, input: KeyframeInput): Track {
  const keyframe: Keyframe = {
    frame: input.frame,
    geometry: input.geometry,
    outside: input.outside ?? false,
    occluded: input.occluded ?? false,
    attributes: input.attributes ?? {},
  };
  const others = track.keyframes.filter((k) => k.frame !== input.frame);
  const at = others.findIndex((k) => k.frame > input.frame);
  const keyframes = at < 0 ? [...others, keyframe] : [...others.slice(0, at), keyframe, ...others.slice(at)];
  return { ...track, keyframes };
}

/**
 * Remove the keyframe at frame. Returns the track unchanged when there is none, and null when it
 * was the only keyframe (a track needs at least one; the caller deletes the track).
 */
export function removeKeyframe(track: Track, frame: number): Track | null {
  const keyframes = track.keyframes.filter((k) => k.frame !== frame);
  if (keyframes.length === track.keyframes.length) return track;
  return keyframes.length === 0 ? null : { ...track, keyframes };
}

/**
 * Propagate the shape on fromFrame forward over n frames.
 *
 * Choice: we write two keyframes, not n. The current shape is materialized as a keyframe on
 * fromFrame and copied once as a keyframe on fromFrame + n; keyframes in between (including
 * outside markers) are dropped, because "propagate" means "the object stays like this", and
 * interpolation between two identical keyframes already yields that shape on every frame. This
 * keeps tracks sparse, so a later correction in the middle interpolates smoothly instead of
 * fighting n hand-made copies. Keyframes after fromFrame + n are kept. No shape -> unchanged.
 */
export function propagate(track: Track, fromFrame: number, n: number): Track {
  const shape = shapeAtFrame(track, fromFrame);
  if (!shape || shape.outside || n <= 0) return track;
  const endFrame = fromFrame + n;
  const kept = track.keyframes.filter((k) => k.frame < fromFrame || k.frame > endFrame);
  const copy = (frame: number): Keyframe => ({
    frame,
    geometry: shape.geometry,
    outside: false,
    occluded: shape.occluded,
    attributes: shape.attributes,
  });
  const keyframes = [...kept, copy(fromFrame), copy(endFrame)].sort((a, b) => a.frame - b.frame);
  return { ...track, keyframes };
}

// ---------------------------------------------------------------- interpolation

const lerp = (a: number, b: number, t: number) => a + (b - a) * t;

/** The one angle rule (core/geometry/angle.ts): shortest way round, result in (-PI, PI]. */
export { lerpAngle };

function lerpArray(a: readonly number[], b: readonly number[], t: number): number[] {
  return a.map((value, i) => lerp(value, b[i], t));
}

/**
 * Shape between two keyframe geometries at t in [0, 1]. Kinds that cannot be interpolated
 * (masks, tags) or pairs of different kinds hold the first geometry.
 */
export function interpolateGeometry(a: Geometry, b: Geometry, t: number): Geometry {
  switch (a.kind) {
    case 'box2d':
      if (b.kind !== 'box2d') return a;
      return { kind: 'box2d', x1: lerp(a.x1, b.x1, t), y1: lerp(a.y1, b.y1, t), x2: lerp(a.x2, b.x2, t), y2: lerp(a.y2, b.y2, t) };
    case 'rotatedBox':
      if (b.kind !== 'rotatedBox') return a;
      return {
        kind: 'rotatedBox',
        cx: lerp(a.cx, b.cx, t),
        cy: lerp(a.cy, b.cy, t),
        w: lerp(a.w, b.w, t),
        h: lerp(a.h, b.h, t),
        angle: lerpAngle(a.angle, b.angle, t),
      };
    case 'polygon':
    case 'polyline':
    case 'points': {
      if (b.kind !== a.kind) return a;
      const [ra, rb] = matchVertexCounts(a.points, b.points, a.kind === 'polygon');
      return { kind: a.kind, points: lerpArray(ra, rb, t) };
    }
    case 'skeleton':
      // keypoints correspond by index; visibility cannot be blended, so it holds
      if (b.kind !== 'skeleton' || b.points.length !== a.points.length) return a;
      return { kind: 'skeleton', points: lerpArray(a.points, b.points, t), visibility: a.visibility };
    case 'cuboid3d':
      return b.kind === 'cuboid3d' ? lerpCuboid(a, b, t) : a;
    case 'mask':
    case 'tag':
      return a;
  }
}

/** Cuboids: centre and size lerped, yaw (and roll / pitch when both have them) by the angle rule. */
export function lerpCuboid(a: Cuboid3D, b: Cuboid3D, t: number): Cuboid3D {
  const rollPitch =
    a.rollPitch && b.rollPitch ? ([lerpAngle(a.rollPitch[0], b.rollPitch[0], t), lerpAngle(a.rollPitch[1], b.rollPitch[1], t)] as [number, number]) : a.rollPitch;
  return {
    kind: 'cuboid3d',
    center: lerpArray(a.center, b.center, t) as [number, number, number],
    size: lerpArray(a.size, b.size, t) as [number, number, number],
    yaw: lerpAngle(a.yaw, b.yaw, t),
    ...(rollPitch ? { rollPitch } : {}),
  };
}

/**
 * Bring two flat point lists to the same vertex count. Equal counts pair vertices by index.
 * Otherwise both are resampled at the union of their vertices' normalized arc-length positions:
 * every original vertex survives (the extra ones are collinear), so each keyframe's shape is
 * reproduced exactly at t = 0 and t = 1 while vertices in between slide along the outline.
 */
export function matchVertexCounts(a: readonly number[], b: readonly number[], closed: boolean): [number[], number[]] {
  if (a.length === b.length) return [a.slice(), b.slice()];
  if (a.length < 2 || b.length < 2) return [a.slice(), a.slice()];
  const fa = arcFractions(a, closed);
  const fb = arcFractions(b, closed);
  const merged = mergeFractions(fa, fb);
  return [resampleAt(a, closed, merged), resampleAt(b, closed, merged)];
}

/** Normalized arc-length position in [0, 1) of each vertex (0 for the first). */
function arcFractions(points: readonly number[], closed: boolean): number[] {
  const n = points.length / 2;
  const cumulative = [0];
  for (let i = 1; i < n; i++) {
    cumulative.push(cumulative[i - 1] + Math.hypot(points[2 * i] - points[2 * i - 2], points[2 * i + 1] - points[2 * i - 1]));
  }
  const closing = closed ? Math.hypot(points[0] - points[2 * n - 2], points[1] - points[2 * n - 1]) : 0;
  const total = cumulative[n - 1] + closing;
  // degenerate outline (all vertices coincide): spread evenly so vertices still pair up
  if (total === 0) return cumulative.map((_, i) => i / (closed ? n : Math.max(1, n - 1)));
  return cumulative.map((length) => length / total);
}

function mergeFractions(a: readonly number[], b: readonly number[]): number[] {
  const epsilon = 1e-9;
  const all = [...a, ...b].sort((x, y) => x - y);
  const merged: number[] = [];
  for (const f of all) if (merged.length === 0 || f - merged[merged.length - 1] > epsilon) merged.push(f);
  return merged;
}

/** Points at the given arc-length fractions along the outline. */
function resampleAt(points: readonly number[], closed: boolean, fractions: readonly number[]): number[] {
  const n = points.length / 2;
  const own = arcFractions(points, closed);
  const out: number[] = [];
  let segment = 0;
  for (const f of fractions) {
    // advance to the segment [own[segment], own[segment+1]) that contains f
    while (segment + 1 < n && own[segment + 1] <= f) segment++;
    const start = own[segment];
    const end = segment + 1 < n ? own[segment + 1] : closed ? 1 : own[segment];
    const nextIndex = segment + 1 < n ? segment + 1 : closed ? 0 : segment;
    const t = end > start ? (f - start) / (end - start) : 0;
    out.push(
      lerp(points[2 * segment], points[2 * nextIndex], t),
      lerp(points[2 * segment + 1], points[2 * nextIndex + 1], t),
    );
  }
  return out;
}
