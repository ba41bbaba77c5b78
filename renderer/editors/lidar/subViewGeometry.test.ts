import { describe, expect, it } from 'vitest';
import { makeCuboid } from '../../../core/lidar/box';
import { cuboidCorners } from '../../../core/lidar/box';
import { cursorFor, dragBox, faceTo, fitScale, hitTest, HIT_PX, makeXf, moveFace, readout, rotateHandlePx, toMetres, toPx, zoomAbout } from './subViewGeometry';

const car = makeCuboid([10, -3, -0.9], [4.2, 1.8, 1.5], 0.3);

describe('sub-view transform', () => {
  it('fits the box with room around it; pixels and metres round-trip with zoom and pan', () => {
    const v = makeXf(car, 'top', 300, 200);
    expect(v.scale).toBeCloseTo(fitScale(car, 'top', 300, 200));
    // The whole box is on the canvas with a margin.
    const [l, t] = toPx(v, -2.1, 0.9);
    const [r, b] = toPx(v, 2.1, -0.9);
    expect(l).toBeGreaterThan(10);
    expect(r).toBeLessThan(290);
    expect(t).toBeGreaterThan(10);
    expect(b).toBeLessThan(190);
    const z = makeXf(car, 'side', 300, 200, 3.5, 0.7, -0.2);
    const [a2, b2] = toMetres(z, ...toPx(z, 1.234, -0.456));
    expect(a2).toBeCloseTo(1.234, 9);
    expect(b2).toBeCloseTo(-0.456, 9);
  });

  it('wheel zoom keeps the point under the cursor in place and is clamped', () => {
    const v = makeXf(car, 'front', 300, 200);
    const under = toMetres(v, 250, 40);
    const z = zoomAbout(v, 1, 1.5, 250, 40);
    expect(z.zoom).toBeCloseTo(1.5);
    const v2 = makeXf(car, 'front', 300, 200, z.zoom, z.panA, z.panB);
    expect(v2.scale).toBeCloseTo(v.scale * 1.5);
    const again = toMetres(v2, 250, 40);
    expect(again[0]).toBeCloseTo(under[0], 9);
    expect(again[1]).toBeCloseTo(under[1], 9);
    expect(zoomAbout(v, 1, 1000, 0, 0).zoom).toBe(40);
    expect(zoomAbout(v, 1, 0.001, 0, 0).zoom).toBe(0.25);
  });
});

describe('handles', () => {
  it('edges and corners are hit within the pixel tolerance at any zoom; inside moves, outside pans', () => {
    for (const zoom of [1, 6]) {
      const v = makeXf(car, 'side', 300, 200, zoom);
      const [right, top] = toPx(v, car.size[0] / 2, car.size[2] / 2);
      const [, mid] = toPx(v, 0, 0);
      expect(hitTest(car, 'side', v, right + HIT_PX - 1, mid)).toEqual({ op: 'face', face: { axis: 0, side: 1 } });
      expect(hitTest(car, 'side', v, right - HIT_PX + 1, mid)).toEqual({ op: 'face', face: { axis: 0, side: 1 } });
      expect(hitTest(car, 'side', v, right + HIT_PX + 2, mid)).toEqual({ op: 'pan' });
      expect(hitTest(car, 'side', v, right - HIT_PX - 2, mid)).toEqual({ op: 'move' });
      expect(hitTest(car, 'side', v, right + 3, top - 3)).toEqual({ op: 'corner', faces: [{ axis: 0, side: 1 }, { axis: 2, side: 1 }] });
      const [, bottom] = toPx(v, 0, -car.size[2] / 2);
      const [x0] = toPx(v, 0, 0);
      expect(hitTest(car, 'side', v, x0, bottom + 2)).toEqual({ op: 'face', face: { axis: 2, side: -1 } });
    }
  });

  it('the top view has a rotate handle in front of the box; the others do not', () => {
    const v = makeXf(car, 'top', 300, 200);
    const [rx, ry] = rotateHandlePx(v, car);
    expect(hitTest(car, 'top', v, rx, ry)).toEqual({ op: 'rotate' });
    expect(hitTest(car, 'side', makeXf(car, 'side', 300, 200), rx, ry).op).not.toBe('rotate');
  });

  it('cursors say what a press does', () => {
    expect(cursorFor({ op: 'face', face: { axis: 0, side: 1 } }, 'top')).toBe('ew-resize');
    expect(cursorFor({ op: 'face', face: { axis: 1, side: -1 } }, 'top')).toBe('ns-resize');
    expect(cursorFor({ op: 'face', face: { axis: 1, side: -1 } }, 'front')).toBe('ew-resize');
    expect(cursorFor({ op: 'corner', faces: [{ axis: 0, side: 1 }, { axis: 2, side: 1 }] }, 'side')).toBe('nesw-resize');
    expect(cursorFor({ op: 'corner', faces: [{ axis: 0, side: -1 }, { axis: 2, side: 1 }] }, 'side')).toBe('nwse-resize');
    expect(cursorFor({ op: 'move' }, 'side')).toBe('move');
    expect(cursorFor({ op: 'rotate' }, 'top')).toBe('grab');
  });
});

describe('drags', () => {
  it('a face follows the pointer displacement, keeps the opposite face and rounds the size to 1 cm', () => {
    const next = dragBox(car, 'side', { op: 'face', face: { axis: 0, side: 1 } }, 2.0, 0.1, 2.3337, 0.5);
    expect(next.size[0]).toBeCloseTo(4.53, 9);
    expect(next.size[1]).toBe(car.size[1]);
    // The back face (local -2.1 along the heading) has not moved.
    const back = (b: typeof car) => {
      const k = cuboidCorners(b);
      return [(k[3] + k[6]) / 2, (k[4] + k[7]) / 2]; // corners 1 and 2 are the rear
    };
    expect(back(next)[0]).toBeCloseTo(back(car)[0], 9);
    expect(back(next)[1]).toBeCloseTo(back(car)[1], 9);
    // The bottom face dragged 0.2 m down: 20 cm taller, the top stays.
    const lower = dragBox(car, 'front', { op: 'face', face: { axis: 2, side: -1 } }, 0, -0.75, 0.3, -0.95);
    expect(lower.size[2]).toBeCloseTo(1.7, 9);
    expect(lower.center[2] + lower.size[2] / 2).toBeCloseTo(car.center[2] + car.size[2] / 2, 9);
  });

  it('a corner moves two faces; a move is rounded to 1 cm in the box frame; a turn to 0.1°', () => {
    const c = dragBox(car, 'top', { op: 'corner', faces: [{ axis: 0, side: -1 }, { axis: 1, side: 1 }] }, -2.1, 0.9, -2.4, 1.0);
    expect(c.size[0]).toBeCloseTo(4.5, 9);
    expect(c.size[1]).toBeCloseTo(1.9, 9);
    const m = dragBox(car, 'top', { op: 'move' }, 0, 0, 0.123, -0.456);
    const dx = m.center[0] - car.center[0], dy = m.center[1] - car.center[1];
    expect(dx * Math.cos(car.yaw) + dy * Math.sin(car.yaw)).toBeCloseTo(0.12, 9);
    expect(-dx * Math.sin(car.yaw) + dy * Math.cos(car.yaw)).toBeCloseTo(-0.46, 9);
    expect(m.center[2]).toBe(car.center[2]);
    const r = dragBox(car, 'top', { op: 'rotate' }, 3, 0, 3, 3 * Math.tan((10.04 * Math.PI) / 180));
    expect(((r.yaw - car.yaw) * 180) / Math.PI).toBeCloseTo(10.0, 6);
  });

  it('a face never goes through the opposite one; faceTo puts a face at a box-local coordinate', () => {
    expect(moveFace(car, { axis: 1, side: 1 }, -5).size[1]).toBeCloseTo(0.05, 9);
    const snapped = faceTo(car, { axis: 1, side: -1 }, -1.2345);
    expect(snapped.size[1]).toBeCloseTo(2.13, 9); // 0.9 + 1.2345 rounded to 1 cm
  });

  it('reads out the size and its change, or the move, or the turn', () => {
    const f = { op: 'face', face: { axis: 0, side: 1 } } as const;
    expect(readout(car, moveFace(car, f.face, 0.25), 'side', f)).toBe('L 4.45 m (+0.25)');
    expect(readout(car, moveFace(car, { axis: 2, side: -1 }, 0.1), 'side', { op: 'face', face: { axis: 2, side: -1 } })).toBe('H 1.40 m (−0.10)');
    expect(readout(car, dragBox(car, 'front', { op: 'move' }, 0, 0, 0.3, -0.05), 'front', { op: 'move' })).toBe('ΔW +0.30 m  ΔH −0.05 m');
    expect(readout(car, { ...car, yaw: car.yaw + 0.1 }, 'top', { op: 'rotate' })).toBe('yaw 22.9° (+5.7°)');
  });
});
