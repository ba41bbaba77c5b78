import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lzfCompress } from '../../../tests/helpers/lzfCompress';
import { lzfDecompress, lzfDecompressJs, LzfError } from './lzf';
import { lzfDecompressWasm, setLzfKernelEnabled } from './wasm/lzfKernel';

function seededBytes(n: number, seed: number, repetitive: boolean): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = repetitive ? (i % 97 < 60 ? i & 7 : s >>> 24) : s >>> 24;
  }
  return out;
}

describe.each([['wasm kernel', true], ['JavaScript decoder', false]])('LZF (%s)', (_name, wasm) => {
  beforeAll(() => setLzfKernelEnabled(wasm));
  afterAll(() => setLzfKernelEnabled(true));

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

describe('LZF kernels agree', () => {
  it('gives the same bytes or the same kind of error as the JavaScript decoder on mutated streams', () => {
    const input = seededBytes(200_000, 3, true);
    const packed = lzfCompress(input);
    let s = 99;
    const rand = (n: number) => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % n);
    const outcome = (f: () => Uint8Array) => {
      try {
        return Array.from(f().subarray(0, 64)).join(',') + `/${f().length}`;
      } catch (e) {
        expect(e).toBeInstanceOf(LzfError);
        return 'error';
      }
    };
    for (let round = 0; round < 300; round++) {
      const mutated = packed.slice(0, round % 3 === 0 ? rand(packed.length) : packed.length);
      for (let m = 0; m < 3; m++) mutated[rand(mutated.length)] = rand(256);
      expect(outcome(() => lzfDecompress(mutated, input.length))).toBe(outcome(() => lzfDecompressJs(mutated, input.length)));
    }
  });

  it('has the wasm kernel in this runtime', () => {
    setLzfKernelEnabled(true);
    expect(lzfDecompressWasm(lzfCompress(new Uint8Array(1000).fill(7)), 1000)).toEqual(new Uint8Array(1000).fill(7));
  });
});
