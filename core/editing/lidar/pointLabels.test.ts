import { describe, expect, it } from 'vitest';
import { decodeLabels, encodeLabels, inPolygon, lassoPaint } from './pointLabels';

describe('point labels', () => {
  it('round-trips through base64 little-endian', () => {
    const l = new Uint16Array([0, 1, 258, 65535]);
    expect(Array.from(decodeLabels(encodeLabels(l), 4))).toEqual([0, 1, 258, 65535]);
    expect(Buffer.from(encodeLabels(l), 'base64')[4]).toBe(2); // 258 = 0x0102, low byte first
  });
  it('paints the points whose projection falls in the lasso', () => {
    const pos = new Float32Array([0, 0, 0, 0.9, 0.9, 0, 5, 5, 0]);
    const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    const labels = new Uint16Array(3);
    // viewport 100 x 100: ndc (0,0) -> (50,50); (0.9,0.9) -> (95,5); (5,5) off screen
    const n = lassoPaint(pos, 3, identity, 100, 100, [40, 40, 60, 40, 60, 60, 40, 60], labels, 3);
    expect(n).toBe(1);
    expect(Array.from(labels)).toEqual([3, 0, 0]);
    expect(inPolygon(1, 1, [0, 0, 2, 0, 2, 2, 0, 2])).toBe(true);
  });
});
