import { describe, expect, it } from 'vitest';
import { boundsOf, revealRect } from './reveal';

describe('revealRect', () => {
  const vp = { w: 800, h: 600 };
  it('keeps the view when the region is already in view', () => {
    const v = { scale: 1, x: 0, y: 0 };
    expect(revealRect(v, vp, { x1: 10, y1: 10, x2: 100, y2: 100 })).toBe(v);
  });
  it('pans to centre a region out of view, keeping the scale when it fits', () => {
    const v = revealRect({ scale: 2, x: 0, y: 0 }, vp, { x1: 1000, y1: 1000, x2: 1050, y2: 1040 });
    expect(v.scale).toBe(2);
    expect(1025 * v.scale + v.x).toBeCloseTo(400);
    expect(1020 * v.scale + v.y).toBeCloseTo(300);
  });
  it('zooms out when the region does not fit at the current scale', () => {
    const v = revealRect({ scale: 4, x: -5000, y: 0 }, vp, { x1: 0, y1: 0, x2: 400, y2: 100 });
    expect(v.scale).toBeCloseTo((800 - 48) / 400);
    expect(400 * v.scale + v.x).toBeLessThanOrEqual(800);
    expect(v.x).toBeGreaterThanOrEqual(0);
  });
  it('bounds boxes and point shapes; none for a tag', () => {
    expect(boundsOf({ kind: 'box2d', x1: 1, y1: 2, x2: 3, y2: 4 })).toEqual({ x1: 1, y1: 2, x2: 3, y2: 4 });
    expect(boundsOf({ kind: 'polygon', points: [5, 1, 2, 8, 9, 3] })).toEqual({ x1: 2, y1: 1, x2: 9, y2: 8 });
    expect(boundsOf({ kind: 'tag' })).toBeNull();
  });
});
