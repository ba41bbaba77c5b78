/**
 * Label-map editing: one Uint8Array with the volume's dims, 0 = background, 1..255 = segment.
 * Tools work on a slice of any orientation through the same mapping as slicing.ts, so what is
 * painted on a coronal view is what the axial view shows.
 */
import { signedDistance } from './distance-transform';
import { sliceGeometry, sliceStrides, type Orientation } from './slicing';
import type { Vec3, Volume } from './types';

export interface Labelmap {
  dims: Vec3;
  spacing: Vec3;
  data: Uint8Array;
}

export interface SlicePlane {
  orientation: Orientation;
  index: number;
}

export function createLabelmap(volume: Pick<Volume, 'dims' | 'spacing'>): Labelmap {
  const [nx, ny, nz] = volume.dims;
  return { dims: [...volume.dims], spacing: [...volume.spacing], data: new Uint8Array(nx * ny * nz) };
}

function planeWalker(map: Labelmap, plane: SlicePlane) {
  const geometry = sliceGeometry(map.dims, map.spacing, plane.orientation);
  if (plane.index < 0 || plane.index >= geometry.count) throw new RangeError(`${plane.orientation} slice ${plane.index} out of range`);
  const { base, dx, dy } = sliceStrides(map.dims, plane.orientation, plane.index);
  return { ...geometry, offset: (x: number, y: number) => base + x * dx + y * dy };
}

/**
 * Paint (or erase) a disc of radius `radiusMm` centred at slice pixel `center`; the disc is round
 * in millimetres, so it is elliptical in pixels on anisotropic planes. Erasing clears only
 * `label` (pass 0 to clear every label). Returns the number of voxels changed.
 */
export function paintDisc(map: Labelmap, plane: SlicePlane, center: [number, number], radiusMm: number, label: number, erase = false): number {
  const w = planeWalker(map, plane);
  const [sx, sy] = w.pixelSpacing;
  const rx = radiusMm / sx;
  const ry = radiusMm / sy;
  const r2 = radiusMm * radiusMm;
  let changed = 0;
  for (let y = Math.max(0, Math.ceil(center[1] - ry)); y <= Math.min(w.height - 1, Math.floor(center[1] + ry)); y++) {
    const ddy = (y - center[1]) * sy;
    for (let x = Math.max(0, Math.ceil(center[0] - rx)); x <= Math.min(w.width - 1, Math.floor(center[0] + rx)); x++) {
      const ddx = (x - center[0]) * sx;
      if (ddx * ddx + ddy * ddy > r2) continue;
      const o = w.offset(x, y);
      const old = map.data[o];
      const next = erase ? (label === 0 || old === label ? 0 : old) : label;
      if (next !== old) {
        map.data[o] = next;
        changed++;
      }
    }
  }
  return changed;
}

/**
 * Fill a polygon (flat [x0, y0, x1, y1, ...] in slice pixels) with the even-odd rule, testing
 * pixel centres. Returns voxels changed.
 */
export function fillPolygon(map: Labelmap, plane: SlicePlane, points: ArrayLike<number>, label: number): number {
  const w = planeWalker(map, plane);
  const n = points.length >> 1;
  if (n < 3) return 0;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minY = Math.min(minY, points[2 * i + 1]);
    maxY = Math.max(maxY, points[2 * i + 1]);
  }
  const crossings: number[] = [];
  let changed = 0;
  for (let y = Math.max(0, Math.ceil(minY)); y <= Math.min(w.height - 1, Math.floor(maxY)); y++) {
    crossings.length = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const yi = points[2 * i + 1];
      const yj = points[2 * j + 1];
      // Half-open rule so a vertex on the scanline is counted once.
      if (yi <= y !== yj <= y) {
        const xi = points[2 * i];
        const xj = points[2 * j];
        crossings.push(xi + ((y - yi) * (xj - xi)) / (yj - yi));
      }
    }
    crossings.sort((a, b) => a - b);
    for (let c = 0; c + 1 < crossings.length; c += 2) {
      const x0 = Math.max(0, Math.ceil(crossings[c]));
      const x1 = Math.min(w.width - 1, Math.floor(crossings[c + 1]));
      for (let x = x0; x <= x1; x++) {
        const o = w.offset(x, y);
        if (map.data[o] !== label) {
          map.data[o] = label;
          changed++;
        }
      }
    }
  }
  return changed;
}

/**
 * Label every voxel whose value lies in [min, max] — in the whole volume, or only on `plane`.
 * Voxels already carrying another label are left alone unless `overwrite`.
 */
export function thresholdFill(map: Labelmap, volume: Pick<Volume, 'data' | 'dims' | 'channels'>, min: number, max: number, label: number, plane?: SlicePlane, overwrite = false): number {
  if (volume.channels !== 1) throw new Error('threshold needs a single-channel volume');
  let changed = 0;
  const visit = (o: number) => {
    const v = volume.data[o];
    const old = map.data[o];
    if (v >= min && v <= max && old !== label && (overwrite || old === 0)) {
      map.data[o] = label;
      changed++;
    }
  };
  if (!plane) {
    for (let o = 0; o < map.data.length; o++) visit(o);
    return changed;
  }
  const w = planeWalker(map, plane);
  for (let y = 0; y < w.height; y++) for (let x = 0; x < w.width; x++) visit(w.offset(x, y));
  return changed;
}

/** Binary mask of `label` on one slice. */
function sliceMask(map: Labelmap, plane: SlicePlane, label: number): { mask: Uint8Array; any: boolean } {
  const w = planeWalker(map, plane);
  const mask = new Uint8Array(w.width * w.height);
  let any = false;
  for (let y = 0; y < w.height; y++) {
    for (let x = 0; x < w.width; x++) {
      if (map.data[w.offset(x, y)] === label) {
        mask[y * w.width + x] = 1;
        any = true;
      }
    }
  }
  return { mask, any };
}

/**
 * Fill the gaps between annotated slices of `label` by blending the signed distance maps of
 * each pair of neighbouring annotated slices (shape-based interpolation): at fraction t the
 * segment is where (1-t)*sdfA + t*sdfB <= 0. Only background voxels are written.
 * Returns the number of voxels added.
 */
export function interpolateSegment(map: Labelmap, label: number, orientation: Orientation = 'axial'): number {
  const { count, width, height } = sliceGeometry(map.dims, map.spacing, orientation);
  const annotated: number[] = [];
  for (let s = 0; s < count; s++) if (sliceMask(map, { orientation, index: s }, label).any) annotated.push(s);
  let added = 0;
  for (let p = 0; p + 1 < annotated.length; p++) {
    const a = annotated[p];
    const b = annotated[p + 1];
    if (b - a < 2) continue;
    const sdfA = signedDistance(sliceMask(map, { orientation, index: a }, label).mask, width, height);
    const sdfB = signedDistance(sliceMask(map, { orientation, index: b }, label).mask, width, height);
    for (let s = a + 1; s < b; s++) {
      const t = (s - a) / (b - a);
      const w = planeWalker(map, { orientation, index: s });
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const i = y * width + x;
          if ((1 - t) * sdfA[i] + t * sdfB[i] > 0) continue;
          const o = w.offset(x, y);
          if (map.data[o] === 0) {
            map.data[o] = label;
            added++;
          }
        }
      }
    }
  }
  return added;
}

/** Volume of each label present, in millilitres (voxel count x voxel volume / 1000). */
export function segmentVolumesMl(map: Labelmap): Map<number, number> {
  const counts = new Float64Array(256);
  for (let i = 0; i < map.data.length; i++) counts[map.data[i]]++;
  const voxelMl = (map.spacing[0] * map.spacing[1] * map.spacing[2]) / 1000;
  const out = new Map<number, number>();
  for (let l = 1; l < 256; l++) if (counts[l] > 0) out.set(l, counts[l] * voxelMl);
  return out;
}

export function segmentVolumeMl(map: Labelmap, label: number): number {
  return segmentVolumesMl(map).get(label) ?? 0;
}

/** Default segment colours (RGB), in the order segments are added; shared by the host and the editor. */
export const SEGMENT_COLORS: [number, number, number][] = [
  [230, 80, 80],
  [80, 200, 120],
  [80, 150, 240],
  [240, 200, 60],
  [200, 100, 220],
  [60, 210, 210],
  [250, 140, 60],
  [170, 170, 250],
];
