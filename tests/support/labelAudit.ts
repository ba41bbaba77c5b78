/**
 * Does a ground-truth box sit on its own points? A fit from the points can only match a label
 * that does; moving vehicles labelled at another instant than the sweep (Argoverse 2 label
 * timestamps vs the sweep) or boxes drawn with a margin do not. Two measurable rules, each with a
 * shifted copy of the label (same size and heading, moved along / across its heading in 0.1 m
 * steps within SHIFT_M) as the witness that the points are there, just elsewhere:
 *
 * Either way the shift must be at least MIN_SHIFT_M (0.5 m).
 *
 *  - `cover`: the label holds < 60 % of the points of the object's cluster (the fitted cluster
 *    from a click on the label's own points) while a shifted copy holds >= 90 % of them;
 *  - `see-through`: the sensor saw deep through the label: more returns than the label holds
 *    points (and >= SEE_THROUGH_MIN) have lines of sight crossing its solid body band (0.4-0.95 m
 *    above the ground, freeSpace.ts, the evidence the fit's completion uses) over >= SEE_DEPTH_M,
 *    while a shifted copy that still holds the cluster's points (>= the label's share) is crossed
 *    by at most half as many (SEE_THROUGH_KEEP). A car's box whose near half is empty is seen through over
 *    metres; a label on its points is not (its near faces are where the lines of sight end; a
 *    box drawn a few decimetres larger than the car is crossed by less than SEE_DEPTH_M).
 *
 * Test / tool support only (fit-diagnose.ts, fit-eval.ts); never used by the fit.
 */
import type { Cuboid3D } from '../../core/document/schema';
import type { FrameIndex } from '../../core/lidar/frameIndex';
import { freeSpaceViolations, gatherWitnesses } from '../../core/lidar/freeSpace';

export interface LabelAudit {
  /** Share of the cluster's points inside the label's footprint (0.1 m slack). */
  cover: number;
  /** Best share a shifted copy holds, and that shift [along, across the label's heading] (m). */
  shiftedCover: number;
  coverShift: [number, number];
  /** Returns whose lines of sight cross the label's body band; the fewest a shifted copy holding the points gets, and its shift. */
  seeThrough: number;
  seeThroughShifted: number;
  seeThroughShift: [number, number];
  /** Which rule says the label does not sit on its points (null: it does). */
  off: 'cover' | 'see-through' | null;
}

const SHIFT_M = 4;
const STEP_M = 0.1;
const SEE_THROUGH_MIN = 20;
const SEE_DEPTH_M = 0.8;
const SEE_THROUGH_KEEP = 0.5;
/** A label displaced by less than this is label noise, not a label off its points. */
const MIN_SHIFT_M = 0.5;

/** Audit of one label against the indices of its object's cluster (obstacle points). */
export function auditLabel(index: FrameIndex, box: Cuboid3D, cluster: ArrayLike<number>, labelPoints: number): LabelAudit {
  const P = index.positions;
  const c = Math.cos(box.yaw), s = Math.sin(box.yaw);
  const hl = box.size[0] / 2 + STEP_M, hw = box.size[1] / 2 + STEP_M;
  // Cluster points in the label's frame.
  const n = cluster.length;
  const a = new Float64Array(n), b = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = cluster[k];
    const dx = P[i * 3] - box.center[0], dy = P[i * 3 + 1] - box.center[1];
    a[k] = dx * c + dy * s;
    b[k] = -dx * s + dy * c;
  }
  const coverAt = (sa: number, sb: number) => {
    let inside = 0;
    for (let k = 0; k < n; k++) if (Math.abs(a[k] - sa) <= hl && Math.abs(b[k] - sb) <= hw) inside++;
    return n ? inside / n : 0;
  };
  const steps = Math.round(SHIFT_M / STEP_M);
  const cover = coverAt(0, 0);
  let shiftedCover = cover, coverShift: [number, number] = [0, 0];
  const covers: Array<[number, number, number]> = [];
  for (let i = -steps; i <= steps; i++)
    for (let j = -steps; j <= steps; j++) {
      const sa = i * STEP_M, sb = j * STEP_M;
      const cv = coverAt(sa, sb);
      covers.push([sa, sb, cv]);
      if (cv > shiftedCover + 1e-9 || (Math.abs(cv - shiftedCover) < 1e-9 && Math.hypot(sa, sb) < Math.hypot(...coverShift))) {
        shiftedCover = cv;
        coverShift = [sa, sb];
      }
    }
  const w = gatherWitnesses(index, box.center[0], box.center[1], Math.hypot(box.size[0], box.size[1]) / 2 + SHIFT_M + 0.5, [0, 0]);
  const seenAt = (sa: number, sb: number) =>
    freeSpaceViolations(w, box.center[0] + sa * c - sb * s, box.center[1] + sa * s + sb * c, box.yaw, box.size[0], box.size[1], SEE_DEPTH_M);
  const seeThrough = seenAt(0, 0);
  let seeThroughShifted = seeThrough, seeThroughShift: [number, number] = [0, 0];
  const seenThrough = seeThrough >= Math.max(SEE_THROUGH_MIN, labelPoints);
  if (seenThrough) {
    // Shifts that still hold the points, on a 0.2 m grid (the violations cost a pass over the witnesses each).
    for (const [sa, sb, cv] of covers) {
      if (cv < cover - 0.02 || Math.round(sa / STEP_M) % 2 || Math.round(sb / STEP_M) % 2) continue;
      const v = seenAt(sa, sb);
      if (v < seeThroughShifted || (v === seeThroughShifted && Math.hypot(sa, sb) < Math.hypot(...seeThroughShift))) {
        seeThroughShifted = v;
        seeThroughShift = [sa, sb];
      }
    }
  }
  const off = cover < 0.6 && shiftedCover >= 0.9 && Math.hypot(...coverShift) >= MIN_SHIFT_M ? 'cover'
    : seenThrough && seeThroughShifted <= SEE_THROUGH_KEEP * seeThrough && Math.hypot(...seeThroughShift) >= MIN_SHIFT_M ? 'see-through' : null;
  return { cover, shiftedCover, coverShift, seeThrough, seeThroughShifted, seeThroughShift, off };
}
