/**
 * Which pixels of a view's slice are loaded while a volume streams in (volumeStream.ts), and how
 * the others are drawn: diagonal stripes that no windowed image produces, so an unloaded region
 * is never read as dark tissue. Planes arrive along one canonical axis; a view across that axis
 * fills row by row or column by column (slicing.ts: axial x = i, y = j; coronal x = i,
 * y = nz−1−k; sagittal x = j, y = nz−1−k).
 */
import type { Orientation } from '../../../core/medical/slicing';
import type { Vec3 } from '../../../core/medical/types';

/** 'all' / 'none': the whole slice; 'rows' / 'cols': pixel row y (column x) is loaded when loaded(y). */
export type SliceLoading = { kind: 'all' } | { kind: 'none' } | { kind: 'rows' | 'cols'; loaded: (n: number) => boolean };

export function sliceLoading(orientation: Orientation, index: number, dims: Vec3, axis: number, planes: Uint8Array): SliceLoading {
  const fixed = orientation === 'axial' ? 2 : orientation === 'coronal' ? 1 : 0;
  if (axis === fixed) return planes[index] ? { kind: 'all' } : { kind: 'none' };
  if (planes.every((p) => p)) return { kind: 'all' };
  const nz = dims[2];
  if (axis === 2) return { kind: 'rows', loaded: (y) => !!planes[nz - 1 - y] }; // coronal, sagittal: y = nz−1−k
  if (axis === 1) return orientation === 'axial' ? { kind: 'rows', loaded: (y) => !!planes[y] } : { kind: 'cols', loaded: (x) => !!planes[x] };
  return { kind: 'cols', loaded: (x) => !!planes[x] }; // axis 0 (i) is x in axial and coronal views
}

const STRIPE_A = [44, 52, 70];
const STRIPE_B = [24, 29, 40];

/** Overwrite the RGBA pixels of unloaded voxels with the loading stripes. Returns the loaded fraction. */
export function paintLoading(rgba: Uint8ClampedArray, width: number, height: number, l: SliceLoading): number {
  if (l.kind === 'all') return 1;
  let shown = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const ok = l.kind === 'none' ? false : l.kind === 'rows' ? l.loaded(y) : l.loaded(x);
      if (ok) {
        shown++;
        continue;
      }
      const c = ((x + y) >> 2) & 1 ? STRIPE_A : STRIPE_B;
      const o = (y * width + x) * 4;
      rgba[o] = c[0];
      rgba[o + 1] = c[1];
      rgba[o + 2] = c[2];
      rgba[o + 3] = 255;
    }
  }
  return shown / (width * height);
}
