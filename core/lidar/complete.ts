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
 * Counts the returns a footprint hypothesis (centre, first-axis angle, extents) contradicts:
 * lines of sight through it (freeSpace.ts). Lower is better.
 */
export type FreeSpaceCost = (cx: number, cy: number, angle: number, e1: number, e2: number) => number;

/**
 * Turns a fitted rectangle into (centre, length, width, yaw), extending it to a size prior when
 * given. Which axis is the length: the longer one when it is long enough to be a side; otherwise
 * (only an end face seen) the axis closer to the viewing ray, since the hidden extent runs away
 * from the sensor. Each short axis grows away from the sensor (the seen faces stay put).
 *
 * Those defaults are wrong when the near part of the object is hidden (a car behind a car shows
 * the far half of its side, which reads as an end face, and its hidden part lies towards the
 * occluder, not away from the sensor). With `freeSpace`, the other readings (the other length
 * axis when only a short part is seen, growth towards the sensor on each axis) are scored by the
 * returns they contradict, and one replaces the default only when it contradicts clearly fewer
 * (`minGain` returns fewer): without such evidence the default stands.
 */
export function completeRect(
  rect: Rect2D, minSize: [number, number] | undefined, sensor: [number, number], bound?: RegionRect,
  freeSpace?: FreeSpaceCost, minGain = 6,
): { cx: number; cy: number; length: number; width: number; yaw: number; violations?: number } {
  const axes = [rect.angle, rect.angle + Math.PI / 2];
  const ext0 = [rect.extent1, rect.extent2];
  let lengthAxis = ext0[0] >= ext0[1] ? 0 : 1;
  if (!minSize) return { cx: rect.cx, cy: rect.cy, length: ext0[lengthAxis], width: ext0[1 - lengthAxis], yaw: normalizeAngle(axes[lengthAxis]) };
  const rx = rect.cx - sensor[0], ry = rect.cy - sensor[1];
  const along = (a: number) => Math.abs(Math.cos(axes[a]) * rx + Math.sin(axes[a]) * ry);
  const endOnly = Math.max(ext0[0], ext0[1]) < 0.6 * minSize[0];
  if (endOnly) lengthAxis = along(0) >= along(1) ? 0 : 1;
  // dirs[a]: +1 grows axis a away from the sensor (the default), -1 towards it.
  const grown = (la: number, dirs: [number, number]) => {
    const wanted = la === 0 ? minSize : [minSize[1], minSize[0]];
    const ext = ext0.slice();
    let { cx, cy } = rect;
    for (let a = 0; a < 2; a++) {
      if (ext[a] >= wanted[a]) continue;
      const ux = Math.cos(axes[a]), uy = Math.sin(axes[a]);
      const away = (ux * rx + uy * ry >= 0 ? 1 : -1) * dirs[a];
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
    return { cx, cy, ext, la };
  };
  let best = grown(lengthAxis, [1, 1]);
  let violations: number | undefined;
  if (freeSpace) {
    const needs = (la: number, a: number) => ext0[a] < (la === 0 ? minSize : [minSize[1], minSize[0]])[a];
    const cost = (h: ReturnType<typeof grown>) => freeSpace(h.cx, h.cy, axes[0], h.ext[0], h.ext[1]);
    const base = cost(best);
    let bestCost = base;
    for (const la of endOnly ? [lengthAxis, 1 - lengthAxis] : [lengthAxis])
      for (const d0 of needs(la, 0) ? [1, -1] : [1])
        for (const d1 of needs(la, 1) ? [1, -1] : [1]) {
          if (la === lengthAxis && d0 === 1 && d1 === 1) continue;
          const h = grown(la, [d0, d1]);
          const c = cost(h);
          if (c <= base - minGain && c < bestCost) {
            best = h;
            bestCost = c;
          }
        }
    violations = bestCost;
  }
  return {
    violations,
    cx: best.cx, cy: best.cy,
    length: best.ext[best.la],
    width: best.ext[1 - best.la],
    yaw: normalizeAngle(axes[best.la]),
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
