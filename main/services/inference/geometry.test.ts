import { describe, expect, it } from 'vitest';
import { decodeRle } from '../../../core/geometry/rle';
import { connectedComponents, convexHull, maskToPolygon, minAreaRect, polygonArea, rectCorners, traceOuterContour } from './contours';
import { iou, nms } from './nms';

describe('nms', () => {
  it('keeps the best of overlapping boxes per class and lets other classes through', () => {
    const kept = nms(
      [
        { box: [0, 0, 10, 10], score: 0.9, classId: 0 },
        { box: [1, 1, 11, 11], score: 0.8, classId: 0 },
        { box: [1, 1, 11, 11], score: 0.7, classId: 1 },
        { box: [50, 50, 60, 60], score: 0.6, classId: 0 },
      ],
      0.5,
    );
    expect(kept.map((k) => k.score)).toEqual([0.9, 0.7, 0.6]);
    expect(nms([{ box: [0, 0, 10, 10], score: 0.9, classId: 0 }, { box: [1, 1, 11, 11], score: 0.7, classId: 1 }], 0.5, { perClass: false })).toHaveLength(1);
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(1 / 3);
  });
});

describe('contours', () => {
  it('finds components, hulls and the min-area rectangle of a rotated bar', () => {
    const W = 60, H = 60;
    const bin = new Uint8Array(W * H);
    // a bar 30 long and ~6 wide at 45 degrees
    for (let t = 0; t < 30; t += 0.25) for (let s = -3; s <= 3; s += 0.25) {
      const x = Math.round(15 + t * Math.SQRT1_2 - s * Math.SQRT1_2), y = Math.round(15 + t * Math.SQRT1_2 + s * Math.SQRT1_2);
      bin[y * W + x] = 1;
    }
    bin[2 * W + 50] = 1; // a separate speck
    const comps = connectedComponents(bin, W, H);
    expect(comps).toHaveLength(2);
    const big = comps.find((c) => c.pixels.length > 1)!;
    const pts: number[] = [];
    for (const p of big.pixels) pts.push(p % W, Math.floor(p / W));
    const r = minAreaRect(convexHull(pts));
    const long = Math.max(r.width, r.height), short = Math.min(r.width, r.height);
    expect(long).toBeGreaterThan(27);
    expect(long).toBeLessThan(33);
    expect(short).toBeGreaterThan(4);
    expect(short).toBeLessThan(9);
    expect(Math.abs(Math.abs(Math.sin(2 * r.angle)))).toBeGreaterThan(0.9); // ~45 degrees
    expect(rectCorners(r)).toHaveLength(8);
  });

  it('traces the outer contour of a rectangle and simplifies it to its corners', () => {
    const W = 20, H = 10;
    const bin = new Uint8Array(W * H);
    for (let y = 2; y < 8; y++) for (let x = 3; x < 15; x++) bin[y * W + x] = 1;
    const ring = traceOuterContour(bin, W, H);
    expect(ring.length / 2).toBe(2 * (12 + 6) - 4);
    const poly = maskToPolygon(bin, W, H);
    expect(poly).toEqual([3, 2, 14, 2, 14, 7, 3, 7]);
    expect(polygonArea(poly)).toBe(11 * 5);
    expect(decodeRle([0], 0, 0)).toHaveLength(0);
  });
});
