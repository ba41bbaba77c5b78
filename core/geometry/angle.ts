/**
 * The one angle rule for every interpolated rotation (rotated 2D boxes, cuboid yaw, roll and
 * pitch): angles are compared and blended the shortest way round, and results are normalised to
 * (-PI, PI]. A box turning from 179 deg to -179 deg turns 2 deg, not 358.
 */

/** `a` wrapped into (-PI, PI]. */
export function normalizeAngle(a: number): number {
  const twoPi = Math.PI * 2;
  let r = a % twoPi;
  if (r <= -Math.PI) r += twoPi;
  else if (r > Math.PI) r -= twoPi;
  return r;
}

/** Signed smallest rotation taking angle a to angle b, in (-PI, PI]. */
export function shortestAngleDelta(a: number, b: number): number {
  return normalizeAngle(b - a);
}

/** Between two angles along the shortest arc; t in [0, 1]. Result in (-PI, PI]. */
export function lerpAngle(a: number, b: number, t: number): number {
  return normalizeAngle(a + shortestAngleDelta(a, b) * t);
}
