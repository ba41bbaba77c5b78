import { describe, expect, it } from 'vitest';
import { createLabelmap, fillPolygon, interpolateSegment, paintDisc, segmentVolumeMl, segmentVolumesMl, thresholdFill } from './segmentation';
import { extractArraySlice, sliceToVoxel } from './slicing';
import { signedDistance } from './distance-transform';
import type { Vec3 } from './types';

const dims: Vec3 = [40, 30, 20];
const spacing: Vec3 = [0.5, 0.5, 2];
const at = (i: number, j: number, k: number) => (k * dims[1] + j) * dims[0] + i;

describe('segmentation tools', () => {
  it('paints a round disc in mm on an axial slice and erases it again', () => {
    const map = createLabelmap({ dims, spacing });
    const n = paintDisc(map, { orientation: 'axial', index: 5 }, [20, 15], 2, 3);
    // r = 2 mm = 4 px: about pi*16 ~ 49 pixels
    expect(n).toBeGreaterThan(40);
    expect(n).toBeLessThan(60);
    expect(map.data[at(20, 15, 5)]).toBe(3);
    expect(map.data[at(20, 15, 4)]).toBe(0);
    expect(paintDisc(map, { orientation: 'axial', index: 5 }, [20, 15], 3, 3, true)).toBe(n);
    expect(map.data.every((v) => v === 0)).toBe(true);
  });

  it('paints on coronal and sagittal planes at the voxels slicing shows', () => {
    const map = createLabelmap({ dims, spacing });
    // Tiny radius: exactly one pixel.
    paintDisc(map, { orientation: 'coronal', index: 7 }, [11, 3], 0.1, 1);
    const [i, j, k] = sliceToVoxel(dims, 'coronal', 7, 11, 3);
    expect([i, j, k]).toEqual([11, 7, dims[2] - 1 - 3]);
    expect(map.data[at(i, j, k)]).toBe(1);
    const coronal = extractArraySlice(map.data, dims, spacing, 'coronal', 7);
    expect(coronal.data[3 * coronal.width + 11]).toBe(1);
    paintDisc(map, { orientation: 'sagittal', index: 2 }, [4, 5], 0.1, 2);
    const sag = extractArraySlice(map.data, dims, spacing, 'sagittal', 2);
    expect(sag.data[5 * sag.width + 4]).toBe(2);
    expect(map.data[at(2, 4, dims[2] - 1 - 5)]).toBe(2);
  });

  it('fills a polygon by pixel centres (10x10 square = 100 px)', () => {
    const map = createLabelmap({ dims, spacing });
    const n = fillPolygon(map, { orientation: 'axial', index: 0 }, [4.5, 4.5, 14.5, 4.5, 14.5, 14.5, 4.5, 14.5], 1);
    expect(n).toBe(100);
    expect(segmentVolumeMl(map, 1)).toBeCloseTo((100 * 0.5 * 0.5 * 2) / 1000, 9);
  });

  it('threshold fill respects range, plane and existing labels', () => {
    const map = createLabelmap({ dims, spacing });
    const data = new Int16Array(dims[0] * dims[1] * dims[2]).map((_, o) => o % 100);
    map.data[5] = 9;
    const n = thresholdFill(map, { data, dims, channels: 1 }, 0, 9, 1);
    expect(map.data[5]).toBe(9);
    expect(n).toBe(data.filter((v) => v <= 9).length - 1);
    const m2 = createLabelmap({ dims, spacing });
    expect(thresholdFill(m2, { data, dims, channels: 1 }, -1000, 1000, 4, { orientation: 'axial', index: 3 })).toBe(40 * 30);
  });

  it('signed distance is negative inside and grows outward', () => {
    const mask = new Uint8Array(25);
    mask[12] = 1; // centre of 5x5
    const sdf = signedDistance(mask, 5, 5);
    expect(sdf[12]).toBeLessThan(0);
    expect(sdf[13]).toBeCloseTo(0.5, 6);
    expect(sdf[0]).toBeCloseTo(Math.SQRT2 * 2 - 0.5, 6);
  });

  it('interpolates a shrinking disc between two annotated slices', () => {
    const map = createLabelmap({ dims, spacing: [1, 1, 1] });
    paintDisc(map, { orientation: 'axial', index: 2 }, [20, 15], 8, 1);
    paintDisc(map, { orientation: 'axial', index: 10 }, [20, 15], 4, 1);
    const area = (k: number) => {
      let n = 0;
      for (let o = k * 1200; o < (k + 1) * 1200; o++) n += map.data[o] === 1 ? 1 : 0;
      return n;
    };
    const a2 = area(2);
    const a10 = area(10);
    expect(interpolateSegment(map, 1)).toBeGreaterThan(0);
    const a6 = area(6); // halfway: radius ~6 -> area ~ pi*36
    expect(a6).toBeLessThan(a2);
    expect(a6).toBeGreaterThan(a10);
    expect(Math.abs(a6 - Math.PI * 36)).toBeLessThan(20);
    for (let k = 3; k < 10; k++) expect(area(k)).toBeLessThanOrEqual(area(k - 1));
    expect(area(11)).toBe(0);
    expect(segmentVolumesMl(map).get(1)).toBeGreaterThan(0);
  });
});
