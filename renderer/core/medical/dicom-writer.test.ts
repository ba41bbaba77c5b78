import { describe, expect, it } from 'vitest';
import { formatDS, newUid } from './dicom-writer';
import { loadDicomVolume } from './series';
import { syntheticCtSeries } from './synthetic';
import { windowedSlice } from './slicing';

describe('Part 10 writer', () => {
  it('formats DS within 16 characters and makes valid 2.25 UIDs', () => {
    expect(formatDS(-158.135803)).toBe('-158.135803');
    expect(formatDS(1 / 3).length).toBeLessThanOrEqual(16);
    const uid = newUid();
    expect(uid).toMatch(/^2\.25\.\d+$/);
    expect(uid.length).toBeLessThanOrEqual(64);
  });

  it('writes a CT series that reads back sorted, rescaled and windowed', async () => {
    const files = syntheticCtSeries({ size: 32, slices: 6 });
    const names = files.map((f) => f.name);
    expect(names).not.toEqual([...names].sort()); // shuffled on purpose
    const { volume, errors, warnings } = await loadDicomVolume(files);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(volume.dims).toEqual([32, 32, 6]);
    expect(volume.spacing[2]).toBeCloseTo(1.25, 6);
    expect(volume.affine[11]).toBeCloseTo(-200, 6);
    expect(volume.data).toBeInstanceOf(Int16Array);
    expect(volume.data[0]).toBe(-1000); // air corner, HU
    expect(volume.window).toEqual({ center: 40, width: 400 });
    const img = windowedSlice(volume, 'axial', 0);
    expect(img.pixels[0]).toBe(0);
  });
});
