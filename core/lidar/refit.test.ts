import { describe, expect, it } from 'vitest';
import { makeCuboid } from './box';
import { buildFrameIndex } from './frameIndex';
import { bevIoU } from './iou';
import { refitCuboid } from './refit';
import { HAS_DATA, readKittiCloud, readText } from '../../tests/support/lidarData';
import { parseKittiCalib } from '../calib/kitti';
import { kittiLabelToCuboid, parseKittiLabels } from '../formats/kitti/labels';
import { fitBoxAtClick } from './fit';
import { loadVehicleScenes } from '../../tests/support/vehicleScenes';

/** Road plus a car 4.4 x 1.8 m at (10, -3), its two visible sides dense. */
function scene(): Float32Array {
  const pts: number[] = [];
  for (let x = -5; x < 25; x += 0.15) for (let y = -10; y < 5; y += 0.15) pts.push(x, y, -1.7);
  for (let z = -1.4; z <= -0.3; z += 0.1) {
    for (let x = 7.8; x <= 12.2; x += 0.05) pts.push(x, -2.1, z);
    for (let y = -3.9; y <= -2.1; y += 0.05) pts.push(7.8, y, z);
  }
  return Float32Array.from(pts);
}

describe('refitCuboid', () => {
  const truth = makeCuboid([10, -3, -1.0], [4.4, 1.8, 1.4], 0);
  it('snaps a rough box (0.4 m off, 10° turned) back onto the car', () => {
    const positions = scene();
    const rough = makeCuboid([10.4, -3.3, -1.0], [4.0, 2.0, 1.6], (10 * Math.PI) / 180);
    const r = refitCuboid(positions, positions.length / 3, rough, { minSize: [3.9, 1.6] })!;
    expect(bevIoU(r, truth)).toBeGreaterThan(0.75);
    expect(bevIoU(r, truth)).toBeGreaterThan(bevIoU(rough, truth));
  });

  it('keeps a box over bare ground (null)', () => {
    const positions = scene();
    expect(refitCuboid(positions, positions.length / 3, makeCuboid([20, 2, -1], [4, 1.8, 1.5], 0), { minSize: [3.9, 1.6] })).toBeNull();
  });

  it.skipIf(!HAS_DATA)('improves perturbed labels of the KITTI tracking drive (n >= 50 cars)', () => {
    let n = 0, before = 0, after = 0;
    for (const s of loadVehicleScenes().filter((x) => x.dataset === 'kitti-tracking-0001')) {
      const index = buildFrameIndex(s.cloud.positions, s.cloud.count);
      for (const v of s.vehicles) {
        if (v.points < 50) continue;
        n++;
        const b = v.box;
        const rough = makeCuboid([b.center[0] + 0.3, b.center[1] - 0.2, b.center[2]], [b.size[0] * 0.9, b.size[1] * 1.1, b.size[2]], b.yaw + 0.14);
        const r = refitCuboid(s.cloud.positions, s.cloud.count, rough, { index, minSize: [3.9, 1.6] }) ?? rough;
        if (bevIoU(rough, b) >= 0.7) before++;
        if (bevIoU(r, b) >= 0.7) after++;
      }
    }
    console.log(`[refit] KITTI tracking, n=${n}: IoU>=0.7 ${before} rough -> ${after} re-fitted`);
    expect(n).toBeGreaterThanOrEqual(50);
    expect(after).toBeGreaterThan(before);
  });

  it.skipIf(!HAS_DATA)('KITTI 000002: a fitted car pushed 0.5 m forward (next to a wall) is re-fitted back onto the car', () => {
    const calib = parseKittiCalib(readText('kitti', 'calib', '000002.txt'), '000002.txt');
    const gt = kittiLabelToCuboid(parseKittiLabels(readText('kitti', 'label_2', '000002.txt'), '000002.txt').find((l) => l.type === 'Car')!, calib);
    const cloud = readKittiCloud('000002');
    const index = buildFrameIndex(cloud.positions, cloud.count);
    const fitted = fitBoxAtClick(cloud.positions, cloud.count, [gt.center[0], gt.center[1]], { index, minSize: [3.9, 1.6] })!.box;
    const pushed = makeCuboid([fitted.center[0] + 0.52 * Math.cos(fitted.yaw), fitted.center[1] + 0.52 * Math.sin(fitted.yaw), fitted.center[2]], fitted.size, fitted.yaw);
    const r = refitCuboid(cloud.positions, cloud.count, pushed, { index, minSize: [3.9, 1.6] })!;
    expect(bevIoU(r, gt)).toBeGreaterThan(0.7);
  });
});
