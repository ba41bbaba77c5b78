/**
 * nuScenes cameras as stored in mmdetection3d info files (*.pkl.json): per camera `cam2img`
 * (3x3, sometimes padded to 4x4) and `lidar2cam` (4x4 row-major, LiDAR -> camera).
 */
import type { CameraModel } from './camera';
import { FileFormatError } from './errors';

/** nuScenes camera images are 1600x900. */
export const NUSCENES_IMAGE_SIZE = { width: 1600, height: 900 };

interface InfoImage {
  cam2img?: number[][];
  lidar2cam?: number[][];
}

function flatten(m: unknown, rows: number, cols: number, file: string, field: string): number[] {
  if (!Array.isArray(m) || m.length < rows) throw new FileFormatError(file, `${field}: expected a ${rows}x${cols} matrix`);
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = m[r];
    if (!Array.isArray(row) || row.length < cols) throw new FileFormatError(file, `${field}: row ${r} has fewer than ${cols} numbers`);
    for (let c = 0; c < cols; c++) {
      const v = row[c];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new FileFormatError(file, `${field}[${r}][${c}] is not a number`);
      out.push(v);
    }
  }
  return out;
}

/** Camera models of one info entry (`data_list[i]`), keyed by camera name (CAM_FRONT, ...). */
export function nuScenesCameraModels(
  info: { images?: Record<string, InfoImage> },
  file = 'info.pkl.json',
  size = NUSCENES_IMAGE_SIZE,
): Record<string, CameraModel> {
  if (!info.images || typeof info.images !== 'object') throw new FileFormatError(file, 'no "images" section');
  const out: Record<string, CameraModel> = {};
  for (const [name, img] of Object.entries(info.images)) {
    if (!img.cam2img || !img.lidar2cam) continue; // cameras without calibration cannot be projected to
    out[name] = {
      name,
      width: size.width,
      height: size.height,
      K: flatten(img.cam2img, 3, 3, file, `${name}.cam2img`),
      lidarToCamera: flatten(img.lidar2cam, 4, 4, file, `${name}.lidar2cam`),
    };
  }
  return out;
}
