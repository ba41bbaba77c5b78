/**
 * Oblique reslice speed: one 512×512 plane of a 512×512×160 Int16 volume on a 19° oblique grid
 * (the FLAIR case), trilinear (display) and nearest (labels), plus windowing to 8 bit — what a
 * view redraws when its plane changes. Median over n planes at different rotations.
 */
import { affineFromColumns, scale } from '../../core/medical/affine';
import { PATIENT_FRAME, resliceNearest, resliceTrilinear, rotateFrame, viewPlane, voxelPlane } from '../../core/medical/reslice';
import { obliqueDirections } from '../../core/medical/synthetic-geometry';
import { applyWindow } from '../../core/medical/window';
import type { Vec3 } from '../../core/medical/types';
import type { BenchRow } from './types';

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

export default async function run(): Promise<BenchRow[]> {
  const dims: Vec3 = [512, 512, 160];
  const { rowDir, colDir } = obliqueDirections(19);
  const n: Vec3 = [rowDir[1] * colDir[2] - rowDir[2] * colDir[1], rowDir[2] * colDir[0] - rowDir[0] * colDir[2], rowDir[0] * colDir[1] - rowDir[1] * colDir[0]];
  const affine = affineFromColumns(scale(rowDir, 0.5), scale(colDir, 0.5), scale(n, 1.5), [-128, -128, -120]);
  const data = new Int16Array(dims[0] * dims[1] * dims[2]);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) % 2000;
  const labels = new Uint8Array(data.length).map((_, i) => (i >> 12) & 3);
  const centre: Vec3 = [0, 0, 0];
  const N = 30;
  const tri: number[] = [];
  const near: number[] = [];
  const win: number[] = [];
  const out = new Float32Array(512 * 512);
  const lab = new Uint8Array(512 * 512);
  const px = new Uint8Array(512 * 512);
  for (let r = 0; r < N; r++) {
    const frame = rotateFrame(PATIENT_FRAME, [0, 0, 1], (r / N) * 0.8);
    const view = (['axial', 'coronal', 'sagittal'] as const)[r % 3];
    // maxSize 512: the plane is exactly 512×512 pixels.
    const plane = viewPlane(frame, view, centre, affine, dims, 0.1, 512);
    const vp = voxelPlane(plane, affine);
    let t = performance.now();
    resliceTrilinear(data, dims, vp, plane.width, plane.height, -1024, out);
    tri.push(performance.now() - t);
    t = performance.now();
    resliceNearest(labels, dims, vp, plane.width, plane.height, lab);
    near.push(performance.now() - t);
    t = performance.now();
    applyWindow(out, { center: 1000, width: 2000 }, false, px);
    win.push(performance.now() - t);
  }
  return [
    { name: `reslice 512×512 trilinear Int16 (median, n = ${N})`, value: median(tri), unit: 'ms' },
    { name: `reslice 512×512 nearest labels (median, n = ${N})`, value: median(near), unit: 'ms' },
    { name: `window 512×512 Float32 → 8 bit (median, n = ${N})`, value: median(win), unit: 'ms' },
  ];
}
