/**
 * Cuboid tracks for the LiDAR code paths (QA, exports, proposals). There is one interpolation of
 * tracks, core/document/tracks.ts (`keyframeShape`, `lerpCuboid`), and one angle rule,
 * core/geometry/angle.ts; this module only narrows them to cuboids.
 */
import type { Cuboid3D, Keyframe } from '../document/schema';
import { keyframeShape, lerpCuboid } from '../document/tracks';

export { lerpAngle, shortestAngleDelta } from '../geometry/angle';
export { lerpCuboid };

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
  const s = keyframeShape(keyframes, frame);
  if (!s || s.outside || s.geometry.kind !== 'cuboid3d') return null;
  return { geometry: s.geometry, isKeyframe: s.keyframe };
}
