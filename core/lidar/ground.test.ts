import { describe, expect, it } from 'vitest';
import { buildFrameIndex, groundHeight } from './frameIndex';
import { HAS_DATA } from '../../tests/support/lidarData';
import { loadVehicleScenes } from '../../tests/support/vehicleScenes';

/** A flat road at z = -1.7 sampled every 0.1 m over 30 x 30 m, plus extra points. */
function road(extra: Array<[number, number, number]>): Float32Array {
  const pts: number[] = [];
  for (let x = -15; x < 15; x += 0.1) for (let y = -15; y < 15; y += 0.1) pts.push(x, y, -1.7);
  for (const p of extra) pts.push(...p);
  return Float32Array.from(pts);
}

describe('ground map', () => {
  it('ignores returns under the road (reflections): the ground stays the road', () => {
    const sunken: Array<[number, number, number]> = [];
    for (let i = 0; i < 40; i++) sunken.push([5 + (i % 5) * 0.1, 3 + Math.floor(i / 5) * 0.1, -5.5]);
    const positions = road(sunken);
    const index = buildFrameIndex(positions, positions.length / 3);
    for (const [x, y] of [[5.2, 3.3], [6.5, 3.3], [5.2, 4.8]]) expect(groundHeight(index, x, y)).toBeCloseTo(-1.7, 1);
  });

  it('keeps a real step (a kerb) and a slope', () => {
    const pts: number[] = [];
    for (let x = -15; x < 15; x += 0.1) for (let y = -15; y < 15; y += 0.1) pts.push(x, y, -1.7 + (y > 4 ? 0.15 : 0) + 0.05 * x);
    const positions = Float32Array.from(pts);
    const index = buildFrameIndex(positions, positions.length / 3);
    expect(groundHeight(index, 10, 0)).toBeCloseTo(-1.2, 1);
    expect(groundHeight(index, 0, 8) - groundHeight(index, 0, 0)).toBeCloseTo(0.15, 1);
  });

  it.skipIf(!HAS_DATA)('under every labelled vehicle of the KITTI tracking drive, within 0.4 m of its box bottom', () => {
    const scenes = loadVehicleScenes().filter((s) => s.dataset === 'kitti-tracking-0001');
    let n = 0;
    const off: string[] = [];
    for (const s of scenes) {
      const index = buildFrameIndex(s.cloud.positions, s.cloud.count);
      for (const v of s.vehicles) {
        if (v.points < 50) continue;
        n++;
        const err = groundHeight(index, v.box.center[0], v.box.center[1]) - (v.box.center[2] - v.box.size[2] / 2);
        if (Math.abs(err) > 0.4) off.push(`${s.frame}: ${err.toFixed(2)} m`);
      }
    }
    expect(n).toBeGreaterThanOrEqual(50);
    expect(off).toEqual([]);
  });
});
