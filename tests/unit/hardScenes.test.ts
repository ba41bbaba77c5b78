import { describe, expect, it } from 'vitest';
import { HARD_SCENE_FAMILIES, SENSOR_HEIGHT, parkedRowsScene, wallHedgeScene } from '../support/hardScenes';
import { bevIoU } from '../../core/lidar/iou';

describe('synthetic hard scenes (tests/support/hardScenes.ts)', () => {
  it('are deterministic per seed and differ between seeds', () => {
    const a = parkedRowsScene(2), b = parkedRowsScene(2), c = parkedRowsScene(3);
    expect(a.cloud.count).toBe(b.cloud.count);
    expect(a.cloud.positions).toEqual(b.cloud.positions);
    expect(a.vehicles).toEqual(b.vehicles);
    expect(c.cloud.count).not.toBe(a.cloud.count);
  });

  it('every family scans a full HDL-64-like frame with enough vehicles of 50+ points, none overlapping', () => {
    for (const [name, make] of Object.entries(HARD_SCENE_FAMILIES)) {
      const s = make(1);
      expect(s.dataset).toBe(name);
      expect(s.cloud.count).toBeGreaterThan(90_000);
      expect(s.cloud.count).toBeLessThan(150_000);
      expect(s.vehicles.filter((v) => v.points >= 50).length).toBeGreaterThanOrEqual(15);
      for (let i = 0; i < s.vehicles.length; i++)
        for (let j = i + 1; j < s.vehicles.length; j++) expect(bevIoU(s.vehicles[i].box, s.vehicles[j].box)).toBe(0);
    }
  });

  it('points lie on the road (sensor 1.73 m up) or on solids, and cars are car-shaped: the cabin is narrower than the body', () => {
    const s = wallHedgeScene(1);
    const p = s.cloud.positions;
    // The lowest returns near the sensor are the road 1.73 m below it.
    let near = Infinity;
    for (let i = 0; i < s.cloud.count; i++) if (Math.hypot(p[i * 3], p[i * 3 + 1]) < 6) near = Math.min(near, p[i * 3 + 2]);
    expect(near).toBeGreaterThan(-SENSOR_HEIGHT - 0.25);
    expect(near).toBeLessThan(-SENSOR_HEIGHT + 0.1);
    // The car with the most points: returns in its top fifth are well inside its width, low ones reach its sides.
    const car = s.vehicles.filter((v) => v.label === 'car').sort((a, b) => b.points - a.points)[0];
    const { center, size, yaw } = car.box;
    const c = Math.cos(yaw), sn = Math.sin(yaw);
    let topHalfWidth = 0, lowHalfWidth = 0;
    for (let i = 0; i < s.cloud.count; i++) {
      const dx = p[i * 3] - center[0], dy = p[i * 3 + 1] - center[1], dz = p[i * 3 + 2] - center[2];
      const lx = dx * c + dy * sn, ly = -dx * sn + dy * c;
      if (Math.abs(lx) > size[0] / 2 || Math.abs(ly) > size[1] / 2 + 0.05 || Math.abs(dz) > size[2] / 2) continue;
      if (dz > 0.3 * size[2]) topHalfWidth = Math.max(topHalfWidth, Math.abs(ly));
      else if (dz < 0) lowHalfWidth = Math.max(lowHalfWidth, Math.abs(ly));
    }
    expect(lowHalfWidth).toBeGreaterThan(size[1] / 2 - 0.08);
    expect(topHalfWidth).toBeLessThan(size[1] / 2 - 0.1);
  });
});
