import { describe, expect, it } from 'vitest';
import { rotatedNms } from './nms3d';

const boxes = (...b: number[][]) => Float32Array.from(b.flat());

describe('rotatedNms (BEV)', () => {
  it('suppresses by rotated footprint overlap, not by axis-aligned boxes', () => {
    // 0: car at the origin; 1: same place turned 90 deg (IoU 2.56 / (2 * 6.24 - 2.56) = 0.258);
    // 2: a car 4 m ahead (no overlap); 3: a thin box crossing 0 diagonally; 4: a weaker copy of 2
    const b = boxes(
      [0, 0, 0, 3.9, 1.6, 1.5, 0],
      [0, 0, 0, 3.9, 1.6, 1.5, Math.PI / 2],
      [4, 0, 0, 3.9, 1.6, 1.5, 0],
      [0, 3, 0, 6, 0.2, 1.5, Math.PI / 4],
      [4.1, 0.05, 0, 3.9, 1.6, 1.5, 0.02],
    );
    const scores = Float32Array.from([0.9, 0.8, 0.7, 0.6, 0.65]);
    expect(Array.from(rotatedNms(b, scores, 5, { iouThreshold: 0.3 }))).toEqual([0, 1, 2, 3]);
    expect(Array.from(rotatedNms(b, scores, 5, { iouThreshold: 0.2 }))).toEqual([0, 2, 3]);
    // box 3's axis-aligned extent (4.2 x 4.2 around (0, 3)) overlaps box 0, its rotated footprint does not
    expect(Array.from(rotatedNms(b, scores, 5, { iouThreshold: 0.0 }))).toEqual([0, 2, 3]);
  });

  it('keeps other classes, honours maxOut and preMax, and breaks ties by index', () => {
    const b = boxes([0, 0, 0, 2, 2, 1, 0], [0.1, 0, 0, 2, 2, 1, 0], [10, 0, 0, 2, 2, 1, 0]);
    const scores = Float32Array.from([0.5, 0.9, 0.5]);
    expect(Array.from(rotatedNms(b, scores, 3, { iouThreshold: 0.5 }))).toEqual([1, 2]);
    expect(Array.from(rotatedNms(b, scores, 3, { iouThreshold: 0.5, classes: Int32Array.from([0, 1, 0]) }))).toEqual([1, 0, 2]);
    expect(Array.from(rotatedNms(b, scores, 3, { iouThreshold: 0.5, maxOut: 1 }))).toEqual([1]);
    expect(Array.from(rotatedNms(b, scores, 3, { iouThreshold: 0.5, preMax: 2 }))).toEqual([1]);
    expect(Array.from(rotatedNms(b, Float32Array.from([0.5, 0.5, 0.5]), 3, { iouThreshold: 0.5 }))).toEqual([0, 2]);
    expect(rotatedNms(b, scores, 0, { iouThreshold: 0.5 }).length).toBe(0);
  });
});
