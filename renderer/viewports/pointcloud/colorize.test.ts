import { describe, expect, it } from 'vitest';
import { colorize, robustRange } from './colorize';

describe('colorize', () => {
  it('maps low points to blue and high points to red', () => {
    const n = 200;
    const pos = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) pos[i * 3 + 2] = i / n;
    const c = colorize(pos, n, 'height');
    expect(c[2]).toBeGreaterThan(c[0]); // first point: more blue than red
    expect(c[(n - 1) * 3]).toBeGreaterThan(c[(n - 1) * 3 + 2]); // last point: more red than blue
  });
  it('ignores outliers when picking the range', () => {
    const v = new Float32Array(1000).map((_, i) => i % 100);
    v[0] = 1e6;
    const [lo, hi] = robustRange(v, v.length);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(100);
  });
  it('colours by horizontal distance from the sensor: near warm, far cool', () => {
    const n = 100;
    const pos = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) pos[i * 3] = i; // 0..99 m along x
    const c = colorize(pos, n, 'distance');
    expect(c[0]).toBeGreaterThan(c[2]); // nearest point: red over blue
    expect(c[(n - 2) * 3 + 2]).toBeGreaterThan(c[(n - 2) * 3]); // far point: blue over red
  });
});
