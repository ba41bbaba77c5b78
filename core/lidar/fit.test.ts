import { describe, expect, it } from 'vitest';
import { fitBoxAtClick, fitBoxInRegion } from './fit';
import { buildFrameIndex, frameIndexFor, groundHeight } from './frameIndex';
import { makeCuboid, normalizeAngle, pointsInBox } from './box';
import { bevIoU } from './iou';
import { DEFAULT_PROPOSAL_THRESHOLD, proposeBoxes } from './propose';
import { syntheticScene } from './syntheticScene.test-helper';
import { referenceDensity } from './sensorDensity';
import { parseKittiCalib } from '../calib/kitti';
import { kittiLabelToCuboid, parseKittiLabels } from '../formats/kitti/labels';
import { parseSustechFrame } from '../formats/sustech/labels';
import { HAS_DATA, SKIP_MESSAGE, readKittiCloud, readSustechCloud, readText } from '../../tests/support/lidarData';

// Seen at an angle: the rear and the left side face the sensor (an L shape).
const car = makeCuboid([12, 5, -1.7 + 0.75], [4.2, 1.8, 1.5], 1.0);
// Seen end-on: only the rear face is visible (an I shape).
const carEndOn = makeCuboid([12, 5, -1.7 + 0.75], [4.2, 1.8, 1.5], 0.4);
const pedestrian = makeCuboid([8, -6, -1.7 + 0.875], [0.6, 0.5, 1.75], 0);

/** Heading error ignoring the front/back ambiguity of a box. */
const yawError = (a: number, b: number) => {
  const d = Math.abs(normalizeAngle(a - b));
  return Math.min(d, Math.PI - d);
};

describe('frame index', () => {
  it('estimates the ground under objects and keeps only obstacle points', () => {
    const { positions, count } = syntheticScene([car]);
    const index = buildFrameIndex(positions, count);
    expect(groundHeight(index, 12, 5)).toBeCloseTo(-1.7, 1);
    expect(groundHeight(index, -20, 20)).toBeCloseTo(-1.7, 1);
    // faces are sampled on the box surface: count with a small margin
    const carPoints = pointsInBox(positions, count, { ...car, size: [car.size[0] + 0.1, car.size[1] + 0.1, car.size[2]] });
    expect(index.obstacleCount).toBeGreaterThan(carPoints * 0.8);
    expect(index.obstacleCount).toBeLessThanOrEqual(carPoints + 5);
  });
});

describe('frameIndexFor', () => {
  it('caches per positions array and rebuilds for other options', () => {
    const { positions, count } = syntheticScene([car]);
    const a = frameIndexFor(positions, count);
    expect(frameIndexFor(positions, count)).toBe(a);
    expect(frameIndexFor(positions, count, { cellSize: 0.3 })).not.toBe(a);
  });
});

describe('fitBoxAtClick (synthetic)', () => {
  it('recovers a partly seen car: heading from the L shape, size from the prior, bottom on the ground', () => {
    const { positions, count } = syntheticScene([car, pedestrian]);
    const r = fitBoxAtClick(positions, count, [12, 5, 0], { minSize: [4.2, 1.8], returnIndices: true })!;
    expect(r.method).toBe('l-shape');
    expect(yawError(r.box.yaw, car.yaw)).toBeLessThan((2 * Math.PI) / 180);
    expect(bevIoU(r.box, car)).toBeGreaterThan(0.85);
    expect(r.box.center[2] - r.box.size[2] / 2).toBeCloseTo(-1.7, 1);
    expect(r.indices!.length).toBe(r.pointCount);
    // without the prior the box hugs the visible points: smaller, but same heading
    const tight = fitBoxAtClick(positions, count, [12, 5])!;
    expect(yawError(tight.box.yaw, car.yaw)).toBeLessThan((2 * Math.PI) / 180);
    expect(bevIoU(tight.box, car)).toBeGreaterThan(0.9); // both faces seen: the points alone bound the box
  });

  it('end-on car: the size prior extends the box along the viewing ray, away from the sensor', () => {
    const { positions, count } = syntheticScene([carEndOn]);
    const r = fitBoxAtClick(positions, count, [12, 5], { minSize: [4.2, 1.8] })!;
    expect(yawError(r.box.yaw, carEndOn.yaw)).toBeLessThan((3 * Math.PI) / 180);
    expect(bevIoU(r.box, carEndOn)).toBeGreaterThan(0.8);
  });

  it('returns null on empty ground and far from everything', () => {
    const { positions, count } = syntheticScene([car]);
    expect(fitBoxAtClick(positions, count, [-10, -10])).toBeNull();
    expect(fitBoxAtClick(positions, count, [500, 500])).toBeNull();
  });

  it('falls back to PCA for a handful of points', () => {
    const pts = new Float32Array([
      // ground
      ...Array.from({ length: 400 }, (_, i) => [((i % 20) - 10) * 0.5, (Math.floor(i / 20) - 10) * 0.5, -1.7]).flat(),
      // a small pole-like object
      2, 2, -1, 2.05, 2.02, -0.8, 2.1, 2.04, -0.6, 2.15, 2.06, -0.4,
    ]);
    const r = fitBoxAtClick(pts, pts.length / 3, [2, 2])!;
    expect(r.method).toBe('pca');
    expect(r.pointCount).toBe(4);
  });
});

describe('fitBoxInRegion (synthetic): the Draw box tool', () => {
  it('a rough axis-aligned rectangle around a rotated car becomes a fitted, oriented box', () => {
    const { positions, count } = syntheticScene([car, pedestrian]);
    // The car's footprint (yaw 1 rad) spans about x 10.2..13.8, y 2.8..7.2; drawn with slack.
    const r = fitBoxInRegion(positions, count, { x0: 14.5, y0: 2, x1: 9.5, y1: 8 }, { minSize: [4.2, 1.8] })!;
    expect(yawError(r.box.yaw, car.yaw)).toBeLessThan((2 * Math.PI) / 180);
    expect(bevIoU(r.box, car)).toBeGreaterThan(0.85);
    expect(r.box.center[2] - r.box.size[2] / 2).toBeCloseTo(-1.7, 1);
    expect(r.box.size[2]).toBeCloseTo(1.5, 0);
  });

  it('ignores objects outside the rectangle and declines a rectangle of bare ground', () => {
    const { positions, count } = syntheticScene([car, pedestrian]);
    // Around the pedestrian only: the car (4 m away) must not pull the box.
    const ped = fitBoxInRegion(positions, count, { x0: 7, y0: -7, x1: 9, y1: -5 })!;
    expect(Math.hypot(ped.box.center[0] - 8, ped.box.center[1] + 6)).toBeLessThan(0.5);
    expect(ped.box.size[0]).toBeLessThan(1);
    expect(fitBoxInRegion(positions, count, { x0: -12, y0: -12, x1: -8, y1: -8 })).toBeNull();
    expect(fitBoxInRegion(positions, count, { x0: 400, y0: 400, x1: 410, y1: 410 })).toBeNull();
  });
});

describe('fitBoxInRegion (real data)', () => {
  /** The axis-aligned rectangle a user would drag around a box in bird's-eye view, with slack. */
  const dragAround = (b: { center: number[]; size: number[]; yaw: number }, slack: number) => {
    const hx = (b.size[0] / 2) * Math.abs(Math.cos(b.yaw)) + (b.size[1] / 2) * Math.abs(Math.sin(b.yaw)) + slack;
    const hy = (b.size[0] / 2) * Math.abs(Math.sin(b.yaw)) + (b.size[1] / 2) * Math.abs(Math.cos(b.yaw)) + slack;
    return { x0: b.center[0] - hx, y0: b.center[1] - hy, x1: b.center[0] + hx, y1: b.center[1] + hy };
  };

  it.skipIf(!HAS_DATA)('KITTI 000002: a rectangle dragged around the labelled car (0.2 to 1.2 m slack) fits it at IoU >= 0.7', () => {
    const calib = parseKittiCalib(readText('kitti/calib/000002.txt'));
    const label = parseKittiLabels(readText('kitti/label_2/000002.txt')).find((l) => l.type === 'Car')!;
    const gt = kittiLabelToCuboid(label, calib);
    const { positions, count } = readKittiCloud('000002');
    for (const slack of [0.2, 0.5, 1.2]) {
      const r = fitBoxInRegion(positions, count, dragAround(gt, slack), { minSize: [3.9, 1.6] })!;
      expect(yawError(r.box.yaw, gt.yaw)).toBeLessThan((10 * Math.PI) / 180);
      expect(bevIoU(r.box, gt)).toBeGreaterThanOrEqual(0.7);
    }
  });

  it.skipIf(!HAS_DATA)('SUSTech 000950: most cars with 50+ points fit at IoU >= 0.7 from a dragged rectangle', () => {
    const { positions, count } = readSustechCloud('000950');
    const index = buildFrameIndex(positions, count);
    const cars = parseSustechFrame(readText('sustech', 'label', '000950.json'), '000950.json')
      .filter((o) => o.label === 'Car' && pointsInBox(positions, count, o.box) >= 50);
    const good = cars.filter((o) => {
      const r = fitBoxInRegion(positions, count, dragAround(o.box, 0.5), { index, minSize: [3.9, 1.6] });
      return r !== null && bevIoU(r.box, o.box) >= 0.7;
    });
    console.log(`fitBoxInRegion SUSTech 000950: ${good.length}/${cars.length} cars at BEV IoU >= 0.7`);
    expect(good.length / cars.length).toBeGreaterThanOrEqual(0.7);
  });
});

describe('proposeBoxes (synthetic)', () => {
  it('finds and labels a car and a pedestrian', () => {
    const { positions, count } = syntheticScene([car, pedestrian]);
    // Scores are probabilities now (classify.ts); the pedestrian/cyclist model was fitted on 30
    // real positives and gives this solid synthetic column a low one (0.16), so the class
    // decision is checked below the default threshold.
    // The scene is a uniform 0.2 m grid, not a spinning LiDAR: the road-based sensor density
    // (sensorDensity.ts) would read its ground as ever denser with range, so counts are taken as
    // they are (the reference sensor).
    const props = proposeBoxes(positions, count, { minScore: 0.1, density: referenceDensity() });
    const c = props.find((p) => bevIoU(p.box, car) > 0.7);
    expect(c?.label).toBe('car');
    expect(c!.score).toBeGreaterThanOrEqual(DEFAULT_PROPOSAL_THRESHOLD);
    const p = props.find((q) => bevIoU(q.box, pedestrian) > 0.3);
    expect(p?.label).toBe('pedestrian');
    for (const q of props) expect(q.score).toBeGreaterThan(0);
  });
});

describe.skipIf(!HAS_DATA)(`fit and proposals on real data (${HAS_DATA ? 'shared data' : SKIP_MESSAGE})`, () => {
  it('KITTI 000002: the car is fitted (IoU >= 0.7 with the car prior) and proposed (IoU >= 0.5)', () => {
    const calib = parseKittiCalib(readText('kitti', 'calib', '000002.txt'));
    const gt = kittiLabelToCuboid(parseKittiLabels(readText('kitti', 'label_2', '000002.txt'))[1], calib);
    const { positions, count } = readKittiCloud('000002');
    const r = fitBoxAtClick(positions, count, [gt.center[0], gt.center[1]], { minSize: [3.9, 1.6] })!;
    expect(bevIoU(r.box, gt)).toBeGreaterThanOrEqual(0.7);
    // A 67-point car 35 m away, proposed at the default (calibrated) threshold.
    const props = proposeBoxes(positions, count);
    expect(props.some((p) => p.label === 'car' && bevIoU(p.box, gt) >= 0.5)).toBe(true);
  });

  it('SUSTech 000950: most cars with 50+ points fit at IoU >= 0.7', () => {
    const { positions, count } = readSustechCloud('000950');
    const index = buildFrameIndex(positions, count);
    const cars = parseSustechFrame(readText('sustech', 'label', '000950.json'), '000950.json')
      .filter((o) => o.label === 'Car' && pointsInBox(positions, count, o.box) >= 50);
    expect(cars.length).toBeGreaterThan(3);
    const good = cars.filter((o) => {
      const r = fitBoxAtClick(positions, count, [o.box.center[0], o.box.center[1]], { index, minSize: [3.9, 1.6] });
      return r !== null && bevIoU(r.box, o.box) >= 0.7;
    });
    expect(good.length / cars.length).toBeGreaterThanOrEqual(0.7);
  });
});

describe('fitBoxAtClick: a near car seen as an outline with fragments inside', () => {
  /** Road plus a car 4.4 x 1.8 m at (6, -3): dense sides and ends, a few window/roof returns inside split from them by empty cells. */
  function outlineCar(): Float32Array {
    const pts: number[] = [];
    for (let x = -5; x < 20; x += 0.15) for (let y = -8; y < 4; y += 0.15) pts.push(x, y, -1.7);
    for (let z = -1.4; z <= -0.3; z += 0.1) {
      for (let x = 3.8; x <= 8.2; x += 0.05) pts.push(x, -2.1, z, x, -3.9, z);
      for (let y = -3.9; y <= -2.1; y += 0.05) pts.push(3.8, y, z, 8.2, y, z);
    }
    // inside: a few loose returns (roof, through the windows) away from the outline
    for (let i = 0; i < 30; i++) pts.push(5.5 + (i % 6) * 0.04, -3.0 + Math.floor(i / 6) * 0.04, -0.4);
    return Float32Array.from(pts);
  }
  it('a click in the middle fits the whole car, not the fragment nearest the click', () => {
    const positions = outlineCar();
    const truth = makeCuboid([6, -3, -1.0], [4.4, 1.8, 1.4], 0);
    const r = fitBoxAtClick(positions, positions.length / 3, [5.6, -2.95], { minSize: [3.9, 1.6] })!;
    expect(r).not.toBeNull();
    expect(bevIoU(r.box, truth)).toBeGreaterThan(0.7);
  });
});
