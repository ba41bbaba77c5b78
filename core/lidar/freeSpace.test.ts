import { describe, expect, it } from 'vitest';
import { completeRect } from './complete';
import { freeSpaceViolations, type FreeSpaceWitnesses } from './freeSpace';

// Sensor at the origin 1.73 m above a flat road (a sensor frame: z = 0 at the sensor).
const witnesses = (pts: number[][]): FreeSpaceWitnesses => ({ xyz: Float32Array.from(pts.flat()), count: pts.length, sx: 0, sy: 0, sz: 0, ground: -1.73, weight: 1 });

describe('freeSpaceViolations', () => {
  it('a road return seen through a hypothesised car contradicts it; a return on its near face does not', () => {
    // The line to the road at 30 m passes 20-23 m at 0.4-0.6 m above the road: through a body there.
    const w = witnesses([[30, 0, -1.73]]);
    expect(freeSpaceViolations(w, 22, 0, 0, 4, 1.6)).toBe(1);
    // The same box 5 m to the side: the line misses it.
    expect(freeSpaceViolations(w, 22, 5, 0, 4, 1.6)).toBe(0);
    // Above the band (the line to the road at 30 m is still 1.04 m up at 12 m): no body there to cross.
    expect(freeSpaceViolations(w, 10, 0, 0, 4, 1.6)).toBe(0);
    // A return on the box's near face (its line enters the box where it ends) is the object itself.
    expect(freeSpaceViolations(witnesses([[20, 0, -1.0]]), 22, 0, 0, 4, 1.6)).toBe(0);
    // The same return 1.5 m inside a box grown towards the sensor: its line crosses the box's near part.
    expect(freeSpaceViolations(witnesses([[20, 0, -1.0]]), 19.5, 0, 0, 4, 1.6)).toBe(1);
  });
});

describe('completeRect with free space', () => {
  // A car's end face seen at 20 m (0.3 m deep, 1.6 m wide): by default it grows away from the sensor.
  const rect = { cx: 20.15, cy: 0, angle: 0, extent1: 0.3, extent2: 1.6 };
  it('grows away from the sensor without evidence', () => {
    const r = completeRect(rect, [3.9, 1.6], [0, 0], undefined, () => 0);
    expect(r.cx).toBeCloseTo(20 + 3.9 / 2, 5);
    expect(r.length).toBeCloseTo(3.9, 5);
  });
  it('grows towards the sensor when lines of sight pass through the far side', () => {
    // Returns seen behind the face: every box reaching past x = 20.3 contradicts 10 of them.
    const r = completeRect(rect, [3.9, 1.6], [0, 0], undefined, (cx, _cy, _a, e1) => (cx + e1 / 2 > 20.5 ? 10 : 0));
    expect(r.cx).toBeCloseTo(20.3 - 3.9 / 2, 5);
  });
  it('keeps the default when the evidence is weak (fewer than minGain returns)', () => {
    const r = completeRect(rect, [3.9, 1.6], [0, 0], undefined, (cx, _cy, _a, e1) => (cx + e1 / 2 > 20.5 ? 3 : 0));
    expect(r.cx).toBeCloseTo(20 + 3.9 / 2, 5);
  });
});
