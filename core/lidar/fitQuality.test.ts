/**
 * One-click fit quality as issue #14 measures it: BEV IoU >= 0.7 from a click on a vehicle's own
 * points (its first, middle and last point), on every labelled vehicle with >= 50 points of the
 * real sample data and on the synthetic hard scenes (tests/support/hardScenes.ts). The floors sit a
 * few points under what the method reaches (docs/lidar.md), so a regression fails; n is asserted
 * so a shrinking data set cannot pass by itself.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateFit, totalOf, type FitRow } from '../../tests/support/fitEval';
import { HAS_DATA, SKIP_MESSAGE } from '../../tests/support/lidarData';
import { loadHardScenes, parkedRowsScene, wallHedgeScene } from '../../tests/support/hardScenes';
import { fitAtClick, fitBoxAtClick, fitBoxInRegion } from './fit';
import { buildFrameIndex } from './frameIndex';
import { bevIoU } from './iou';
import { sizePriorFor } from './sizePrior';
import { vehiclePoints } from '../../tests/support/fitEval';

const rate = (r: FitRow) => r.onPoints / r.clicks;
const row = (rows: FitRow[], dataset: string) => rows.find((r) => r.dataset === dataset)!;
const CAR = sizePriorFor('car')!;

describe.skipIf(!HAS_DATA)(`fit quality on every labelled vehicle of the real data (${HAS_DATA ? 'shared data' : SKIP_MESSAGE})`, () => {
  it('class prior (car / van / truck / bus): >= 90 % of clicks, issue #14 (reached 90.7 %, n = 151; 88.1 % before branch fit4, 82.3 % before fit3)', () => {
    const rows = evaluateFit(undefined, 50, 'class');
    const all = totalOf(rows);
    console.log(`[fit quality, real, class prior] ${rows.map((r) => `${r.dataset} ${(100 * rate(r)).toFixed(1)}% (n=${r.n})`).join(', ')}; all ${(100 * rate(all)).toFixed(1)}% (n=${all.n})`);
    expect(all.n).toBeGreaterThanOrEqual(150);
    expect(rate(all)).toBeGreaterThanOrEqual(0.9);
    // Reached 98.2 % (n = 56; 96.4 % before fit4, 91.1 % before the street heading), 79.7 % (n = 51; 77.1 %), 94.7 % (n = 38; 90.4 %).
    expect(rate(row(rows, 'kitti-tracking-0001'))).toBeGreaterThanOrEqual(0.96);
    expect(rate(row(rows, 'argoverse2'))).toBeGreaterThanOrEqual(0.77);
    expect(rate(row(rows, 'sustech'))).toBeGreaterThanOrEqual(0.92);
  });

  it('car prior for every vehicle: >= 83 % of clicks (reached 85.0 %, n = 151; 83.4 % before branch fit4, 79.9 % before fit3)', () => {
    const all = totalOf(evaluateFit(undefined, 50, 'car'));
    expect(all.n).toBeGreaterThanOrEqual(150);
    expect(rate(all)).toBeGreaterThanOrEqual(0.83);
  });
});

describe('fit quality on the synthetic hard scenes (3 seeds per family)', () => {
  let rows: FitRow[] = [];
  // Fits every vehicle of 12 synthetic streets (seconds; past vitest's 10 s hook default when the
  // whole core/lidar suite runs on a loaded 2-core machine). A time limit, not a quality figure.
  beforeAll(() => {
    rows = evaluateFit(loadHardScenes(3), 50, 'class');
  }, 120_000);
  it.each([
    // [family, floor, reached]
    ['synth-parked-rows', 0.95, 1.0],
    ['synth-wall-hedge', 0.93, 0.961],
    ['synth-near-far', 0.92, 0.954],
    ['synth-large', 0.95, 0.982],
  ])('%s: from a click on its points >= %s', (family, floor) => {
    const r = row(rows, family as string);
    console.log(`[fit quality, ${family}] ${(100 * rate(r)).toFixed(1)}% of ${r.clicks} clicks (n=${r.n}); draw box ${(100 * r.region / r.n).toFixed(1)}%`);
    expect(r.n).toBeGreaterThanOrEqual(45);
    expect(rate(r)).toBeGreaterThanOrEqual(floor as number);
  });
});

describe('segmenting the object under the click (synthetic hard scenes)', () => {
  it('a car parked 0.15–0.5 m from a wall is fitted without the wall\'s extent, from any of its points', () => {
    const s = wallHedgeScene(1);
    const index = buildFrameIndex(s.cloud.positions, s.cloud.count);
    // The cars along the left wall: those whose box's left side is within 0.6 m of the wall face.
    const wallY = Math.max(...s.vehicles.map((v) => v.box.center[1] + v.box.size[1] / 2));
    const byWall = s.vehicles.filter((v) => v.label === 'car' && v.points >= 100 && wallY - (v.box.center[1] + v.box.size[1] / 2) < 0.6);
    expect(byWall.length).toBeGreaterThanOrEqual(3);
    for (const v of byWall) {
      const pts = vehiclePoints(s.cloud.positions, s.cloud.count, v.box);
      const boxes = [pts[0], pts[pts.length >> 1], pts[pts.length - 1]].map((i) =>
        fitBoxAtClick(s.cloud.positions, s.cloud.count, [s.cloud.positions[i * 3], s.cloud.positions[i * 3 + 1]], { index, prior: CAR })!.box);
      for (const b of boxes) {
        expect(bevIoU(b, v.box)).toBeGreaterThanOrEqual(0.7);
        // Not the wall (3–5 m, rising the street's length); its face just above the car's roof line,
        // which the highest beam still reaches within ~20 m, can still raise the top (docs/lidar.md).
        expect(b.size[0]).toBeLessThan(v.box.size[0] + 0.5);
        expect(b.size[2]).toBeLessThan(v.box.size[2] + 1);
      }
    }
  });

  it('bumper-to-bumper rows: a click anywhere on a car gives the same box', () => {
    const s = parkedRowsScene(2);
    const index = buildFrameIndex(s.cloud.positions, s.cloud.count);
    let n = 0;
    for (const v of s.vehicles.filter((x) => x.label === 'car' && x.points >= 200)) {
      const pts = vehiclePoints(s.cloud.positions, s.cloud.count, v.box);
      const boxes = [pts[0], pts[pts.length >> 1], pts[pts.length - 1]].map((i) =>
        fitBoxAtClick(s.cloud.positions, s.cloud.count, [s.cloud.positions[i * 3], s.cloud.positions[i * 3 + 1]], { index, prior: CAR })!.box);
      expect(bevIoU(boxes[0], boxes[1])).toBeGreaterThan(0.9);
      expect(bevIoU(boxes[0], boxes[2])).toBeGreaterThan(0.9);
      n++;
    }
    expect(n).toBeGreaterThanOrEqual(8);
  });

  it('refuses with a reason: nothing-here on bare road, too-few-points on a lone return', () => {
    const s = parkedRowsScene(1);
    const index = buildFrameIndex(s.cloud.positions, s.cloud.count);
    // The middle of the road 6 m behind the sensor (no vehicle there in this scene).
    expect(s.vehicles.every((v) => Math.hypot(v.box.center[0] + 6, v.box.center[1] - 1.75) > 3)).toBe(true);
    expect(fitAtClick(s.cloud.positions, s.cloud.count, [-6, 1.75], { index, prior: CAR })).toEqual({ refused: 'nothing-here' });
    // A pole of three returns on open ground: seeds, but fewer points than a box needs.
    const pts = new Float32Array([...Array.from({ length: 400 }, (_, i) => [((i % 20) - 10) * 0.5, (Math.floor(i / 20) - 10) * 0.5, -1.7]).flat(), 2, 2, -1, 2.05, 2.02, -0.8, 2.1, 2.04, -0.6]);
    expect(fitAtClick(pts, pts.length / 3, [2, 2], { minPoints: 5 })).toEqual({ refused: 'too-few-points' });
  });

  it('draw box: the dragged rectangle is a hard bound, even when the prior is longer than the rectangle', () => {
    const s = parkedRowsScene(3);
    const index = buildFrameIndex(s.cloud.positions, s.cloud.count);
    const v = s.vehicles.filter((x) => x.label === 'car' && x.points >= 300)[0];
    const b = v.box;
    // A rectangle 0.3 m around the car, and one cut 1 m short at the car's far end.
    const hx = b.size[0] / 2 + 0.3, hy = b.size[1] / 2 + 0.3;
    const full = fitBoxInRegion(s.cloud.positions, s.cloud.count, { x0: b.center[0] - hx, y0: b.center[1] - hy, x1: b.center[0] + hx, y1: b.center[1] + hy }, { index, prior: CAR })!;
    expect(bevIoU(full.box, b)).toBeGreaterThanOrEqual(0.7);
    const region = { x0: b.center[0] - hx + 1, y0: b.center[1] - hy, x1: b.center[0] + hx - 1, y1: b.center[1] + hy };
    const cut = fitBoxInRegion(s.cloud.positions, s.cloud.count, region, { index, prior: [6, 2.2, 1.6] })!;
    const c = Math.cos(cut.box.yaw), sn = Math.sin(cut.box.yaw);
    const halfX = (Math.abs(c) * cut.box.size[0] + Math.abs(sn) * cut.box.size[1]) / 2;
    const halfY = (Math.abs(sn) * cut.box.size[0] + Math.abs(c) * cut.box.size[1]) / 2;
    expect(cut.box.center[0] - halfX).toBeGreaterThanOrEqual(region.x0 - 0.11);
    expect(cut.box.center[0] + halfX).toBeLessThanOrEqual(region.x1 + 0.11);
    expect(cut.box.center[1] - halfY).toBeGreaterThanOrEqual(region.y0 - 0.11);
    expect(cut.box.center[1] + halfY).toBeLessThanOrEqual(region.y1 + 0.11);
  });
});
