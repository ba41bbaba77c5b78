/**
 * KITTI object calibration files: P0-P3 (3x4 projections of the rectified cameras), R0_rect
 * (3x3 rectifying rotation of camera 0) and Tr_velo_to_cam (3x4 Velodyne -> camera 0).
 * A Velodyne point x maps to image 2 as P2 * R0_rect * Tr_velo_to_cam * x, and KITTI labels live
 * in the rectified camera-0 frame R0_rect * Tr_velo_to_cam * x.
 */
import type { CameraModel } from './camera';
import { FileFormatError, parseNumbers } from './errors';
import { invert4, multiply4, toMat4, type Mat4 } from './matrix';

export interface KittiCalib {
  /** P0..P3, each 3x4 row-major. */
  P: number[][];
  R0_rect: number[];
  Tr_velo_to_cam: number[];
  Tr_imu_to_velo?: number[];
}

const REQUIRED: Record<string, number> = { P0: 12, P1: 12, P2: 12, P3: 12, R0_rect: 9, Tr_velo_to_cam: 12 };

export function parseKittiCalib(text: string, file = 'calib.txt'): KittiCalib {
  const fields = new Map<string, number[]>();
  text.split(/\r?\n/).forEach((line) => {
    if (!line.trim()) return;
    const colon = line.indexOf(':');
    if (colon < 0) throw new FileFormatError(file, `line "${line.slice(0, 40)}" has no "name:" prefix`);
    const key = line.slice(0, colon).trim();
    // Raw KITTI tracking/odometry files name the same matrices R_rect / Tr_velo_cam.
    const canonical = key === 'R_rect' ? 'R0_rect' : key === 'Tr_velo_cam' ? 'Tr_velo_to_cam' : key;
    const expected = REQUIRED[canonical] ?? (canonical === 'Tr_imu_to_velo' || canonical === 'Tr_imu_velo' ? 12 : undefined);
    fields.set(canonical, parseNumbers(line.slice(colon + 1), file, key, expected));
  });
  for (const key of Object.keys(REQUIRED))
    if (!fields.has(key)) throw new FileFormatError(file, `missing ${key}`);
  return {
    P: ['P0', 'P1', 'P2', 'P3'].map((k) => fields.get(k)!),
    R0_rect: fields.get('R0_rect')!,
    Tr_velo_to_cam: fields.get('Tr_velo_to_cam')!,
    Tr_imu_to_velo: fields.get('Tr_imu_to_velo') ?? fields.get('Tr_imu_velo'),
  };
}

/** Velodyne -> rectified camera 0 (the frame of KITTI labels). */
export function kittiVeloToRect(calib: KittiCalib): Mat4 {
  return multiply4(toMat4(calib.R0_rect), toMat4(calib.Tr_velo_to_cam));
}

export function kittiRectToVelo(calib: KittiCalib): Mat4 {
  return invert4(kittiVeloToRect(calib));
}

/**
 * The pinhole model of rectified camera `index` (2 = left colour, the one labels are drawn on).
 * P_i = K [I | K^-1 p4]: the rectified cameras differ from camera 0 by a pure translation, which
 * we fold into the extrinsic so every format shares the K + LiDAR->camera form.
 */
export function kittiCameraModel(calib: KittiCalib, index = 2, width = 1242, height = 375): CameraModel {
  const P = calib.P[index];
  const K = [P[0], P[1], P[2], P[4], P[5], P[6], P[8], P[9], P[10]];
  // Solve K t = p4 for the upper-triangular K.
  const tz = P[11] / K[8];
  const ty = (P[7] - K[5] * tz) / K[4];
  const tx = (P[3] - K[1] * ty - K[2] * tz) / K[0];
  const shift: Mat4 = [1, 0, 0, tx, 0, 1, 0, ty, 0, 0, 1, tz, 0, 0, 0, 1];
  return { name: `P${index}`, width, height, K, lidarToCamera: multiply4(shift, kittiVeloToRect(calib)) };
}
