import { describe, expect, it } from 'vitest';
import { lzfCompress } from '../../../../tests/helpers/lzfCompress';
import { lzfDecompress, LzfError } from './lzf';

function seededBytes(n: number, seed: number, repetitive: boolean): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = repetitive ? (i % 97 < 60 ? i & 7 : s >>> 24) : s >>> 24;
  }
  return out;
}

describe('LZF', () => {
  it('round-trips random, repetitive and empty data through the test compressor', () => {
    for (const [n, repetitive] of [[0, false], [1, false], [5000, false], [100_000, true], [70_000, false]] as const) {
      const input = seededBytes(n, n + 1, repetitive);
      const packed = lzfCompress(input);
      if (repetitive) expect(packed.length).toBeLessThan(input.length / 2);
      expect(lzfDecompress(packed, input.length)).toEqual(input);
    }
  });

  it('decodes long overlapping back references (runs)', () => {
    const input = new Uint8Array(10_000).fill(42);
    expect(lzfDecompress(lzfCompress(input), input.length)).toEqual(input);
  });

  it('throws LzfError rather than reading or writing out of range', () => {
    expect(() => lzfDecompress(new Uint8Array([5, 1, 2]), 6)).toThrow(LzfError); // literal overruns input
    expect(() => lzfDecompress(new Uint8Array([0, 1, 0x20, 0x10]), 10)).toThrow(/before the start/);
    expect(() => lzfDecompress(new Uint8Array([1, 1, 2]), 1)).toThrow(/overruns the 1-byte output/);
    expect(() => lzfDecompress(new Uint8Array([0, 1]), 2)).toThrow(/decompressed 1 bytes, expected 2/);
    expect(() => lzfDecompress(new Uint8Array([0, 1, 0xe0]), 300)).toThrow(/missing/);
  });
});
