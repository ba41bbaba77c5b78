import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataPath, HAS_DATA, SKIP_MESSAGE } from '../../tests/support/lidarData';
import { checkPillarGrid, gridSize, pillarize, type PillarGrid } from './pillars';

const row = (p: ReturnType<typeof pillarize>, pillar: number, k: number) => Array.from(p.features.subarray((pillar * p.maxPointsPerPillar + k) * p.featureCount, (pillar * p.maxPointsPerPillar + k + 1) * p.featureCount));

describe('pillarize (hand-computed)', () => {
  // 2 x 2 pillars of 0.5 m over [0, 1) x [0, 1), z in [-1, 1)
  const grid: PillarGrid = { range: [0, 0, -1, 1, 1, 1], voxelSize: [0.5, 0.5, 2], maxPointsPerPillar: 2, maxPillars: 10 };
  const positions = Float32Array.from([
    0.1, 0.1, 0, // p0 -> pillar (x0, y0), first
    0.6, 0.2, 0.5, // p1 -> pillar (x1, y0), second
    0.3, 0.4, -0.5, // p2 -> pillar (x0, y0)
    1.0, 0.5, 0, // x = max: outside ([min, max) like the voxel generator)
    0.2, 0.2, 1.0, // z = max: outside
    NaN, 0.2, 0.2, // not finite: outside
    0.4, 0.1, 0.2, // pillar (x0, y0) is full (2 points): dropped
  ]);
  const intensity = Float32Array.from([0.5, 1, 0.2, 0, 0, 0, 0.9]);

  it('groups points in order of appearance and computes OpenPCDet PillarVFE features', () => {
    const p = pillarize({ positions, count: 7, intensity }, grid);
    expect(p).toMatchObject({ count: 2, capacity: 2, featureCount: 10, inRange: 4, dropped: 1 });
    expect(Array.from(p.coords)).toEqual([0, 0, 0, 0, 0, 0, 0, 1]); // (batch, z, y, x)
    expect(Array.from(p.numPoints)).toEqual([2, 1]);
    // pillar 0: mean of p0, p2 = (0.2, 0.25, -0.25); centre (0.25, 0.25, 0)
    const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 6));
    close(row(p, 0, 0), [0.1, 0.1, 0, 0.5, -0.1, -0.15, 0.25, -0.15, -0.15, 0]);
    close(row(p, 0, 1), [0.3, 0.4, -0.5, 0.2, 0.1, 0.15, -0.25, 0.05, 0.15, -0.5]);
    // pillar 1: one point, centre (0.75, 0.25, 0); its unused row stays zero
    close(row(p, 1, 0), [0.6, 0.2, 0.5, 1, 0, 0, 0, -0.15, -0.05, 0.5]);
    expect(row(p, 1, 1)).toEqual(new Array(10).fill(0));
  });

  it('caps pillars at the capacity, pads rows with zeros, applies offset, intensity scale and feature order', () => {
    const one = pillarize({ positions, count: 7, intensity }, grid, { capacity: 1 });
    expect(one).toMatchObject({ count: 1, capacity: 1, dropped: 2 }); // p1 has no pillar left, p6 no room
    expect(one.features.length).toBe(1 * 2 * 10);
    const padded = pillarize({ positions, count: 7, intensity }, grid, { capacity: 5 });
    expect(padded).toMatchObject({ count: 2, capacity: 5 });
    expect(padded.features.subarray(2 * 2 * 10).every((v) => v === 0)).toBe(true);
    expect(Array.from(padded.numPoints)).toEqual([2, 1, 0, 0, 0]);
    // the parser recentred by (10, 20, 0): positions + offset are the sensor frame
    const shifted = Float32Array.from([-9.9, -19.9, 0]);
    const s = pillarize({ positions: shifted, count: 1, offset: [10, 20, 0], intensity: [200] }, grid, { features: ['intensity', 'distance', 'x'], intensityScale: 1 / 255 });
    expect(s.count).toBe(1);
    const r = row(s, 0, 0);
    expect(r[0]).toBeCloseTo(200 / 255, 6);
    expect(r[1]).toBeCloseTo(Math.hypot(0.1, 0.1, 0), 5);
    expect(r[2]).toBeCloseTo(0.1, 5);
    // no intensity field: zeros
    expect(row(pillarize({ positions: Float32Array.from([0.1, 0.1, 0]), count: 1 }, grid), 0, 0)[3]).toBe(0);
  });

  it('refuses a bad grid or inconsistent arrays with the field named', () => {
    expect(checkPillarGrid({ range: [0, 0, 0, -1, 1, 1], voxelSize: [0.1, 0.1, 1], maxPointsPerPillar: 32, maxPillars: 10 })).toEqual(['pointCloudRange max x must be above its min']);
    expect(checkPillarGrid({ range: [0, 0, 0, 1, 1, 1], voxelSize: [0, 0.1, 1], maxPointsPerPillar: 32, maxPillars: 10 })[0]).toMatch(/voxelSize/);
    expect(checkPillarGrid({ range: [0, 0, 0, 1, 1, 1], voxelSize: [0.1, 0.1, 1], maxPointsPerPillar: 0, maxPillars: 10 })[0]).toMatch(/maxPointsPerVoxel/);
    expect(() => pillarize({ positions: new Float32Array(3), count: 2 }, grid)).toThrow(/positions hold 1 points, count says 2/);
    expect(() => pillarize({ positions: new Float32Array(6), count: 2, intensity: [1] }, grid)).toThrow(/intensity holds 1 values for 2 points/);
  });
});

const KITTI_BIN = dataPath('kitti', 'velodyne', '000000.bin');

describe.skipIf(!HAS_DATA || !existsSync(KITTI_BIN))(`pillarize a real KITTI frame ${HAS_DATA ? '' : SKIP_MESSAGE}`, () => {
  it('matches pillars computed by hand from the raw file (OpenPCDet KITTI grid: 0.16 m, 32 points)', () => {
    const buf = readFileSync(KITTI_BIN);
    const raw = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    const n = raw.length / 4;
    const positions = new Float32Array(n * 3);
    const intensity = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      positions.set(raw.subarray(i * 4, i * 4 + 3), i * 3);
      intensity[i] = raw[i * 4 + 3];
    }
    const grid: PillarGrid = { range: [0, -39.68, -3, 69.12, 39.68, 1], voxelSize: [0.16, 0.16, 4], maxPointsPerPillar: 32, maxPillars: 40000 };
    expect(gridSize(grid)).toEqual({ nx: 432, ny: 496, nz: 1 });
    const p = pillarize({ positions, count: n, intensity }, grid);

    // By hand: every in-range point's pillar, the points of each pillar in file order.
    const pillars = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      const [x, y, z] = [raw[i * 4], raw[i * 4 + 1], raw[i * 4 + 2]];
      if (x < 0 || x >= 69.12 || y < -39.68 || y >= 39.68 || z < -3 || z >= 1) continue;
      const key = `${Math.floor((y + 39.68) / 0.16)},${Math.floor(x / 0.16)}`;
      if (!pillars.has(key)) pillars.set(key, []);
      pillars.get(key)!.push(i);
    }
    expect(p.count).toBe(pillars.size);
    expect(p.count).toBeGreaterThan(3000);
    expect(p.dropped).toBe([...pillars.values()].reduce((s, v) => s + Math.max(0, v.length - 32), 0));
    // the fullest pillar (more than 32 points: the cap applies), and the first one
    const [fullKey, fullPts] = [...pillars.entries()].sort((a, b) => b[1].length - a[1].length)[0];
    expect(fullPts.length).toBeGreaterThan(32);
    const firstKey = [...pillars.keys()][0];
    for (const key of [fullKey, firstKey]) {
      const pts = pillars.get(key)!.slice(0, 32);
      const [cy, cx] = key.split(',').map(Number);
      let id = -1;
      for (let q = 0; q < p.count; q++) if (p.coords[q * 4 + 2] === cy && p.coords[q * 4 + 3] === cx) id = q;
      expect(id).toBeGreaterThanOrEqual(0);
      if (key === firstKey) expect(id).toBe(0);
      expect(p.numPoints[id]).toBe(pts.length);
      const mean = [0, 1, 2].map((a) => pts.reduce((s, i) => s + raw[i * 4 + a], 0) / pts.length);
      const centre = [cx * 0.16 + 0.08, cy * 0.16 + 0.08 - 39.68, -1];
      for (const k of [0, pts.length - 1]) {
        const i = pts[k];
        const want = [raw[i * 4], raw[i * 4 + 1], raw[i * 4 + 2], raw[i * 4 + 3], ...[0, 1, 2].map((a) => raw[i * 4 + a] - mean[a]), ...[0, 1, 2].map((a) => raw[i * 4 + a] - centre[a])];
        row(p, id, k).forEach((v, f) => expect(v).toBeCloseTo(want[f], 4));
      }
      if (pts.length < 32) expect(row(p, id, pts.length).every((v) => v === 0)).toBe(true);
    }
  });
});
