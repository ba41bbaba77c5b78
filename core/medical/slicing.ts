/**
 * Orthogonal slices through a Volume. Orientation names refer to voxel axes of an axially
 * acquired stack: axial fixes k, coronal fixes j, sagittal fixes i. Coronal and sagittal
 * slices put the highest k on row 0 so that, for axial acquisitions (k grows superior),
 * superior is up. `sliceToVoxel` is the one place this mapping is defined; segmentation
 * tools use it too, so painting and display always agree.
 */
import type { Vec3, Volume, VoxelArray, WindowLevel } from './types';
import { applyWindow } from './window';

export type Orientation = 'axial' | 'coronal' | 'sagittal';

export interface SliceGeometry {
  width: number;
  height: number;
  /** mm between pixel centres along slice x and slice y. */
  pixelSpacing: [number, number];
  /** Number of slices in this orientation. */
  count: number;
}

export function sliceGeometry(dims: Vec3, spacing: Vec3, orientation: Orientation): SliceGeometry {
  const [nx, ny, nz] = dims;
  const [sx, sy, sz] = spacing;
  switch (orientation) {
    case 'axial':
      return { width: nx, height: ny, pixelSpacing: [sx, sy], count: nz };
    case 'coronal':
      return { width: nx, height: nz, pixelSpacing: [sx, sz], count: ny };
    case 'sagittal':
      return { width: ny, height: nz, pixelSpacing: [sy, sz], count: nx };
  }
}

/** Voxel (i, j, k) shown at slice pixel (x, y) of slice `index`. */
export function sliceToVoxel(dims: Vec3, orientation: Orientation, index: number, x: number, y: number): Vec3 {
  const nz = dims[2];
  switch (orientation) {
    case 'axial':
      return [x, y, index];
    case 'coronal':
      return [x, index, nz - 1 - y];
    case 'sagittal':
      return [index, x, nz - 1 - y];
  }
}

/**
 * Linear voxel offsets of one slice: offset of pixel (0,0), and strides for x and y. Lets
 * callers walk a slice of any orientation without per-pixel branching.
 */
export function sliceStrides(dims: Vec3, orientation: Orientation, index: number): { base: number; dx: number; dy: number } {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  switch (orientation) {
    case 'axial':
      return { base: index * plane, dx: 1, dy: nx };
    case 'coronal':
      return { base: index * nx + (nz - 1) * plane, dx: 1, dy: -plane };
    case 'sagittal':
      return { base: index + (nz - 1) * plane, dx: nx, dy: -plane };
  }
}

export interface Slice<T extends VoxelArray = VoxelArray> extends SliceGeometry {
  /** A copy (never a view) of the slice voxels, row-major, same element type as the volume. */
  data: T;
}

function checkIndex(count: number, index: number, orientation: Orientation): void {
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new RangeError(`${orientation} slice ${index} out of range 0..${count - 1}`);
}

/** Copy one slice of a single-channel array laid out with `dims`. */
export function extractArraySlice<T extends VoxelArray>(data: T, dims: Vec3, spacing: Vec3, orientation: Orientation, index: number): Slice<T> {
  const geometry = sliceGeometry(dims, spacing, orientation);
  checkIndex(geometry.count, index, orientation);
  const { width, height } = geometry;
  const { base, dx, dy } = sliceStrides(dims, orientation, index);
  const out = new (data.constructor as new (n: number) => T)(width * height);
  if (dx === 1) {
    for (let y = 0; y < height; y++) out.set(data.subarray(base + y * dy, base + y * dy + width) as never, y * width);
  } else {
    let o = 0;
    for (let y = 0; y < height; y++) {
      let p = base + y * dy;
      for (let x = 0; x < width; x++, p += dx) out[o++] = data[p];
    }
  }
  return { ...geometry, data: out };
}

/** Copy one slice of a grey volume. */
export function extractSlice(volume: Volume, orientation: Orientation, index: number): Slice {
  if (volume.channels !== 1) throw new Error('extractSlice expects a single-channel volume');
  return extractArraySlice(volume.data, volume.dims, volume.spacing, orientation, index);
}

/** Slice + window/level in one step: the 8-bit image a viewer draws. */
export function windowedSlice(volume: Volume, orientation: Orientation, index: number, window: WindowLevel = volume.window, invert = volume.invertDisplay ?? false, out?: Uint8Array): { width: number; height: number; pixels: Uint8Array } {
  const slice = extractSlice(volume, orientation, index);
  return { width: slice.width, height: slice.height, pixels: applyWindow(slice.data, window, invert, out) };
}

/** In-plane distance in mm between two slice-pixel positions (may be fractional). */
export function distanceMm(geometry: Pick<SliceGeometry, 'pixelSpacing'>, a: [number, number], b: [number, number]): number {
  return Math.hypot((b[0] - a[0]) * geometry.pixelSpacing[0], (b[1] - a[1]) * geometry.pixelSpacing[1]);
}
