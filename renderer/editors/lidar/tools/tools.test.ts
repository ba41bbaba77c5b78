import { describe, expect, it } from 'vitest';
import type { Cuboid3D } from '../../../../core/document/schema';
import { frameIndexFor } from '../../../../core/lidar/frameIndex';
import { syntheticScene } from '../../../../core/lidar/syntheticScene.test-helper';
import { createLidarTool, type LidarPointer, type LidarToolContext } from './index';

const car: Cuboid3D = { kind: 'cuboid3d', center: [10, 2, -0.9], size: [4, 1.8, 1.6], yaw: 0.3 };
const scene = syntheticScene([car]);
const cloud = { ...scene, index: frameIndexFor(scene.positions, scene.count) };
/** A pointer looking straight down from 50 m above (x, y); `px` are its canvas pixels. */
const at = (x: number, y: number, px: [number, number] = [0, 0], mods: Partial<LidarPointer> = {}): LidarPointer => ({ x: px[0], y: px[1], ray: { origin: [x, y, 50], direction: [0, 0, -1] }, ...mods });
const ctx = (over: Partial<LidarToolContext> = {}): LidarToolContext => ({ boxes: [], cloud, prior: [3.9, 1.6, 1.56], ...over });

describe('LiDAR tools (no DOM)', () => {
  it('select: a click picks the cuboid under the pointer, a drag does nothing', () => {
    const t = createLidarTool('select');
    const c = ctx({ boxes: [{ id: 'a', box: car }] });
    t.down(at(10, 2), c);
    expect(t.up(at(10, 2), c)).toEqual([{ type: 'select', id: 'a' }]);
    t.down(at(30, 2), c);
    expect(t.up(at(30, 2), c)).toEqual([{ type: 'select', id: null }]);
    t.down(at(10, 2, [0, 0]), c);
    expect(t.up(at(10, 2, [40, 0]), c)).toEqual([]);
    expect(t.orbits).toBe(true);
  });

  it('fit: a click on the car fits a cuboid to its points; on a box it selects; on nothing it says so', () => {
    const t = createLidarTool('fit');
    t.down(at(10.3, 2.2), ctx());
    const cmds = t.up(at(10.3, 2.2), ctx());
    const made = cmds.find((c) => c.type === 'create');
    expect(made?.type === 'create' && Math.hypot(made.box.center[0] - 10, made.box.center[1] - 2)).toBeLessThan(0.3);
    t.down(at(10, 2), ctx({ boxes: [{ id: 'a', box: car }] }));
    expect(t.up(at(10, 2), ctx({ boxes: [{ id: 'a', box: car }] }))).toEqual([{ type: 'select', id: 'a' }]);
    t.down(at(-20, -20), ctx());
    expect(t.up(at(-20, -20), ctx())).toEqual([{ type: 'notice', message: 'lidar.noFit' }]);
    // No cloud loaded yet: said, not silent.
    t.down(at(10.3, 2.2), ctx({ cloud: null }));
    expect(t.up(at(10.3, 2.2), ctx({ cloud: null }))).toEqual([{ type: 'notice', message: 'lidar.noFitNoCloud' }]);
  });

  it('box: the dragged rectangle is previewed, then fitted to the object; Alt keeps it as drawn; tiny ones are dropped', () => {
    const t = createLidarTool('box');
    expect(t.orbits).toBe(false);
    t.down(at(7, -0.5), ctx());
    t.move(at(13, 4.5), ctx());
    const p = t.preview();
    expect(p?.type === 'box' && p.box.size[0]).toBeCloseTo(6);
    expect(t.busy()).toBe(true);
    const [fitted, notice] = t.up(at(13, 4.5), ctx());
    expect(fitted.type === 'create' && fitted.action).toBe('draw cuboid');
    expect(notice).toEqual({ type: 'notice', message: null });
    expect(fitted.type === 'create' && fitted.box.size[0]).toBeLessThan(5);
    expect(fitted.type === 'create' && Math.abs(fitted.box.yaw - 0.3) % (Math.PI / 2)).toBeLessThan(0.1);
    t.down(at(7, -0.5), ctx());
    const [asDrawn] = t.up(at(13, 4.5, [0, 0], { alt: true }), ctx());
    expect(asDrawn).toMatchObject({ type: 'create', box: { center: [10, 2, expect.any(Number)], size: [6, 5, 1.56], yaw: 0 } });
    // A rectangle over bare ground keeps the box as drawn and says why.
    t.down(at(-25, -25), ctx());
    const empty = t.up(at(-20, -21), ctx());
    expect(empty[0]).toMatchObject({ type: 'create', box: { yaw: 0 } });
    expect(empty[1]).toEqual({ type: 'notice', message: 'lidar.noFitRegion' });
    t.down(at(7, 0), ctx());
    expect(t.up(at(7.1, 0.1), ctx())).toEqual([]);
    expect(t.preview()).toBeNull();
  });

  it('lasso: the path is previewed and handed over on release (Shift erases)', () => {
    const t = createLidarTool('lasso');
    t.down(at(0, 0, [1, 1], { shift: true }), ctx());
    t.move(at(0, 0, [20, 1]), ctx());
    t.move(at(0, 0, [20, 20]), ctx());
    expect(t.preview()).toEqual({ type: 'lasso', points: [1, 1, 20, 1, 20, 20] });
    expect(t.up(at(0, 0, [20, 20]), ctx())).toEqual([{ type: 'lasso', polygon: [1, 1, 20, 1, 20, 20], erase: true }]);
    t.down(at(0, 0, [1, 1]), ctx());
    expect(t.up(at(0, 0, [1, 1]), ctx())).toEqual([]);
  });
});
