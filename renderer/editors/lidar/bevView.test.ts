import { describe, expect, it } from 'vitest';
import { boxBounds, cameraPose, DEFAULT_VIEW, frameBounds, MAX_RANGE, panBy, pointBounds, presetView, screenToScene, wheelSteps, zoomAt, zoomFor, type LidarViewState } from './bevView';

const bev = (o: Partial<LidarViewState> = {}): LidarViewState => ({ ...DEFAULT_VIEW, bev: true, ...o });

describe('bird\'s-eye view maths', () => {
  it('a range preset shows that many metres around the sensor across the shorter side', () => {
    const v = presetView(bev({ center: [30, 5] }), 40);
    expect(v).toMatchObject({ bev: true, center: [0, 0], range: 40 });
    expect(zoomFor(40, 1000, 800)).toBeCloseTo(10); // 800 px / 80 m
  });

  it('wheel: one notch is ±1 step; 20 m reaches 100 m in 4 notches; ranges are clamped', () => {
    expect(wheelSteps(100)).toBe(1);
    expect(wheelSteps(-3, 1)).toBe(-1);
    expect(wheelSteps(5000)).toBe(3);
    let v = presetView(bev(), 20);
    for (let i = 0; i < 4; i++) v = zoomAt(v, wheelSteps(100), [0, 0], 800, 600);
    expect(v.range).toBeGreaterThanOrEqual(100);
    expect(v.range).toBeLessThan(110);
    for (let i = 0; i < 20; i++) v = zoomAt(v, 3, [0, 0], 800, 600);
    expect(v.range).toBe(MAX_RANGE);
  });

  it('zoom keeps the scene point under the cursor in place, in both orientations', () => {
    for (const orientation of ['north', 'heading'] as const) {
      const v = bev({ orientation, center: [3, -2], range: 30 });
      const cursor: [number, number] = [120, -80];
      const under = (s: LidarViewState) => {
        const d = screenToScene(orientation, cursor[0], cursor[1], zoomFor(s.range, 800, 600));
        return [s.center[0] + d[0], s.center[1] + d[1]];
      };
      const z = zoomAt(v, -1, cursor, 800, 600);
      expect(z.range).toBeCloseTo(20);
      expect(under(z)[0]).toBeCloseTo(under(v)[0]);
      expect(under(z)[1]).toBeCloseTo(under(v)[1]);
    }
  });

  it('screen axes: north-up has +y up, heading-up has +x (forward) up and +y to the left', () => {
    expect(screenToScene('north', 10, 0, 10)).toEqual([1, -0]);
    expect(screenToScene('north', 0, -10, 10)).toEqual([0, 1]);
    expect(screenToScene('heading', 0, -10, 10)).toEqual([1, -0]);
    expect(screenToScene('heading', -10, 0, 10)).toEqual([-0, 1]);
    expect(cameraPose(bev({ orientation: 'heading' })).up).toEqual([1, 0, 0]);
    expect(cameraPose(bev({ orientation: 'north', center: [4, 5] }))).toEqual({ position: [4, 5, 1000], up: [0, 1, 0] });
  });

  it('pan follows the pointer and never leaves the scene bounds', () => {
    const v = bev({ orientation: 'north', range: 30 }); // 600 px / 60 m = 10 px per metre
    expect(panBy(v, 50, 0, 800, 600, null).center).toEqual([-5, 0]);
    const b = { min: [-10, -10] as [number, number], max: [10, 10] as [number, number] };
    expect(panBy(v, -5000, 5000, 800, 600, b).center).toEqual([10, 10]);
  });

  it('frame all / frame selection: centred on the bounds, the range shows all of them', () => {
    const pts = new Float32Array([-10, -5, 0, 30, 15, 1, NaN, 0, 0, 5, 5, 2]);
    const b = pointBounds(pts, 4)!;
    expect(b).toEqual({ min: [-10, -5], max: [30, 15] });
    const north = frameBounds(bev({ orientation: 'north' }), b, 800, 600);
    expect(north.center).toEqual([10, 5]);
    // 40 m across 800 px (x), 20 m across 600 px (y): x decides; half of the shorter side in metres.
    expect(north.range).toBeCloseTo((600 / 2) * ((40 * 1.15) / 800));
    const heading = frameBounds(bev({ orientation: 'heading' }), b, 800, 600);
    expect(heading.range).toBeCloseTo((600 / 2) * ((40 * 1.15) / 600)); // x runs up the screen (600 px)
    const box = boxBounds([{ kind: 'cuboid3d', center: [10, 0, 0], size: [4, 2, 1.5], yaw: Math.PI / 2 }])!;
    expect(box.min[0]).toBeCloseTo(9);
    expect(box.max[1]).toBeCloseTo(2);
    expect(pointBounds(new Float32Array([NaN, NaN, 0]), 1)).toBeNull();
  });
});
