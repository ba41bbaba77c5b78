import { describe, expect, it } from 'vitest';
import { cuboidCorners, cuboidFootprint, makeCuboid, normalizeAngle, pointsInBox } from './box';
import { bevIoU, clipConvexPolygons, iou3d, polygonArea } from './iou';
import { interpolateCuboidTrack, lerpAngle, shortestAngleDelta } from './interpolate';
import type { Keyframe } from '../document/schema';

describe('box geometry', () => {
  it('corners of a rotated box', () => {
    const c = cuboidCorners(makeCuboid([1, 2, 3], [4, 2, 2], Math.PI / 2));
    // front-left corner: local (+2, +1) rotated 90 deg -> (-1, +2)
    expect(c[0]).toBeCloseTo(0);
    expect(c[1]).toBeCloseTo(4);
    expect(c[2]).toBeCloseTo(2);
    expect(c[4 * 3 + 2]).toBeCloseTo(4);
    expect(polygonArea(cuboidFootprint(makeCuboid([0, 0, 0], [4, 2, 1], 0.3)))).toBeCloseTo(8);
  });

  it('pointsInBox with mask and index outputs', () => {
    const box = makeCuboid([10, 0, 0], [4, 2, 2], Math.PI / 4);
    const pts = new Float32Array([10, 0, 0, 11.2, 1.2, 0, 11.2, -1.2, 0, 10, 0, 1.5, 0, 0, 0]);
    const mask = new Uint8Array(5);
    expect(pointsInBox(pts, 5, box, mask)).toBe(2);
    expect(Array.from(mask)).toEqual([1, 1, 0, 0, 0]);
    const idx = new Uint32Array(5);
    expect(pointsInBox(pts, 5, box, idx)).toBe(2);
    expect(Array.from(idx.subarray(0, 2))).toEqual([0, 1]);
    expect(pointsInBox(pts, 5, box)).toBe(2);
  });

  it('normalizes angles into (-pi, pi]', () => {
    expect(normalizeAngle(3 * Math.PI)).toBeCloseTo(Math.PI);
    expect(normalizeAngle(-Math.PI)).toBeCloseTo(Math.PI);
    expect(normalizeAngle(-0.5)).toBeCloseTo(-0.5);
  });
});

describe('IoU', () => {
  it('identical, disjoint, half-shifted and rotated boxes', () => {
    const a = makeCuboid([0, 0, 0], [4, 2, 2], 0.7);
    expect(bevIoU(a, a)).toBeCloseTo(1);
    expect(iou3d(a, a)).toBeCloseTo(1);
    expect(bevIoU(a, makeCuboid([20, 0, 0], [4, 2, 2], 0))).toBe(0);
    const b = makeCuboid([2, 0, 0], [4, 2, 2], 0);
    const a0 = makeCuboid([0, 0, 0], [4, 2, 2], 0);
    expect(bevIoU(a0, b)).toBeCloseTo(4 / 12);
    // same footprint, half the height overlaps
    expect(iou3d(a0, makeCuboid([0, 0, 1], [4, 2, 2], 0))).toBeCloseTo(8 / 24);
    // a square rotated 45 deg inside a bigger square: intersection is the rotated square
    const sq = makeCuboid([0, 0, 0], [2, 2, 1], Math.PI / 4);
    expect(bevIoU(sq, makeCuboid([0, 0, 0], [10, 10, 1], 0))).toBeCloseTo(4 / 100);
    // yaw flipped by pi is the same footprint
    expect(bevIoU(a, { ...a, yaw: a.yaw + Math.PI })).toBeCloseTo(1);
  });

  it('clips an octagon-shaped overlap of two squares', () => {
    const s = [-1, -1, 1, -1, 1, 1, -1, 1];
    const r = Math.SQRT2;
    const rot = [0, -r, r, 0, 0, r, -r, 0];
    const area = Math.abs(polygonArea(clipConvexPolygons(s, rot)));
    expect(area).toBeCloseTo(8 * (Math.SQRT2 - 1), 5);
  });
});

describe('interpolation', () => {
  it('takes the shortest way round', () => {
    const a = (179 * Math.PI) / 180;
    const b = (-179 * Math.PI) / 180;
    expect(shortestAngleDelta(a, b)).toBeCloseTo((2 * Math.PI) / 180);
    expect(Math.abs(lerpAngle(a, b, 0.5))).toBeCloseTo(Math.PI);
  });

  it('interpolates cuboid keyframes and honours outside', () => {
    const kf = (frame: number, x: number, yaw: number, outside = false): Keyframe => ({
      frame,
      geometry: makeCuboid([x, 0, 0], [4, 2, 2], yaw),
      outside,
      occluded: false,
      attributes: {},
    });
    const kfs = [kf(0, 0, 3), kf(10, 10, -3), kf(20, 20, 0, true), kf(30, 30, 0)];
    expect(interpolateCuboidTrack(kfs, -1)).toBeNull();
    const mid = interpolateCuboidTrack(kfs, 5)!;
    expect(mid.isKeyframe).toBe(false);
    expect(mid.geometry.center[0]).toBeCloseTo(5);
    expect(Math.abs(mid.geometry.yaw)).toBeCloseTo(Math.PI); // via pi, not via 0
    expect(interpolateCuboidTrack(kfs, 10)!.isKeyframe).toBe(true);
    expect(interpolateCuboidTrack(kfs, 15)!.geometry.center[0]).toBeCloseTo(10); // holds before outside
    expect(interpolateCuboidTrack(kfs, 25)).toBeNull();
    expect(interpolateCuboidTrack(kfs, 40)!.geometry.center[0]).toBeCloseTo(30);
  });
});
