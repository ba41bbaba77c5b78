/**
 * Evidence from the points that a 3D box is wrong, without ground truth (the `box-fit` check,
 * boxFit.ts). Pure, typed arrays. Every figure is measured on the box as it is:
 *  - refit: the product's own re-fit of the box to its points (core/lidar/refit.ts, the code behind
 *    the LiDAR editor's R key) and how much it agrees with the box: bird's-eye IoU and height IoU. A
 *    right box re-fits onto itself; a box that is off the object, too small, turned or on clutter
 *    re-fits somewhere else (or nowhere: refused).
 *  - points: LiDAR points inside the box.
 *  - cut: obstacle points (above the local ground) in a thin shell just outside the box's side faces
 *    (past a noise tolerance), as a share of those inside plus those in the shell: the object goes on
 *    past a face.
 *  - groundGap: the box's bottom minus the local ground under its centre (negative: below ground).
 */
import type { Cuboid3D } from '../../document/schema';
import { pointsInBox } from '../../lidar/box';
import { frameIndexFor, groundHeight, type FrameIndex } from '../../lidar/frameIndex';
import { bevIoU } from '../../lidar/iou';
import { freeSpaceViolations, gatherWitnesses } from '../../lidar/freeSpace';
import { refitCuboid } from '../../lidar/refit';

export interface BoxFitEvidence {
  points: number;
  /** Bird's-eye IoU of the re-fit with the box; 0 when the re-fit is refused (nothing, or something else, to fit). */
  refitIoU: number;
  /** Height IoU (vertical overlap / union) of the re-fit with the box; 0 when refused. */
  refitHeightIoU: number;
  refused: boolean;
  /** Obstacle points in the shell outside the side faces / (inside + shell), 0..1. */
  cut: number;
  /** Box bottom minus local ground (metres). */
  groundGap: number;
  /** Bird's-eye distance from the sensor (metres). */
  range: number;
  /**
   * Lines of sight from the sensor that cross the box's solid body band (core/lidar/freeSpace.ts)
   * on their way to a return behind it, as a share of those plus the points inside: the sensor saw
   * through the box, so part of it is empty space.
   */
  seeThrough: number;
  /** Box top minus the highest obstacle point inside its footprint (metres; negative: points above the top). */
  topGap: number;
}

/**
 * The shell outside the side faces (metres): from CUT_TOLERANCE (range noise and a face drawn tight
 * on the surface put returns just outside a right box) to CUT_TOLERANCE + CUT_SHELL (narrower than
 * the gap between parked cars).
 */
export const CUT_TOLERANCE = 0.1;
export const CUT_SHELL = 0.3;

function heightIoU(a: Cuboid3D, b: Cuboid3D): number {
  const a0 = a.center[2] - a.size[2] / 2, a1 = a.center[2] + a.size[2] / 2;
  const b0 = b.center[2] - b.size[2] / 2, b1 = b.center[2] + b.size[2] / 2;
  const inter = Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
  const union = Math.max(a1, b1) - Math.min(a0, b0);
  return union > 0 ? inter / union : 0;
}

/**
 * Obstacle points (the frame index's above-ground points) inside the box's footprint and in the
 * shell around it, both between the box's bottom and top.
 */
function insideAndShell(index: FrameIndex, box: Cuboid3D, shell: number): { inside: number; around: number; top: number } {
  const { cellSize, originX, originY, nx, ny, cellStart, sorted, positions } = index;
  const hl = box.size[0] / 2, hw = box.size[1] / 2;
  const z0 = box.center[2] - box.size[2] / 2, z1 = box.center[2] + box.size[2] / 2;
  const c = Math.cos(box.yaw), s = Math.sin(box.yaw);
  const r = Math.hypot(hl + CUT_TOLERANCE + shell, hw + CUT_TOLERANCE + shell);
  const gx0 = Math.max(0, Math.floor((box.center[0] - r - originX) / cellSize)), gx1 = Math.min(nx - 1, Math.floor((box.center[0] + r - originX) / cellSize));
  const gy0 = Math.max(0, Math.floor((box.center[1] - r - originY) / cellSize)), gy1 = Math.min(ny - 1, Math.floor((box.center[1] + r - originY) / cellSize));
  let inside = 0, around = 0, top = -Infinity;
  for (let gy = gy0; gy <= gy1; gy++)
    for (let gx = gx0; gx <= gx1; gx++) {
      const cell = gx + gy * nx;
      for (let j = cellStart[cell]; j < cellStart[cell + 1]; j++) {
        const p = sorted[j];
        const z = positions[p * 3 + 2];
        if (z < z0 || z > z1 + 1) continue;
        const dx = positions[p * 3] - box.center[0], dy = positions[p * 3 + 1] - box.center[1];
        const lx = Math.abs(dx * c + dy * s), ly = Math.abs(-dx * s + dy * c);
        if (lx <= hl && ly <= hw && z > top) top = z;
        if (z > z1) continue;
        if (lx <= hl + CUT_TOLERANCE && ly <= hw + CUT_TOLERANCE) inside++;
        else if (lx <= hl + CUT_TOLERANCE + shell && ly <= hw + CUT_TOLERANCE + shell) around++;
      }
    }
  return { inside, around, top };
}

/**
 * The evidence for one box (in the cloud's coordinates). `prior`: the class's size prior
 * [length, width, height] (core/lidar/sizePrior.ts), as the editor's R key passes it.
 */
export function boxFitEvidence(
  positions: Float32Array,
  count: number,
  box: Cuboid3D,
  prior?: readonly [number, number, number],
  index: FrameIndex = frameIndexFor(positions, count),
): BoxFitEvidence {
  const points = pointsInBox(positions, count, box);
  const refit = refitCuboid(positions, count, box, { index, prior });
  const { inside, around, top } = insideAndShell(index, box, CUT_SHELL);
  const ground = groundHeight(index, box.center[0], box.center[1]);
  const w = gatherWitnesses(index, box.center[0], box.center[1], Math.hypot(box.size[0], box.size[1]) / 2, [0, 0]);
  const seen = freeSpaceViolations(w, box.center[0], box.center[1], box.yaw, box.size[0], box.size[1]);
  return {
    points,
    refitIoU: refit ? bevIoU(refit, box) : 0,
    refitHeightIoU: refit ? heightIoU(refit, box) : 0,
    refused: !refit,
    cut: inside + around > 0 ? around / (inside + around) : 0,
    groundGap: box.center[2] - box.size[2] / 2 - (Number.isFinite(ground) ? ground : box.center[2] - box.size[2] / 2),
    range: Math.hypot(box.center[0], box.center[1]),
    seeThrough: seen + points > 0 ? seen / (seen + points) : 0,
    topGap: Number.isFinite(top) ? box.center[2] + box.size[2] / 2 - top : box.size[2],
  };
}
