/**
 * Views in patient space. The three editor views cut a volume along its voxel axes, so a volume
 * is first re-indexed into a *canonical* grid whose axes run along the patient axes: i' towards
 * patient Left, j' towards Posterior, k' towards Superior (LPS). Then "axial" (fixed k'),
 * "coronal" (fixed j') and "sagittal" (fixed i') are true anatomical planes whatever the
 * acquisition (sagittal or coronal DICOM stacks, NIfTI stored PIR, LAS, ...).
 *
 * Re-indexing is a permutation and flip of the axes, never a resampling: every canonical voxel is
 * exactly one source voxel. So painting on the canonical grid maps back to the source grid
 * without loss (`reorientArray(..., 'toSource')`), and label maps are stored and exported in the
 * source grid (DICOM SEG / NIfTI keep the source geometry).
 *
 * Oblique acquisitions are re-indexed to the nearest patient axes; `obliqueDeg` says how far the
 * voxel axes are from the patient axes, so the caller can say so (see geometry.ts).
 */
import { column } from './affine';
import type { Mat4, Vec3, VoxelArray } from './types';

export interface Reorientation {
  /** perm[a] = the source voxel axis shown along canonical axis a (0: R-L, 1: A-P, 2: I-S). */
  perm: Vec3;
  /** flip[a]: the canonical index runs against the source axis. */
  flip: [boolean, boolean, boolean];
  /** Canonical dims, spacing and affine (voxel -> LPS mm). */
  dims: Vec3;
  spacing: Vec3;
  affine: Mat4;
  /** Largest angle in degrees between a canonical voxel axis and its patient axis (0 = not oblique). */
  obliqueDeg: number;
  /** True when the canonical grid is the source grid (no copy needed). */
  identity: boolean;
}

const PERMUTATIONS: Vec3[] = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];

/**
 * The canonical (LPS-ordered) grid of a volume with this affine. Each patient axis gets the
 * source axis closest to it; the assignment maximises the summed |cosines| over the six
 * permutations, so even a 45° oblique stack gets three distinct axes.
 */
export function canonicalOrientation(affine: Mat4, dims: Vec3, spacing: Vec3): Reorientation {
  const dirs = [0, 1, 2].map((c) => {
    const v = column(affine, c);
    const n = Math.hypot(v[0], v[1], v[2]);
    return n > 0 ? (v.map((x) => x / n) as Vec3) : ([0, 0, 0] as Vec3);
  });
  let best = PERMUTATIONS[0];
  let bestScore = -1;
  for (const p of PERMUTATIONS) {
    // p[a] = source axis for patient axis a.
    const score = Math.abs(dirs[p[0]][0]) + Math.abs(dirs[p[1]][1]) + Math.abs(dirs[p[2]][2]);
    if (score > bestScore + 1e-9) {
      best = p;
      bestScore = score;
    }
  }
  const perm: Vec3 = [...best];
  const flip = [0, 1, 2].map((a) => dirs[perm[a]][a] < 0) as [boolean, boolean, boolean];
  const cdims: Vec3 = [dims[perm[0]], dims[perm[1]], dims[perm[2]]];
  const cspacing: Vec3 = [spacing[perm[0]], spacing[perm[1]], spacing[perm[2]]];
  // Canonical voxel 0 is the source voxel at the far end of every flipped axis.
  const src0: Vec3 = [0, 0, 0];
  for (let a = 0; a < 3; a++) if (flip[a]) src0[perm[a]] = dims[perm[a]] - 1;
  const origin = [0, 1, 2].map((r) => affine[r * 4] * src0[0] + affine[r * 4 + 1] * src0[1] + affine[r * 4 + 2] * src0[2] + affine[r * 4 + 3]);
  const out: Mat4 = new Array(16).fill(0);
  for (let a = 0; a < 3; a++) {
    const s = flip[a] ? -1 : 1;
    for (let r = 0; r < 3; r++) out[r * 4 + a] = s * affine[r * 4 + perm[a]];
  }
  for (let r = 0; r < 3; r++) out[r * 4 + 3] = origin[r];
  out[15] = 1;
  let worst = 0;
  for (let a = 0; a < 3; a++) {
    const c = Math.min(1, Math.abs(dirs[perm[a]][a]));
    worst = Math.max(worst, (Math.acos(c) * 180) / Math.PI);
  }
  const identity = perm[0] === 0 && perm[1] === 1 && perm[2] === 2 && !flip[0] && !flip[1] && !flip[2];
  return { perm, flip, dims: cdims, spacing: cspacing, affine: out, obliqueDeg: worst, identity };
}

/** Source voxel (i, j, k) of canonical voxel c. */
export function canonicalToSource(r: Pick<Reorientation, 'perm' | 'flip' | 'dims'>, c: Vec3): Vec3 {
  const s: Vec3 = [0, 0, 0];
  for (let a = 0; a < 3; a++) s[r.perm[a]] = r.flip[a] ? r.dims[a] - 1 - c[a] : c[a];
  return s;
}

/** Canonical voxel of source voxel s (inverse of canonicalToSource). */
export function sourceToCanonical(r: Pick<Reorientation, 'perm' | 'flip' | 'dims'>, s: Vec3): Vec3 {
  const c: Vec3 = [0, 0, 0];
  for (let a = 0; a < 3; a++) c[a] = r.flip[a] ? r.dims[a] - 1 - s[r.perm[a]] : s[r.perm[a]];
  return c;
}

/**
 * Copy a single-channel array between the source and the canonical grid with precomputed strides
 * (no per-voxel index maths).
 * `out` may be given to reuse memory; it must not alias `data`.
 */
export function reorientArray<T extends VoxelArray>(data: T, r: Pick<Reorientation, 'perm' | 'flip' | 'dims' | 'identity'>, direction: 'toCanonical' | 'toSource', out?: T): T {
  const [cx, cy, cz] = r.dims;
  const n = cx * cy * cz;
  if (data.length !== n) throw new RangeError(`reorientArray: ${data.length} values for ${cx}x${cy}x${cz}`);
  const result = out ?? (new (data.constructor as new (n: number) => T)(n));
  if (r.identity) {
    result.set(data as never);
    return result;
  }
  // Source dims and strides.
  const sdims: Vec3 = [0, 0, 0];
  for (let a = 0; a < 3; a++) sdims[r.perm[a]] = r.dims[a];
  const sstride = [1, sdims[0], sdims[0] * sdims[1]];
  const step = [0, 1, 2].map((a) => (r.flip[a] ? -1 : 1) * sstride[r.perm[a]]);
  let base = 0;
  for (let a = 0; a < 3; a++) if (r.flip[a]) base += (r.dims[a] - 1) * sstride[r.perm[a]];
  const cstride = [1, cx, cx * cy];
  // Strided writes cost more than strided reads (write-allocate), so the innermost loop writes
  // sequentially; the middle loop takes the axis with the smallest stride on the read side, so
  // the cache lines one inner loop reads are reused by the next (measured in docs/medical.md).
  const toCanonical = direction === 'toCanonical';
  const written = toCanonical ? cstride : step.map(Math.abs);
  const read = toCanonical ? step.map(Math.abs) : cstride;
  const inner = [0, 1, 2].reduce((x, y) => (written[y] < written[x] ? y : x));
  const rest = [0, 1, 2].filter((a) => a !== inner).sort((x, y) => read[x] - read[y]);
  const order = [inner, ...rest];
  const [ai, am, ao] = order;
  const [ni, nm, no] = [r.dims[ai], r.dims[am], r.dims[ao]];
  const [si, sm, so] = [step[ai], step[am], step[ao]];
  const [ci, cm, co] = [cstride[ai], cstride[am], cstride[ao]];
  for (let z = 0; z < no; z++) {
    for (let y = 0; y < nm; y++) {
      let p = base + z * so + y * sm;
      let o = z * co + y * cm;
      if (toCanonical) for (let x = 0; x < ni; x++, p += si, o += ci) result[o] = data[p];
      else for (let x = 0; x < ni; x++, p += si, o += ci) result[p] = data[o];
    }
  }
  return result;
}
