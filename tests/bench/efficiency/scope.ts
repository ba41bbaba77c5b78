/**
 * The annotation scope of a KITTI frame: KITTI labels only what camera 2 sees, so the benchmark's
 * clouds are cropped to the camera's view (the "velodyne_reduced" layout many detectors use; the
 * same crop as ../shared/data/kitti-cropped). Every arm annotates the same cropped clouds. Without
 * the crop every parked car behind the sensor would be a "false" pre-label that is in fact a car
 * nobody labelled, and the manual arm would not annotate it either.
 */
import type { CameraModel } from '../../../core/calib/camera';
import { projectPoints } from '../../../core/calib/camera';

/** KITTI `.bin` records (x y z intensity, float32) of the points that project into the image. */
export function cropToCamera(records: Float32Array, camera: CameraModel): Float32Array {
  const n = records.length / 4;
  const xyz = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) xyz[i * 3 + k] = records[i * 4 + k];
  const uvd = projectPoints(xyz, n, camera);
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = uvd[i * 3], v = uvd[i * 3 + 1];
    if (u >= 0 && u < camera.width && v >= 0 && v < camera.height) keep.push(i);
  }
  const out = new Float32Array(keep.length * 4);
  keep.forEach((i, j) => out.set(records.subarray(i * 4, i * 4 + 4), j * 4));
  return out;
}
