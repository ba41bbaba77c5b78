import { describe, expect, it } from 'vitest';
import { zoomAbout } from './orientation';

describe('zoomAbout', () => {
  it('keeps the point under the pointer fixed and clamps the scale', () => {
    const v = { scale: 2, x: 10, y: 20 };
    const z = zoomAbout(v, 110, 70, -300);
    expect(z.scale).toBeGreaterThan(2);
    // The image point under (110, 70) before and after.
    expect((110 - z.x) / z.scale).toBeCloseTo((110 - v.x) / v.scale, 9);
    expect((70 - z.y) / z.scale).toBeCloseTo((70 - v.y) / v.scale, 9);
    expect(zoomAbout({ scale: 199, x: 0, y: 0 }, 0, 0, -1e6).scale).toBe(200);
    expect(zoomAbout({ scale: 0.06, x: 0, y: 0 }, 0, 0, 1e6).scale).toBe(0.05);
  });
});
