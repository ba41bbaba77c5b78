import { describe, expect, it } from 'vitest';
import { buildFrameIndex } from './frameIndex';
import { estimateSensorDensity, logDensityAt } from './sensorDensity';

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
