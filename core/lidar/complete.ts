/**
 * Completing a partly seen object to its class's size: LiDAR sees only the faces turned to the
 * sensor, so the fitted rectangle is grown to the size prior away from the sensor, and not past a
 * rectangle the user drew (fit.ts, propose.ts).
 */
import { normalizeAngle } from './box';
import type { Rect2D } from './rectFit';

/** A bird's-eye rectangle drawn by the user, axis-aligned in the LiDAR frame (metres). */
export interface RegionRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Turns a fitted rectangle into (centre, length, width, yaw), extending it to a size prior away
 * from the sensor when given. Which axis is the length: the longer one when it is long enough to
 * be a side; otherwise (only an end face seen) the axis closer to the viewing ray, since the
 * hidden extent runs away from the sensor.
 */
export function completeRect(
  rect: Rect2D, minSize: [number, number] | undefined, sensor: [number, number], bound?: RegionRect,
): { cx: number; cy: number; length: number; width: number; yaw: number } {
  const axes = [rect.angle, rect.angle + Math.PI / 2];
  let ext = [rect.extent1, rect.extent2];
  let lengthAxis = ext[0] >= ext[1] ? 0 : 1;
  let { cx, cy } = rect;
  if (minSize) {
    const rx = cx - sensor[0], ry = cy - sensor[1];
    const along = (a: number) => Math.abs(Math.cos(axes[a]) * rx + Math.sin(axes[a]) * ry);
    if (Math.max(ext[0], ext[1]) < 0.6 * minSize[0]) lengthAxis = along(0) >= along(1) ? 0 : 1;
    const wanted = lengthAxis === 0 ? minSize : [minSize[1], minSize[0]];
    ext = ext.slice();
    for (let a = 0; a < 2; a++) {
      if (ext[a] >= wanted[a]) continue;
      const ux = Math.cos(axes[a]), uy = Math.sin(axes[a]);
      const away = ux * rx + uy * ry >= 0 ? 1 : -1;
      let grow = (wanted[a] - ext[a]) / 2;
      // A drawn rectangle is a hard bound: grow only as far as the box stays inside it.
      if (bound) grow = largestInside(grow, (g) => {
        const e = ext.slice();
        e[a] += 2 * g;
        return footprintInside(cx + away * g * ux, cy + away * g * uy, axes[0], e[0], e[1], bound);
      });
      cx += away * grow * ux;
      cy += away * grow * uy;
      ext[a] += 2 * grow;
    }
  }
  return {
    cx, cy,
    length: ext[lengthAxis],
    width: ext[1 - lengthAxis],
    yaw: normalizeAngle(axes[lengthAxis]),
  };
}

/** True when the rectangle (centre, first axis angle, extents) lies inside `b`, with half a grid cell of slack (the cluster's own points may reach that far past it). */
function footprintInside(cx: number, cy: number, angle: number, e1: number, e2: number, b: RegionRect): boolean {
  const c = Math.cos(angle), s = Math.sin(angle);
  const hx = (Math.abs(c * e1) + Math.abs(s * e2)) / 2, hy = (Math.abs(s * e1) + Math.abs(c * e2)) / 2;
  const x0 = Math.min(b.x0, b.x1) - 0.1, x1 = Math.max(b.x0, b.x1) + 0.1, y0 = Math.min(b.y0, b.y1) - 0.1, y1 = Math.max(b.y0, b.y1) + 0.1;
  return cx - hx >= x0 && cx + hx <= x1 && cy - hy >= y0 && cy + hy <= y1;
}

/** The largest g in [0, max] with ok(g), by bisection (ok(0) is assumed; ok is monotone). */
function largestInside(max: number, ok: (g: number) => boolean): number {
  if (ok(max)) return max;
  let lo = 0, hi = max;
  for (let k = 0; k < 12; k++) {
    const mid = (lo + hi) / 2;
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The largest footprint [long, short] an object of a class with this size prior plausibly shows:
 * class priors are means (KITTI's car 3.9 x 1.6 m) and real members run to about 1.45 x the
 * length (large saloons, pickups) and 1.4 x the width, mirrors and noise included.
 */
