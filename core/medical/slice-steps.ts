/**
 * The slice step of a sorted stack from its ImagePositionPatient values, shared by the volume
 * build (series.ts) and the header-only geometry the streamed open answers with
 * (stack-geometry.ts), so the two can never disagree on the affine or the warnings.
 */
import { dot, norm, scale, sub } from './affine';
import type { Vec3 } from './types';

export interface SliceSteps {
  /** Mean step from the first to the last slice (or the normal times the stated spacing). */
  sliceStep: Vec3;
  /** Its length in mm (1 when it is zero). */
  dz: number;
  warnings: string[];
}

/**
 * `positions` in sorted stack order (undefined where a slice has none); `statedSpacing` is
 * SpacingBetweenSlices, else SliceThickness, else 1, used when fewer than two positions exist.
 */
export function sliceSteps(positions: readonly (Vec3 | undefined)[], normal: Vec3, statedSpacing: number): SliceSteps {
  const nz = positions.length;
  const origin = positions[0];
  const last = positions[nz - 1];
  const sliceStep: Vec3 = nz > 1 && last && origin ? scale(sub(last, origin), 1 / (nz - 1)) : scale(normal, statedSpacing);
  const dz = norm(sliceStep) || 1;
  const warnings: string[] = [];
  const along = positions.map((p) => (p ? dot(p, normal) : NaN));
  for (let k = 1; k < along.length; k++) {
    const gap = along[k] - along[k - 1];
    if (Math.abs(gap - dz) > 0.01 * dz + 1e-3) {
      warnings.push(`irregular slice spacing (${gap.toFixed(3)} mm between slices ${k - 1} and ${k}, mean ${dz.toFixed(3)} mm); the affine uses the mean step, slicePositions keeps the exact ones`);
      break;
    }
  }
  if (along.some((a, k) => k > 0 && a === along[k - 1])) warnings.push('duplicate slice positions in the stack');
  return { sliceStep, dz, warnings };
}
