import { describe, expect, it } from 'vitest';
import {
  decodeRle,
  encodeRle,
  maskBitmap,
  maskGeometry,
  paintDisc,
  paintStroke,
  polygonArea,
  polygonsToMask,
  rleArea,
  rleBbox,
  rleFromString,
  rleToString,
} from './rle';

// Expected values below were derived by hand from the COCO definitions (column-major runs that
// start with zeros; pycocotools' rleToString with deltas from the 4th count on).

describe('uncompressed RLE', () => {
  // h=2, w=3, rows: [0 1 1] / [0 1 0]. Column-major: 0 0 | 1 1 | 1 0 -> runs 2,3,1
  const mask = Uint8Array.from([0, 1, 1, 0, 1, 0]);

  it('encodes column-major starting with a zero run', () => {
    expect(encodeRle(mask, 3, 2)).toEqual([2, 3, 1]);
    expect(encodeRle(Uint8Array.from([1, 1, 1, 1]), 2, 2)).toEqual([0, 4]);
    expect(encodeRle(new Uint8Array(4), 2, 2)).toEqual([4]);
  });

  it('decodes back to the row-major mask', () => {
    expect(Array.from(decodeRle([2, 3, 1], 3, 2))).toEqual(Array.from(mask));
    expect(Array.from(maskBitmap(maskGeometry(mask, 3, 2)))).toEqual(Array.from(mask));
  });

  it('rejects counts that do not cover the image', () => {
    expect(() => decodeRle([2, 3], 3, 2)).toThrow(/cover 5 pixels/);
    expect(() => decodeRle([2, 3, 5], 3, 2)).toThrow(/mask has 6/);
  });

  it('computes area and bbox like pycocotools', () => {
    expect(rleArea([2, 3, 1])).toBe(3);
    expect(rleBbox([2, 3, 1], 3, 2)).toEqual([1, 0, 2, 2]);
    // h=4, w=3: a single pixel at (x=2, y=1): column-major index 2*4+1 = 9
    expect(rleBbox([9, 1, 2], 3, 4)).toEqual([2, 1, 1, 1]);
    // run from (x=0,y=3) to (x=1,y=0) crosses a column: full height
    expect(rleBbox([3, 2, 7], 3, 4)).toEqual([0, 0, 2, 4]);
    expect(rleBbox([12], 3, 4)).toEqual([0, 0, 0, 0]);
  });

  it('round-trips a random mask', () => {
    const w = 37, h = 23;
    const random = new Uint8Array(w * h);
    let seed = 7;
    for (let i = 0; i < random.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      random[i] = seed % 3 === 0 ? 1 : 0;
    }
    const counts = encodeRle(random, w, h);
    expect(Array.from(decodeRle(counts, w, h))).toEqual(Array.from(random));
    expect(rleArea(counts)).toBe(random.reduce((a, b) => a + b, 0));
    expect(rleFromString(rleToString(counts))).toEqual(counts);
  });
});

describe('compressed RLE string', () => {
  it('matches hand-computed pycocotools strings', () => {
    expect(rleToString([4])).toBe('4');
    expect(rleToString([0, 4])).toBe('04');
    expect(rleToString([2, 3, 4])).toBe('234');
    // 4th count written as 1 - counts[1] = 0
    expect(rleToString([1, 1, 1, 1])).toBe('1110');
    // 20 needs two groups: 20 has bit 4 set, so a continuation 'd' (20|32)+48 then '0';
    // the 4th count is the negative delta 2-20 = -18: '^' (14|32)+48 then 'O' 31+48
    expect(rleToString([0, 20, 3, 2])).toBe('0d03^O');
  });

  it('decodes hand-computed strings', () => {
    expect(rleFromString('0d03^O')).toEqual([0, 20, 3, 2]);
    expect(rleFromString('1110')).toEqual([1, 1, 1, 1]);
  });

  it('encodes long count lists (large masks)', () => {
    const counts = Array.from({ length: 100_000 }, (_, i) => 1 + (i % 40));
    expect(rleFromString(rleToString(counts))).toEqual(counts);
  });

  it('handles counts beyond 32 bits', () => {
    const counts = [3_000_000_000, 5, 1, 4_000_000_000];
    expect(rleFromString(rleToString(counts))).toEqual(counts);
  });

  it('rejects bad characters', () => {
    expect(() => rleFromString('0 1')).toThrow(/invalid character/);
    expect(() => rleFromString('d')).toThrow(/truncated/);
  });
});

describe('polygon rasterization', () => {
  it('fills pixels whose centres are inside', () => {
    const mask = polygonsToMask([[1, 1, 3, 1, 3, 3, 1, 3]], 4, 4);
    // prettier-ignore
    expect(Array.from(mask)).toEqual([
      0, 0, 0, 0,
      0, 1, 1, 0,
      0, 1, 1, 0,
      0, 0, 0, 0,
    ]);
  });

  it('uses even-odd inside a self-overlapping ring and unites parts', () => {
    // outer 0..4 square traced, then an inner 1..3 square in the same ring: a hole by even-odd
    const ring = [0, 0, 4, 0, 4, 4, 0, 4, 0, 0, 1, 1, 1, 3, 3, 3, 3, 1, 1, 1];
    const mask = polygonsToMask([ring], 4, 4);
    expect(mask[1 * 4 + 1]).toBe(0);
    expect(mask[0]).toBe(1);
    const union = polygonsToMask([ring, [1, 1, 3, 1, 3, 3, 1, 3]], 4, 4);
    expect(union[1 * 4 + 1]).toBe(1);
  });

  it('rasterizes a large polygon fast enough for export', () => {
    const w = 2000, h = 1500;
    const start = performance.now();
    const mask = polygonsToMask([[10, 10, 1990, 30, 1900, 1490, 40, 1400]], w, h);
    expect(performance.now() - start).toBeLessThan(1000);
    const area = mask.reduce((a, b) => a + b, 0);
    expect(Math.abs(area - polygonArea([10, 10, 1990, 30, 1900, 1490, 40, 1400])) / area).toBeLessThan(0.002);
  });

  it('computes shoelace area', () => {
    expect(polygonArea([0, 0, 4, 0, 4, 3])).toBe(6);
    expect(polygonArea([0, 0, 0, 3, 4, 0])).toBe(6);
  });
});

describe('brush', () => {
  it('paints and erases a disc', () => {
    const w = 5, h = 5;
    const mask = new Uint8Array(w * h);
    paintDisc(mask, w, h, 2.5, 2.5, 1, 1);
    // centres within 1 of (2.5, 2.5): the plus shape
    expect(Array.from(mask).reduce((a, b) => a + b, 0)).toBe(5);
    expect(mask[2 * w + 2]).toBe(1);
    expect(mask[1 * w + 1]).toBe(0);
    paintDisc(mask, w, h, 2.5, 2.5, 0.5, 0);
    expect(mask[2 * w + 2]).toBe(0);
    expect(mask[1 * w + 2]).toBe(1);
  });

  it('clips at the borders and strokes without gaps', () => {
    const w = 20, h = 3;
    const mask = new Uint8Array(w * h);
    paintDisc(mask, w, h, -5, -5, 2, 1);
    expect(mask.every((v) => v === 0)).toBe(true);
    paintStroke(mask, w, h, [0.5, 1.5], [19.5, 1.5], 0.6, 1);
    for (let x = 0; x < w; x++) expect(mask[w + x]).toBe(1);
  });
});
