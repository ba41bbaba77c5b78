import { describe, expect, it } from 'vitest';
import { distanceMm, extractSlice, sliceGeometry, windowedSlice } from './slicing';
import { applyWindow, WINDOW_PRESETS } from './window';
import type { Volume } from './types';

function rampVolume(): Volume {
  const dims: [number, number, number] = [4, 3, 2];
  const data = new Int16Array(24).map((_, o) => o);
  return { dims, spacing: [0.5, 0.75, 3], data, channels: 1, affine: [], modality: 'CT', window: { center: 12, width: 24 } };
}

describe('slicing', () => {
  it('extracts copies in three orientations with superior up for coronal/sagittal', () => {
    const v = rampVolume();
    const axial = extractSlice(v, 'axial', 1);
    expect([...axial.data]).toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
    axial.data[0] = -1;
    expect(v.data[12]).toBe(12); // a copy, not a view
    const coronal = extractSlice(v, 'coronal', 1);
    expect([coronal.width, coronal.height]).toEqual([4, 2]);
    expect([...coronal.data]).toEqual([16, 17, 18, 19, 4, 5, 6, 7]);
    const sagittal = extractSlice(v, 'sagittal', 2);
    expect([...sagittal.data]).toEqual([14, 18, 22, 2, 6, 10]);
    expect(sagittal.pixelSpacing).toEqual([0.75, 3]);
    expect(() => extractSlice(v, 'axial', 2)).toThrow(RangeError);
  });

  it('windows to 8 bits with invert and presets', () => {
    const out = applyWindow(new Float32Array([-2000, -600, 900]), WINDOW_PRESETS.ctLung);
    expect(out[0]).toBe(0);
    expect(Math.abs(out[1] - 127)).toBeLessThanOrEqual(1);
    expect(out[2]).toBe(255);
    expect(applyWindow([-2000], WINDOW_PRESETS.ctLung, true)[0]).toBe(255);
    const img = windowedSlice(rampVolume(), 'axial', 0);
    expect(img.pixels[0]).toBe(0);
    expect(sliceGeometry([4, 3, 2], [1, 1, 1], 'sagittal').count).toBe(4);
  });

  it('measures in-plane distance with pixel spacing', () => {
    expect(distanceMm({ pixelSpacing: [0.5, 2] }, [0, 0], [6, 2])).toBeCloseTo(5, 9);
  });
});
