import { describe, expect, it } from 'vitest';
import { buildFrameIndex } from './frameIndex';
import { DENSITY_DEAD_ZONE, estimateSensorDensity, frameDensity, logDensityAt } from './sensorDensity';
import { HAS_DATA, SKIP_MESSAGE, dataPath, readFloatRecords, readKittiCloud, readNuScenesCloud, readSustechCloud } from '../../tests/support/lidarData';

/** A spinning LiDAR 1.7 m over flat ground: `beams` rings between -25 and -2 degrees, `az` points per turn. */
function flatScan(beams: number, az: number, keepSector = (_a: number) => true): Float32Array {
  const pts: number[] = [];
  for (let b = 0; b < beams; b++) {
    const el = ((-25 + (23 * b) / (beams - 1)) * Math.PI) / 180;
    const r = 1.7 / Math.tan(-el);
    if (r > 80) continue;
    for (let k = 0; k < az; k++) {
      const a = (2 * Math.PI * k) / az - Math.PI;
      if (!keepSector(a)) continue;
      pts.push(r * Math.cos(a), r * Math.sin(a), -1.7);
    }
  }
  return Float32Array.from(pts);
}

describe('estimateSensorDensity', () => {
  it('reads a sensor with twice the beams and twice the azimuth steps as about four times as dense (log 4 = 1.39)', () => {
    const a = flatScan(32, 1000), b = flatScan(64, 2000);
    const da = estimateSensorDensity(buildFrameIndex(a, a.length / 3));
    const db = estimateSensorDensity(buildFrameIndex(b, b.length / 3));
    for (const r of [8, 15, 25]) expect(logDensityAt(db, r) - logDensityAt(da, r)).toBeGreaterThan(1.0);
    for (const r of [8, 15, 25]) expect(logDensityAt(db, r) - logDensityAt(da, r)).toBeLessThan(1.8);
  });

  it('is not diluted when only a camera-sized sector of the scan is kept', () => {
    const full = flatScan(64, 2000), front = flatScan(64, 2000, (a) => Math.abs(a) < 0.7);
    const df = estimateSensorDensity(buildFrameIndex(full, full.length / 3));
    const dc = estimateSensorDensity(buildFrameIndex(front, front.length / 3));
    for (const r of [8, 15, 25]) expect(Math.abs(logDensityAt(df, r) - logDensityAt(dc, r))).toBeLessThan(0.15);
  });
});

describe('frameDensity', () => {
  it('is one value at every range, shrunk towards the reference by the dead zone', () => {
    const a = flatScan(16, 500), b = flatScan(64, 2000);
    const fa = frameDensity(estimateSensorDensity(buildFrameIndex(a, a.length / 3)));
    const fb = frameDensity(estimateSensorDensity(buildFrameIndex(b, b.length / 3)));
    for (const r of [5, 15, 40]) expect(logDensityAt(fa, r)).toBe(logDensityAt(fa, 25));
    // 4x fewer beams and 4x fewer steps: log 16 = 2.8 apart before the dead zone on each side.
    expect(logDensityAt(fb, 25) - logDensityAt(fa, 25)).toBeGreaterThan(2.8 - 2 * DENSITY_DEAD_ZONE - 0.6);
  });
});

describe.skipIf(!HAS_DATA)(`frameDensity on real scanners (${HAS_DATA ? 'shared data' : SKIP_MESSAGE})`, () => {
  const of = (c: { positions: Float32Array; count: number }) => logDensityAt(frameDensity(estimateSensorDensity(buildFrameIndex(c.positions, c.count))), 25);
  it('reads KITTI, Argoverse 2 and SUSTech (whose cars return alike) as the reference and nuScenes 32 beams as sparser', () => {
    expect(of(readKittiCloud('000002'))).toBe(0);
    expect(of(readFloatRecords(dataPath('argoverse2', 'training', 'velodyne', '000000.bin'), 4))).toBe(0);
    expect(of(readSustechCloud('000970'))).toBe(0);
    expect(of(readNuScenesCloud())).toBeLessThan(-0.7);
  });
});
