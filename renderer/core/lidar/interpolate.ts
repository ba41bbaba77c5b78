/**
 * Keyframe interpolation of cuboid tracks: centre and size are lerped, yaw takes the shortest way
 * round so a box turning from 179 deg to -179 deg turns 2 deg, not 358.
 */
import type { Cuboid3D, Keyframe } from '../document/schema';
import { normalizeAngle } from './box';

/** Signed smallest rotation taking angle a to angle b, in (-PI, PI]. */
export function shortestAngleDelta(a: number, b: number): number {
  return normalizeAngle(b - a);
}

/** Interpolates between two angles along the shortest arc; t in [0, 1]. Result in (-PI, PI]. */
export function lerpAngle(a: number, b: number, t: number): number {
  return normalizeAngle(a + shortestAngleDelta(a, b) * t);
}

export function lerpCuboid(a: Cuboid3D, b: Cuboid3D, t: number): Cuboid3D {
  const lerp = (x: number, y: number) => x + (y - x) * t;
  const out: Cuboid3D = {
    kind: 'cuboid3d',
    center: [lerp(a.center[0], b.center[0]), lerp(a.center[1], b.center[1]), lerp(a.center[2], b.center[2])],
    size: [lerp(a.size[0], b.size[0]), lerp(a.size[1], b.size[1]), lerp(a.size[2], b.size[2])],
    yaw: lerpAngle(a.yaw, b.yaw, t),
  };
  if (a.rollPitch && b.rollPitch) {
    out.rollPitch = [lerpAngle(a.rollPitch[0], b.rollPitch[0], t), lerpAngle(a.rollPitch[1], b.rollPitch[1], t)];
  }
  return out;
}

export interface InterpolatedCuboid {
  geometry: Cuboid3D;
  /** True when `frame` is itself a keyframe. */
  isKeyframe: boolean;
}

/**
 * The cuboid of a track at `frame`, or null where the object is not present: before the first
 * keyframe, on or after an `outside` keyframe until the next keyframe. After the last keyframe the
 * object stays where it was (the usual video-annotation convention: it persists until marked
 * outside). Keyframes must be sorted by frame (as the schema requires); non-cuboid keyframes are
 * treated as absent.
 */
export function interpolateCuboidTrack(
  keyframes: ReadonlyArray<Pick<Keyframe, 'frame' | 'geometry' | 'outside'>>,
  frame: number,
): InterpolatedCuboid | null {
  // Binary search for the last keyframe at or before `frame`.
  let lo = 0;
  let hi = keyframes.length - 1;
  let prev = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (keyframes[mid].frame <= frame) {
      prev = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (prev < 0) return null;
  const a = keyframes[prev];
  if (a.outside || a.geometry.kind !== 'cuboid3d') return null;
  if (a.frame === frame) return { geometry: a.geometry, isKeyframe: true };
  const b = keyframes[prev + 1];
  if (!b || b.geometry.kind !== 'cuboid3d') return { geometry: a.geometry, isKeyframe: false };
  // Moving towards an `outside` keyframe: hold the last pose rather than drift into the void.
  if (b.outside) return { geometry: a.geometry, isKeyframe: false };
  const t = (frame - a.frame) / (b.frame - a.frame);
  return { geometry: lerpCuboid(a.geometry, b.geometry, t), isKeyframe: false };
}
