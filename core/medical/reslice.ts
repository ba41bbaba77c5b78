/**
 * Oblique reslicing: sample a volume on any plane given in patient (LPS mm) coordinates.
 * Display values are trilinear, labels nearest. The label map is never resampled for storage:
 * painting maps each display pixel back to ONE source voxel with `planePixelToVoxel`, the same
 * nearest rule the label overlay uses, so what is shown is exactly what is written.
 *
 * A plane is origin (centre of pixel 0,0) + x·u + y·v, u and v in mm per pixel. Everything in
 * the inner loops is incremental (voxel position += du per pixel), no allocation per pixel.
 */
import { invert, transformPoint } from './affine';
import type { Mat4, Vec3, VoxelArray } from './types';

export interface ReslicePlane {
  /** Patient position (LPS mm) of the centre of pixel (0, 0). */
  origin: Vec3;
  /** Patient displacement (mm) of one pixel step along x / along y. */
  u: Vec3;
  v: Vec3;
  width: number;
  height: number;
}

/** Orthonormal view frame: columns are the display x axis, display y axis and the plane normal, in LPS. */
export type Frame = [Vec3, Vec3, Vec3];

/** Plane pixels → continuous voxel indices: p(x, y) = p0 + x·du + y·dv. */
export interface VoxelPlane {
  p0: Vec3;
  du: Vec3;
  dv: Vec3;
}

function linear(m: Mat4, d: Vec3): Vec3 {
  return [m[0] * d[0] + m[1] * d[1] + m[2] * d[2], m[4] * d[0] + m[5] * d[1] + m[6] * d[2], m[8] * d[0] + m[9] * d[1] + m[10] * d[2]];
}

/** The plane in voxel coordinates of a volume whose voxel→patient affine is `affine`. */
export function voxelPlane(plane: ReslicePlane, affine: Mat4): VoxelPlane {
  const inv = invert(affine);
  return { p0: transformPoint(inv, plane.origin), du: linear(inv, plane.u), dv: linear(inv, plane.v) };
}

/**
 * Trilinear samples of `data` (dims, x fastest) on the plane into `out` (width·height).
 * Pixels outside the volume get `fill`. Returns `out`.
 */
export function resliceTrilinear(data: VoxelArray, dims: Vec3, vp: VoxelPlane, width: number, height: number, fill: number, out = new Float32Array(width * height)): Float32Array {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const [ux, uy, uz] = vp.du;
  const [vx, vy, vz] = vp.dv;
  // A voxel index in [n-1, n-1+eps) is clamped so the last voxel layer is reachable.
  const mx = nx - 1;
  const my = ny - 1;
  const mz = nz - 1;
  let o = 0;
  for (let y = 0; y < height; y++) {
    let fx = vp.p0[0] + y * vx;
    let fy = vp.p0[1] + y * vy;
    let fz = vp.p0[2] + y * vz;
    for (let x = 0; x < width; x++, fx += ux, fy += uy, fz += uz) {
      // Half a voxel of tolerance outside the centres, like the nearest rule (clamped there).
      if (fx < -0.5 || fy < -0.5 || fz < -0.5 || fx > mx + 0.5 || fy > my + 0.5 || fz > mz + 0.5) {
        out[o++] = fill;
        continue;
      }
      const cx = fx < 0 ? 0 : fx > mx ? mx : fx;
      const cy = fy < 0 ? 0 : fy > my ? my : fy;
      const cz = fz < 0 ? 0 : fz > mz ? mz : fz;
      let i0 = Math.floor(cx);
      let j0 = Math.floor(cy);
      let k0 = Math.floor(cz);
      if (i0 === mx && mx > 0) i0--;
      if (j0 === my && my > 0) j0--;
      if (k0 === mz && mz > 0) k0--;
      const tx = cx - i0;
      const ty = cy - j0;
      const tz = cz - k0;
      const sx = mx > 0 ? 1 : 0;
      const sy = my > 0 ? nx : 0;
      const sz = mz > 0 ? plane : 0;
      const b = k0 * plane + j0 * nx + i0;
      const c00 = data[b] + (data[b + sx] - data[b]) * tx;
      const c10 = data[b + sy] + (data[b + sy + sx] - data[b + sy]) * tx;
      const c01 = data[b + sz] + (data[b + sz + sx] - data[b + sz]) * tx;
      const c11 = data[b + sz + sy] + (data[b + sz + sy + sx] - data[b + sz + sy]) * tx;
      const c0 = c00 + (c10 - c00) * ty;
      const c1 = c01 + (c11 - c01) * ty;
      out[o++] = c0 + (c1 - c0) * tz;
    }
  }
  return out;
}

/** Nearest voxel index of a continuous one, or -1 outside the volume (the rule painting uses too). */
function nearest(f: number, n: number): number {
  const r = Math.round(f);
  return r < 0 || r >= n ? -1 : r;
}

/** Nearest-neighbour samples (labels) on the plane into `out`; outside the volume → 0. */
export function resliceNearest(labels: Uint8Array, dims: Vec3, vp: VoxelPlane, width: number, height: number, out = new Uint8Array(width * height)): Uint8Array {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const [ux, uy, uz] = vp.du;
  const [vx, vy, vz] = vp.dv;
  let o = 0;
  for (let y = 0; y < height; y++) {
    let fx = vp.p0[0] + y * vx;
    let fy = vp.p0[1] + y * vy;
    let fz = vp.p0[2] + y * vz;
    for (let x = 0; x < width; x++, fx += ux, fy += uy, fz += uz) {
      const i = nearest(fx, nx);
      const j = nearest(fy, ny);
      const k = nearest(fz, nz);
      out[o++] = i < 0 || j < 0 || k < 0 ? 0 : labels[k * plane + j * nx + i];
    }
  }
  return out;
}

/**
 * The voxel that display pixel (x, y) of the plane shows (nearest), or null outside the volume.
 * Computed exactly as in `resliceNearest` (same incremental sums) so painting and the label
 * overlay can never disagree by a rounding difference.
 */
export function planePixelToVoxel(vp: VoxelPlane, dims: Vec3, x: number, y: number): Vec3 | null {
  // Same order of additions as the loops: row start (p0 + y·dv), then x steps of du.
  let fx = vp.p0[0] + y * vp.dv[0];
  let fy = vp.p0[1] + y * vp.dv[1];
  let fz = vp.p0[2] + y * vp.dv[2];
  for (let s = 0; s < x; s++) {
    fx += vp.du[0];
    fy += vp.du[1];
    fz += vp.du[2];
  }
  const i = nearest(fx, dims[0]);
  const j = nearest(fy, dims[1]);
  const k = nearest(fz, dims[2]);
  return i < 0 || j < 0 || k < 0 ? null : [i, j, k];
}

/** Rotation of `frame` by `angle` radians about unit `axis` (Rodrigues), kept orthonormal. */
export function rotateFrame(frame: Frame, axis: Vec3, angle: number): Frame {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const rot = (p: Vec3): Vec3 => {
    const d = axis[0] * p[0] + axis[1] * p[1] + axis[2] * p[2];
    const cr: Vec3 = [axis[1] * p[2] - axis[2] * p[1], axis[2] * p[0] - axis[0] * p[2], axis[0] * p[1] - axis[1] * p[0]];
    return [p[0] * c + cr[0] * s + axis[0] * d * (1 - c), p[1] * c + cr[1] * s + axis[1] * d * (1 - c), p[2] * c + cr[2] * s + axis[2] * d * (1 - c)];
  };
  return [rot(frame[0]), rot(frame[1]), rot(frame[2])];
}

/** True patient axes: the frame of "reset orientation". Columns L, P, S. */
export const PATIENT_FRAME: Frame = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

export type ViewName = 'axial' | 'coronal' | 'sagittal';

/**
 * Display axes of each view in a frame whose columns are (L, P, S)-like axes e0, e1, e2:
 * axial x = e0 (patient left on the right of the screen), y = e1 (posterior down);
 * coronal x = e0, y = −e2 (superior up); sagittal x = e1, y = −e2. Same as slicing.ts on a
 * canonical LPS grid, so with PATIENT_FRAME a resliced view matches the unresliced one.
 */
export function viewAxes(frame: Frame, view: ViewName): { x: Vec3; y: Vec3; normal: Vec3 } {
  const [e0, e1, e2] = frame;
  const neg = (a: Vec3): Vec3 => [-a[0], -a[1], -a[2]];
  switch (view) {
    case 'axial':
      return { x: e0, y: e1, normal: e2 };
    case 'coronal':
      return { x: e0, y: neg(e2), normal: e1 };
    case 'sagittal':
      return { x: e1, y: neg(e2), normal: e0 };
  }
}

const dot3 = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross3 = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const unit = (a: Vec3): Vec3 => {
  const l = Math.hypot(a[0], a[1], a[2]) || 1;
  return [a[0] / l, a[1] / l, a[2] / l];
};

/**
 * Screen axes of a view whose plane normal comes from `frame`: x is the view's upright x axis
 * (viewAxes of the patient frame) projected into the plane, y completes it on the side of the
 * upright y. So rotating the crosshair in a view (about that view's normal) reslices the other
 * two views and leaves this one's picture as it was — only its crosshair lines turn, as in Slicer.
 */
export function displayAxes(frame: Frame, view: ViewName): { x: Vec3; y: Vec3; normal: Vec3 } {
  const normal = viewAxes(frame, view).normal;
  const up = viewAxes(PATIENT_FRAME, view);
  let x0 = up.x;
  // A plane nearly perpendicular to the upright x (rotated ~90°): fall back to the upright y.
  if (Math.abs(dot3(x0, normal)) > 0.99) x0 = cross3(up.y, normal);
  const x = unit([x0[0] - dot3(x0, normal) * normal[0], x0[1] - dot3(x0, normal) * normal[1], x0[2] - dot3(x0, normal) * normal[2]]);
  let y = cross3(normal, x);
  if (dot3(y, up.y) < 0) y = [-y[0], -y[1], -y[2]];
  return { x, y, normal };
}

/**
 * Direction, in a view's screen axes, of its crosshair line that is the other view's plane:
 * the intersection of the two planes (normal × other normal).
 */
export function crosshairDirection(frame: Frame, view: ViewName, other: ViewName): [number, number] {
  const a = displayAxes(frame, view);
  const d = cross3(a.normal, viewAxes(frame, other).normal);
  return [dot3(d, a.x), dot3(d, a.y)];
}

/**
 * The plane of `view` through `centre` (patient mm) in `frame`, covering the whole volume:
 * square pixels of `pixelMm`, sized to the volume's bounding-box diagonal so no rotation crops
 * it, capped at `maxSize` pixels per side. The centre falls on pixel (cx, cy) returned too.
 */
export function viewPlane(frame: Frame, view: ViewName, centre: Vec3, affine: Mat4, dims: Vec3, pixelMm: number, maxSize = 1024): ReslicePlane & { cx: number; cy: number; normal: Vec3 } {
  const { x, y, normal } = displayAxes(frame, view);
  // Volume centre and diagonal in patient space.
  const mid = transformPoint(affine, [(dims[0] - 1) / 2, (dims[1] - 1) / 2, (dims[2] - 1) / 2]);
  const a = transformPoint(affine, [0, 0, 0]);
  const b = transformPoint(affine, [dims[0] - 1, dims[1] - 1, dims[2] - 1]);
  const diag = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]) + pixelMm;
  let px = pixelMm;
  let size = Math.ceil(diag / px);
  if (size > maxSize) {
    px = diag / maxSize;
    size = maxSize;
  }
  // The plane passes through `centre`; in-plane it is centred on the volume's centre.
  const rel: Vec3 = [mid[0] - centre[0], mid[1] - centre[1], mid[2] - centre[2]];
  const mx = rel[0] * x[0] + rel[1] * x[1] + rel[2] * x[2];
  const my = rel[0] * y[0] + rel[1] * y[1] + rel[2] * y[2];
  const half = (size - 1) / 2;
  const origin: Vec3 = [0, 1, 2].map((d) => centre[d] + (mx - half * px) * x[d] + (my - half * px) * y[d]) as Vec3;
  const cx = half - mx / px;
  const cy = half - my / px;
  return { origin, u: [x[0] * px, x[1] * px, x[2] * px], v: [y[0] * px, y[1] * px, y[2] * px], width: size, height: size, cx, cy, normal };
}

/** Patient position of plane pixel (x, y) (fractional allowed). */
export function planeToPatient(plane: ReslicePlane, x: number, y: number): Vec3 {
  return [0, 1, 2].map((d) => plane.origin[d] + x * plane.u[d] + y * plane.v[d]) as Vec3;
}
