/**
 * A pinhole camera shared by every calibration format, point projection, cuboid wireframe
 * projection with near-plane clipping, and a sanity check for inverted extrinsics.
 */
import type { Cuboid3D } from '../document/schema';
import { CUBOID_EDGES, cuboidCorners } from '../lidar/box';
import { invert4, type Mat3, type Mat4 } from './matrix';

export interface CameraModel {
  name?: string;
  width: number;
  height: number;
  /** Intrinsics, 3x3 row-major: [fx, s, cx, 0, fy, cy, 0, 0, 1]. */
  K: Mat3;
  /** Rigid transform from the LiDAR frame to the camera frame (x right, y down, z forward), 4x4 row-major. */
  lidarToCamera: Mat4;
}

/** Points closer than this to the image plane (metres along the optical axis) are not projected. */
export const DEFAULT_NEAR = 0.1;

/**
 * Projects x,y,z-interleaved LiDAR points. Writes u, v, depth per point into `out` (length
 * count*3); points at depth <= near get NaN pixel coordinates so they are never drawn wrapped
 * around through the camera centre. Returns `out`.
 */
export function projectPoints(
  positions: Float32Array,
  count: number,
  camera: CameraModel,
  out = new Float32Array(count * 3),
  near = DEFAULT_NEAR,
): Float32Array {
  // Fold K into the extrinsic once: P = K * [R|t] (3x4).
  const P = projectionMatrix(camera);
  for (let i = 0; i < count; i++) {
    const x = positions[i * 3];
    const y = positions[i * 3 + 1];
    const z = positions[i * 3 + 2];
    const w = P[8] * x + P[9] * y + P[10] * z + P[11];
    const depth = cameraDepth(camera.lidarToCamera, x, y, z);
    if (depth <= near) {
      out[i * 3] = NaN;
      out[i * 3 + 1] = NaN;
    } else {
      out[i * 3] = (P[0] * x + P[1] * y + P[2] * z + P[3]) / w;
      out[i * 3 + 1] = (P[4] * x + P[5] * y + P[6] * z + P[7]) / w;
    }
    out[i * 3 + 2] = depth;
  }
  return out;
}

/** K * [R|t] as a 3x4 row-major array. */
export function projectionMatrix(camera: CameraModel): number[] {
  const K = camera.K;
  const T = camera.lidarToCamera;
  const P = new Array<number>(12).fill(0);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 4; c++) P[r * 4 + c] = K[r * 3] * T[c] + K[r * 3 + 1] * T[4 + c] + K[r * 3 + 2] * T[8 + c];
  return P;
}

/** Pixel coordinates of a point already in camera coordinates (in front of the camera). */
export function projectCameraPoint(K: ArrayLike<number>, x: number, y: number, z: number): [number, number] {
  const w = K[6] * x + K[7] * y + K[8] * z;
  return [(K[0] * x + K[1] * y + K[2] * z) / w, (K[3] * x + K[4] * y + K[5] * z) / w];
}

function cameraDepth(T: ArrayLike<number>, x: number, y: number, z: number): number {
  return T[8] * x + T[9] * y + T[10] * z + T[11];
}

export interface ProjectedSegment {
  /** Index into CUBOID_EDGES. */
  edge: number;
  a: [number, number];
  b: [number, number];
}

/**
 * Projects the 12 edges of a cuboid. Edges wholly behind the near plane are dropped; edges that
 * cross it are cut at the plane in camera space before the perspective divide, which is what keeps
 * a box beside the camera from being drawn as lines shooting across the image.
 */
export function projectCuboidWireframe(box: Cuboid3D, camera: CameraModel, near = DEFAULT_NEAR): ProjectedSegment[] {
  const corners = cuboidCorners(box);
  const T = camera.lidarToCamera;
  const cam = new Float64Array(24);
  for (let i = 0; i < 8; i++) {
    const x = corners[i * 3];
    const y = corners[i * 3 + 1];
    const z = corners[i * 3 + 2];
    cam[i * 3] = T[0] * x + T[1] * y + T[2] * z + T[3];
    cam[i * 3 + 1] = T[4] * x + T[5] * y + T[6] * z + T[7];
    cam[i * 3 + 2] = T[8] * x + T[9] * y + T[10] * z + T[11];
  }
  const project = (x: number, y: number, z: number) => projectCameraPoint(camera.K, x, y, z);
  const segments: ProjectedSegment[] = [];
  CUBOID_EDGES.forEach(([i, j], edge) => {
    let ax = cam[i * 3], ay = cam[i * 3 + 1], az = cam[i * 3 + 2];
    let bx = cam[j * 3], by = cam[j * 3 + 1], bz = cam[j * 3 + 2];
    if (az < near && bz < near) return;
    if (az < near || bz < near) {
      const t = (near - az) / (bz - az); // parameter where the edge meets z = near
      const cx = ax + t * (bx - ax);
      const cy = ay + t * (by - ay);
      if (az < near) [ax, ay, az] = [cx, cy, near];
      else [bx, by, bz] = [cx, cy, near];
    }
    segments.push({ edge, a: project(ax, ay, az), b: project(bx, by, bz) });
  });
  return segments;
}

export interface ExtrinsicCheck {
  ok: boolean;
  warnings: string[];
  /** Fraction of all points that land inside the image in front of the camera. */
  inImageFraction: number;
  /** The same fraction if the extrinsic were inverted (camera->LiDAR given as LiDAR->camera). */
  inImageFractionIfInverted: number;
  /** Of the points whose ray lies in the camera's field-of-view cone (either way along the axis), the fraction behind the camera. */
  behindFraction: number;
}

/**
 * Flags an extrinsic that is evidently the wrong way round (camera->LiDAR given as LiDAR->camera).
 * Two signs are used, because a spinning LiDAR sees in every direction and a wrong camera pose
 * still finds points to look at:
 *  - cameras are mounted upright, so the camera's up axis (-y) must point up (+z) in the LiDAR
 *    frame; when it does not but it would with the inverse, the extrinsic is inverted;
 *  - the points in the camera's viewing cone should lie in front of it: when most of them are
 *    behind while the inverse puts clearly more points in the image, it is inverted too.
 * A near half-turn rotation is its own inverse, so such an inversion (only the translation
 * changes) cannot be detected and is harmless for display. Samples at most `maxSamples` points.
 */
export function checkExtrinsic(
  positions: Float32Array,
  count: number,
  camera: CameraModel,
  maxSamples = 20000,
): ExtrinsicCheck {
  const step = Math.max(1, Math.floor(count / maxSamples));
  const K = camera.K;
  const stats = (T: ArrayLike<number>) => {
    let inImage = 0;
    let inCone = 0;
    let behind = 0;
    let sampled = 0;
    for (let i = 0; i < count; i += step) {
      sampled++;
      const x = positions[i * 3], y = positions[i * 3 + 1], z = positions[i * 3 + 2];
      const cx = T[0] * x + T[1] * y + T[2] * z + T[3];
      const cy = T[4] * x + T[5] * y + T[6] * z + T[7];
      const cz = T[8] * x + T[9] * y + T[10] * z + T[11];
      const az = Math.abs(cz);
      if (az < DEFAULT_NEAR) continue;
      // Pixel coordinates of the ray regardless of which side of the camera it is on.
      const u = (K[0] * cx + K[1] * cy) / az + K[2];
      const v = (K[4] * cy) / az + K[5];
      if (u < 0 || v < 0 || u >= camera.width || v >= camera.height) continue;
      inCone++;
      if (cz < 0) behind++;
      else inImage++;
    }
    // Camera up (-y) expressed in the LiDAR frame is minus the second row of R; its z component:
    const upZ = -T[6];
    return { inImage: inImage / Math.max(1, sampled), behind: inCone ? behind / inCone : 0, upZ };
  };
  const direct = stats(camera.lidarToCamera);
  const inverted = stats(invert4(camera.lidarToCamera));
  const warnings: string[] = [];
  const name = camera.name ? `camera ${camera.name}` : 'camera';
  if (direct.upZ < 0.5 && inverted.upZ > 0.8) {
    warnings.push(
      `${name}: the LiDAR->camera extrinsic looks inverted: as given the camera would not be upright ` +
        `(its up axis has z = ${direct.upZ.toFixed(2)} in the LiDAR frame; the inverse gives ${inverted.upZ.toFixed(2)})`,
    );
  } else if (inverted.inImage > 2 * direct.inImage + 0.005 && direct.behind > 0.5) {
    warnings.push(
      `${name}: the LiDAR->camera extrinsic looks inverted (${pct(direct.behind)} of points in the view cone are behind the camera; ` +
        `${pct(inverted.inImage)} of points would be in the image with the inverse vs ${pct(direct.inImage)} as given)`,
    );
  } else if (direct.inImage < 0.002) {
    warnings.push(`${name}: almost no points (${pct(direct.inImage)}) project into the image; check the extrinsic`);
  }
  return {
    ok: warnings.length === 0,
    warnings,
    inImageFraction: direct.inImage,
    inImageFractionIfInverted: inverted.inImage,
    behindFraction: direct.behind,
  };
}

function pct(f: number): string {
  return `${(f * 100).toFixed(1)}%`;
}
