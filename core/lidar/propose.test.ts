import { describe, expect, it } from 'vitest';
import { labelAllClusters } from './cluster';
import { buildFrameIndex, groundHeight } from './frameIndex';
import { heightMasks, labelMaskedClusters, occupiedCells } from './maskedCluster';
import { checkedGround, nearGroundPlane } from './nearGround';
import { edgeDistance, objectTop } from './proposalFeatures';
import { pointsInBox } from './box';
import { isCarSized, proposeCandidates } from './propose';
import { referenceDensity } from './sensorDensity';
import { parseSustechFrame } from '../formats/sustech/labels';
import { HAS_DATA, SKIP_MESSAGE, readKittiCloud, readSustechCloud, readText } from '../../tests/support/lidarData';

/** A 30 x 30 m flat road (z = 0) on a 0.1 m lattice plus the given extra points. */
function scene(extra: number[]): { positions: Float32Array; count: number } {
  const pts: number[] = [];
  for (let x = -15; x <= 15; x += 0.1) for (let y = -15; y <= 15; y += 0.1) pts.push(x, y, 0);
  pts.push(...extra);
  return { positions: Float32Array.from(pts), count: pts.length / 3 };
}

/** A vertical column of points over [x0, x1] x [y0, y1] from z0 to z1. */
function column(x0: number, x1: number, y0: number, y1: number, z0: number, z1: number, step = 0.05): number[] {
  const out: number[] = [];
  for (let x = x0; x <= x1; x += step) for (let y = y0; y <= y1; y += step) for (let z = z0; z <= z1; z += step) out.push(x, y, z);
  return out;
}

describe('masked clustering', () => {
  it('with every occupied cell it is exactly labelAllClusters (same partition, same point counts)', () => {
    const { positions, count } = HAS_DATA ? readKittiCloud('000001') : scene([...column(5, 9, 2, 3.6, 0.3, 1.5, 0.1), ...column(5, 9, 4, 5.6, 0.3, 1.5, 0.1)]);
    const index = buildFrameIndex(positions, count);
    const occupied = occupiedCells(index);
    const a = labelAllClusters(index);
    const aLabels = a.labels.slice();
    const b = labelMaskedClusters(index, heightMasks(index, occupied, 2, 2.5, 0.8).all, occupied);
    expect(b.count).toBe(a.count);
    expect([...b.pointCounts].sort((p, q) => p - q)).toEqual([...a.pointCounts].sort((p, q) => p - q));
    const map = new Map<number, number>();
    for (const c of occupied) {
      const prev = map.get(aLabels[c]);
      if (prev === undefined) map.set(aLabels[c], b.labels[c]);
      else expect(b.labels[c]).toBe(prev);
    }
  });

  it('masks drop canopy-only cells, tall structures and low clutter, so merged objects come apart', () => {
    // A car body (0.3-1.5 m) and a second one 2 m away, joined by a canopy at 2.6-2.9 m; a wall
    // (0.3-2.8 m) touching the first; a kerb-high strip (0.3-0.5 m) joining the second to a post.
    const car1 = column(6, 10, 2, 3.6, 0.3, 1.5, 0.1);
    const car2 = column(6, 10, 5.6, 7.2, 0.3, 1.5, 0.1);
    const canopy = column(6, 10, 3.5, 5.7, 2.6, 2.9, 0.1); // over the gap, touching both roofs' edges
    const wall = column(6, 10, 1.6, 2.0, 0.3, 2.8, 0.1);
    const kerb = column(10.1, 12, 6, 6.4, 0.3, 0.5, 0.1);
    const post = column(12.1, 12.5, 6, 6.4, 0.3, 1.6, 0.1);
    const { positions, count } = scene([...car1, ...car2, ...canopy, ...wall, ...kerb, ...post]);
    const index = buildFrameIndex(positions, count);
    const occupied = occupiedCells(index);
    const masks = heightMasks(index, occupied, 2, 2.5, 0.8);
    const cell = (x: number, y: number) => Math.floor((x - index.originX) / index.cellSize) + Math.floor((y - index.originY) / index.cellSize) * index.nx;
    const tight = { radialLinkAngle: 0.008, tangentialLinkAngle: 0.002, minLinkCells: 1, maxLinkCells: 2 };
    const all = labelMaskedClusters(index, masks.all, occupied, tight);
    const a1 = all.labels[cell(8, 2.8)], a2 = all.labels[cell(8, 6.4)];
    expect(a1).toBe(a2); // joined through the canopy
    const noCanopy = labelMaskedClusters(index, masks.noCanopy, occupied, tight);
    expect(noCanopy.labels[cell(8, 2.8)]).not.toBe(noCanopy.labels[cell(8, 6.4)]);
    expect(noCanopy.labels[cell(8, 2.8)]).toBe(noCanopy.labels[cell(8, 1.7)]); // still on the wall
    const noTall = labelMaskedClusters(index, masks.noTall, occupied, tight);
    expect(noTall.labels[cell(8, 1.7)]).toBe(0);
    expect(noTall.labels[cell(8, 2.8)]).not.toBe(0);
    expect(noTall.labels[cell(8, 6.4)]).toBe(noTall.labels[cell(12.3, 6.2)]); // kerb still joins car 2 and the post
    const raised = labelMaskedClusters(index, masks.raised, occupied, tight);
    expect(raised.labels[cell(11, 6.2)]).toBe(0);
    expect(raised.labels[cell(8, 6.4)]).not.toBe(raised.labels[cell(12.3, 6.2)]);
  });
});

describe('cluster height features', () => {
  const heights = (zs: number[]) => {
    const pts: number[] = [];
    for (const z of zs) for (let x = 0; x < 1; x += 0.1) pts.push(8 + x, 3, z);
    const { positions, count } = scene(pts);
    const index = buildFrameIndex(positions, count);
    const cells = occupiedCells(index);
    return objectTop(index, cells, 0, cells.length, groundHeight(index, 8.5, 3));
  };

  it('objectTop ends the object below a canopy but not at the gap of car windows', () => {
    const body = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
    // The top is the upper edge of the highest 0.1 m bin reached.
    expect(heights([...body, 1.3, 1.4, 1.5])).toBeCloseTo(1.6, 5); // 0.4 m without returns (windows)
    expect(heights([...body, 1.3, 1.4, 1.5, 2.6, 2.7, 2.8])).toBeCloseTo(1.6, 5); // branches 1.1 m above the roof
    expect(heights([...body, 1.3, 1.4, 1.5, 1.9, 2.0])).toBeCloseTo(2.1, 5); // 0.3 m gap: one object
  });

  it('edgeDistance: points on two sides of a rectangle are on its edge, points filling it are not', () => {
    const rect = { cx: 0, cy: 0, angle: 0.3, extent1: 4, extent2: 2 };
    const c = Math.cos(0.3), s = Math.sin(0.3);
    const at = (a: number, b: number) => [a * c - b * s, a * s + b * c];
    const L: number[] = [], filled: number[] = [];
    for (let t = -2; t <= 2; t += 0.1) L.push(...at(t, -1));
    for (let t = -1; t <= 1; t += 0.1) L.push(...at(2, t));
    for (let a = -1.9; a <= 1.9; a += 0.2) for (let b = -0.9; b <= 0.9; b += 0.2) filled.push(...at(a, b));
    expect(edgeDistance(Float32Array.from(L), L.length / 2, rect)).toBeLessThan(0.01);
    expect(edgeDistance(Float32Array.from(filled), filled.length / 2, rect)).toBeGreaterThan(0.3);
  });
});

describe.skipIf(!HAS_DATA)(`near-ground check on real data (${HAS_DATA ? 'shared data' : SKIP_MESSAGE})`, () => {
  it('SUSTech 000975: the car 3.9 m away, whose ground the min filter puts 0.86 m high, gets the road under it', () => {
    const { positions, count } = readSustechCloud('000975');
    const car = parseSustechFrame(readText('sustech', 'label', '000975.json'), '000975.json')
      .filter((o) => o.label === 'Car')
      .sort((a, b) => Math.hypot(a.box.center[0], a.box.center[1]) - Math.hypot(b.box.center[0], b.box.center[1]))[0];
    expect(pointsInBox(positions, count, car.box)).toBeGreaterThan(1000);
    const index = buildFrameIndex(positions, count);
    const bottom = car.box.center[2] - car.box.size[2] / 2;
    const [x, y] = car.box.center;
    expect(groundHeight(index, x, y) - bottom).toBeGreaterThan(0.6);
    const plane = nearGroundPlane(index);
    expect(plane.valid).toBe(true);
    expect(Math.abs(checkedGround(index, plane, x, y) - bottom)).toBeLessThan(0.2);
  });

  it('leaves the ground map alone where it is right: KITTI 000001 within 15 m changes by at most the tolerance band', () => {
    const { positions, count } = readKittiCloud('000001');
    const index = buildFrameIndex(positions, count);
    const plane = nearGroundPlane(index);
    let changed = 0, n = 0;
    for (let x = -15; x <= 15; x += 1)
      for (let y = -15; y <= 15; y += 1) {
        if (Math.hypot(x, y) > 15) continue;
        n++;
        if (checkedGround(index, plane, x, y) !== groundHeight(index, x, y)) changed++;
      }
    expect(n).toBeGreaterThan(600);
    expect(changed / n).toBeLessThan(0.05);
  });
});

describe('car gate (isCarSized): what no single car looks like is never scored as a car', () => {
  // Hollow boxes (four walls) on the flat road: a car-sized one, a planter as long and wide as a
  // car but 0.45 m high, and a 7 x 5 m block (two cars and a hedge merged).
  const walls = (x0: number, x1: number, y0: number, y1: number, z1: number) => [
    ...column(x0, x1, y0, y0 + 0.05, 0.3, z1, 0.1), ...column(x0, x1, y1 - 0.05, y1, 0.3, z1, 0.1),
    ...column(x0, x0 + 0.05, y0, y1, 0.3, z1, 0.1), ...column(x1 - 0.05, x1, y0, y1, 0.3, z1, 0.1),
  ];
  const { positions, count } = scene([...walls(6, 9.9, 2, 3.6, 1.4), ...walls(6, 9.9, -6, -4.4, 0.45), ...walls(-12, -5, -3, 2, 1.5)]);
  const cands = proposeCandidates(positions, count, { minScore: 0, density: referenceDensity() });
  const near = (x: number, y: number) => cands.filter((c) => c.features && Math.hypot(c.carBox!.center[0] - x, c.carBox!.center[1] - y) < 2);

  it('the car-sized box is scored as a car; the planter and the merged block are not', () => {
    expect(near(7.95, 2.8).some((c) => isCarSized(c.features!) && c.carScore! > 0)).toBe(true);
    const planter = near(7.95, -5.2);
    expect(planter.length).toBeGreaterThan(0);
    for (const c of planter) expect([isCarSized(c.features!), c.carScore]).toEqual([false, 0]);
    const block = cands.filter((c) => c.features && c.features[6] > 6.5);
    expect(block.length).toBeGreaterThan(0);
    for (const c of block) expect(c.carScore).toBe(0);
  });
});
