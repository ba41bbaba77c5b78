import { describe, expect, it } from 'vitest';
import { exportKittiLabels, importKittiLabels, kittiLabelToCuboid, parseKittiLabels, projectedBox2D } from './labels';
import { kittiCameraModel, parseKittiCalib } from '../../calib/kitti';
import { AnnotationObject } from '../../document/schema';
import { pointsInBox } from '../../lidar/box';
import { HAS_DATA, KITTI_FRAMES, SKIP_MESSAGE, readKittiCloud, readText } from '../../../tests/support/lidarData';

/** Compares two label texts field by field: names exactly, numbers within `tol`. */
function expectSameLabels(actual: string, expected: string, tol = 0.0101) {
  const a = actual.trim().split('\n');
  const e = expected.trim().split('\n');
  expect(a.length).toBe(e.length);
  a.forEach((line, i) => {
    const fa = line.split(' ');
    const fe = e[i].trim().split(/\s+/);
    expect(fa.length).toBe(fe.length);
    expect(fa[0]).toBe(fe[0]);
    for (let k = 1; k < fe.length; k++) {
      const diff = Math.abs(Number(fa[k]) - Number(fe[k]));
      // alpha (field 3) and rotation_y can wrap at +-pi
      const wrapped = k === 3 || k === 14 ? Math.min(diff, Math.abs(diff - 2 * Math.PI)) : diff;
      expect(wrapped, `line ${i + 1} field ${k + 1}: ${fa[k]} vs ${fe[k]}`).toBeLessThanOrEqual(tol);
    }
  });
}

describe('KITTI label parsing', () => {
  it('reports the file and line of bad input', () => {
    expect(() => parseKittiLabels('Car 0 0', '000007.txt')).toThrow(/000007\.txt: line 1: expected 15 or 16 fields, found 3/);
    expect(() => parseKittiLabels('Car 0.00 0 x 1 1 1 1 1 1 1 1 1 1 1', 'a.txt')).toThrow(/a\.txt: line 1: field 4 "x"/);
  });
});

describe.skipIf(!HAS_DATA)(`KITTI labels on real data (${HAS_DATA ? 'shared data' : SKIP_MESSAGE})`, () => {
  for (const f of KITTI_FRAMES) {
    it(`${f}: import then export reproduces the file (DontCare kept)`, () => {
      const calib = parseKittiCalib(readText('kitti', 'calib', `${f}.txt`), `${f}.txt`);
      const text = readText('kitti', 'label_2', `${f}.txt`);
      const frame = importKittiLabels(text, calib, { file: `${f}.txt`, name: f });
      expect(frame.objects.length).toBe(text.trim().split('\n').length);
      for (const o of frame.objects) expect(() => AnnotationObject.parse(o)).not.toThrow();
      const out = exportKittiLabels(frame.objects, calib, kittiCameraModel(calib));
      expectSameLabels(out, text);
    });

    it(`${f}: cuboids contain LiDAR points and project near the hand-drawn 2D box`, () => {
      const calib = parseKittiCalib(readText('kitti', 'calib', `${f}.txt`), `${f}.txt`);
      const cam = kittiCameraModel(calib);
      const cloud = readKittiCloud(f);
      for (const label of parseKittiLabels(readText('kitti', 'label_2', `${f}.txt`))) {
        if (label.type === 'DontCare') continue;
        const box = kittiLabelToCuboid(label, calib);
        expect(pointsInBox(cloud.positions, cloud.count, box), label.type).toBeGreaterThan(5);
        const p = projectedBox2D(box, cam)!;
        const [a1, b1, a2, b2] = p.bbox;
        const [c1, d1, c2, d2] = label.bbox;
        const inter = Math.max(0, Math.min(a2, c2) - Math.max(a1, c1)) * Math.max(0, Math.min(b2, d2) - Math.max(b1, d1));
        const iou = inter / ((a2 - a1) * (b2 - b1) + (c2 - c1) * (d2 - d1) - inter);
        expect(iou, `${label.type} 2D IoU`).toBeGreaterThan(0.6);
      }
    });
  }

  it('an edited cuboid gets its 2D box and alpha recomputed', () => {
    const calib = parseKittiCalib(readText('kitti', 'calib', '000002.txt'));
    const frame = importKittiLabels(readText('kitti', 'label_2', '000002.txt'), calib);
    const car = frame.objects[1];
    if (car.geometry.kind !== 'cuboid3d') throw new Error('expected a cuboid');
    car.geometry = { ...car.geometry, center: [car.geometry.center[0] + 1, car.geometry.center[1], car.geometry.center[2]] };
    const line = exportKittiLabels([car], calib, kittiCameraModel(calib)).trim().split(' ').map(Number);
    // moved 1 m further away: the 2D box shrinks relative to the original 657.39..700.07
    expect(line[6] - line[4]).toBeLessThan(700.07 - 657.39);
  });
});
