import { describe, expect, it } from 'vitest';
import { VolumeFiller } from './volume-fill';

describe('VolumeFiller: slices straight into one buffer', () => {
  it('stays Int16 while rescaled values fit and slope/intercept are integers', () => {
    const f = new VolumeFiller(3, 2);
    f.put(0, new Uint16Array([0, 1000, 2000]), 1, -1024);
    f.put(1, new Uint16Array([24, 24, 4095]), 1, -1024);
    expect(f.data).toBeInstanceOf(Int16Array);
    expect([...f.data]).toEqual([-1024, -24, 976, -1000, -1000, 3071]);
    expect([f.min, f.max]).toEqual([-1024, 3071]);
  });

  it('moves to Float32 (keeping earlier slices) on a fractional slope or an out-of-range value', () => {
    const f = new VolumeFiller(2, 3);
    f.put(0, new Int16Array([-5, 7]), 1, 0);
    f.put(1, new Uint16Array([1, 3]), 0.5, 0.25);
    expect(f.data).toBeInstanceOf(Float32Array);
    f.put(2, new Uint16Array([65535, 0]), 1, 0);
    expect([...f.data]).toEqual([-5, 7, 0.75, 1.75, 65535, 0]);
    const g = new VolumeFiller(1, 2);
    g.put(0, new Uint16Array([1]), 1, 0);
    g.put(1, new Uint16Array([40000]), 1, 0); // rescaled value beyond Int16: rewritten exactly
    expect(g.data).toBeInstanceOf(Float32Array);
    expect([...g.data]).toEqual([1, 40000]);
  });

  it('drops failed slices by moving later ones down', () => {
    const f = new VolumeFiller(2, 4);
    [0, 1, 2, 3].forEach((k) => k !== 1 && f.put(k, new Int16Array([k, k * 10]), 1, 0));
    expect([...f.compact([1], 4)]).toEqual([0, 0, 2, 20, 3, 30]);
  });
});
