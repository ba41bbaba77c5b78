import { afterEach, describe, expect, it } from 'vitest';
import { extractColumns, type ColumnSource } from '../columns';
import { packXyzWasm, setXyzKernelEnabled } from './xyzKernel';

/** Random records (seeded) with NaN, infinities and -0 sprinkled in; `shift` bytes of lead-in make the body unaligned. */
function records(n: number, stride: number, shift: number, seed = 7): Uint8Array {
  const bytes = new Uint8Array(shift + n * stride);
  const view = new DataView(bytes.buffer);
  let s = seed;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let p = shift; p + 4 <= bytes.length; p += 4) {
    const r = rand();
    const v = r < 0.01 ? NaN : r < 0.012 ? -Infinity : r < 0.014 ? -0 : (rand() - 0.5) * 2000;
    view.setFloat32(p, v, true);
  }
  return bytes.subarray(shift);
}

function extract(body: Uint8Array, xOffset: number, stride: number, extraOffset: number | null, n: number) {
  const col = (o: number): ColumnSource => ({ start: o, stride, type: 'float32', count: 1 });
  const attributes = extraOffset === null ? [] : [{ ...col(extraOffset), name: 'intensity' }];
  return extractColumns(body, [col(xOffset), col(xOffset + 4), col(xOffset + 8)], attributes, n);
}

afterEach(() => setXyzKernelEnabled(true));

describe('wasm xyz kernel', () => {
  it('is available in this runtime (Node has wasm SIMD)', () => {
    const positions = new Float32Array(3);
    expect(packXyzWasm(new Uint8Array(16), 0, 16, 1, positions, -1, null)).not.toBeNull();
  });

  // Layouts: KITTI (16), xyz only (12), nuScenes (20), odd stride (13, 4-byte fields unaligned),
  // x not first, attribute before x, wide records; counts across the 64 KiB block boundaries.
  const cases: [string, number, number, number | null, number][] = [
    ['kitti xyzi', 16, 0, 12, 10_000],
    ['xyz only', 12, 0, null, 5_462],
    ['nuscenes', 20, 0, 12, 3_277],
    ['odd stride 13', 13, 1, null, 5_042],
    ['attribute before x', 24, 8, 0, 2_731],
    ['wide record', 100, 40, 96, 1_500],
    ['single point', 16, 0, 12, 1],
    ['no points', 16, 0, 12, 0],
  ];
  it.each(cases)('%s: identical bits and bounds to the JavaScript path', (_name, stride, xOffset, extraOffset, n) => {
    for (const shift of [0, 1, 3]) {
      const body = records(n, stride, shift, stride + shift);
      setXyzKernelEnabled(false);
      const js = extract(body, xOffset, stride, extraOffset, n);
      setXyzKernelEnabled(true);
      const wasm = extract(body, xOffset, stride, extraOffset, n);
      // Same values (-0 kept); NaN payloads may differ where the JavaScript path went through a
      // double (records at odd offsets), so NaN only has to stay NaN.
      expect(Array.from(wasm.positions)).toEqual(Array.from(js.positions));
      expect(wasm.bounds).toEqual(js.bounds);
      expect(wasm.fields.map((f) => Array.from(new Uint32Array(f.data.buffer)))).toEqual(js.fields.map((f) => Array.from(new Uint32Array(f.data.buffer))));
    }
  });

  it('skips NaN in the bounds and reads values exactly', () => {
    const f = new Float32Array([1, 2, 3, 9, NaN, NaN, NaN, 9, -5, 7.25, 0.5, 9]);
    const positions = new Float32Array(9);
    const extra = new Uint32Array(3);
    const bounds = packXyzWasm(new Uint8Array(f.buffer), 0, 16, 3, positions, 12, extra);
    expect(bounds).toEqual({ min: [-5, 2, 0.5], max: [1, 7.25, 3] });
    expect(Array.from(positions)).toEqual([1, 2, 3, NaN, NaN, NaN, -5, 7.25, 0.5]);
    expect(Array.from(new Float32Array(extra.buffer))).toEqual([9, 9, 9]);
  });

  it('declines layouts whose fields leave the record', () => {
    expect(packXyzWasm(new Uint8Array(40), 4, 12, 2, new Float32Array(6), -1, null)).toBeNull();
    expect(packXyzWasm(new Uint8Array(40), 0, 16, 2, new Float32Array(6), 14, new Uint32Array(2))).toBeNull();
  });
});
