import { describe, expect, it } from 'vitest';
import { paintLoading, sliceLoading } from './loadingMask';
import { extractArraySlice, type Orientation } from '../../../core/medical/slicing';
import type { Vec3 } from '../../../core/medical/types';

describe('loading mask', () => {
  it('marks exactly the pixels whose voxels lie on planes not yet loaded, in every view and plane axis', () => {
    const dims: Vec3 = [6, 5, 4];
    for (const axis of [0, 1, 2]) {
      const planes = Uint8Array.from({ length: dims[axis] }, (_, i) => (i % 2 ? 1 : 0));
      // The truth: a volume whose voxel is 1 where its plane along `axis` is loaded.
      const vol = new Uint8Array(dims[0] * dims[1] * dims[2]);
      for (let k = 0; k < dims[2]; k++) for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) vol[(k * dims[1] + j) * dims[0] + i] = planes[[i, j, k][axis]];
      for (const o of ['axial', 'coronal', 'sagittal'] as Orientation[]) {
        const count = o === 'axial' ? dims[2] : o === 'coronal' ? dims[1] : dims[0];
        for (let index = 0; index < count; index++) {
          const truth = extractArraySlice(vol, dims, [1, 1, 1], o, index);
          const rgba = new Uint8ClampedArray(truth.width * truth.height * 4).fill(7);
          const frac = paintLoading(rgba, truth.width, truth.height, sliceLoading(o, index, dims, axis, planes));
          for (let p = 0; p < truth.width * truth.height; p++) expect(rgba[p * 4] === 7, `${o} ${index} axis ${axis} pixel ${p}`).toBe(!!truth.data[p]);
          expect(frac).toBeCloseTo(truth.data.reduce((a, b) => a + b, 0) / truth.data.length, 6);
        }
      }
    }
  });
});
