import { describe, expect, it } from 'vitest';
import { createLabelmap } from './segmentation';
import { boxAround, fillHoles, keepLargestComponent, regionGrow, removeSmallIslands, smoothSegment, thresholdInBox } from './segment-ops';
import type { Vec3 } from './types';

const dims: Vec3 = [20, 16, 12];
const spacing: Vec3 = [1, 1, 2];
const at = (i: number, j: number, k: number) => (k * dims[1] + j) * dims[0] + i;
const count = (data: Uint8Array, label: number) => data.reduce((n, v) => n + (v === label ? 1 : 0), 0);

/** A volume of 0 with two bright cubes (100) that do not touch, and one voxel of 100 alone. */
function phantom() {
  const data = new Int16Array(dims[0] * dims[1] * dims[2]);
  const cube = (i0: number, j0: number, k0: number, s: number, v: number) => {
    for (let k = k0; k < k0 + s; k++) for (let j = j0; j < j0 + s; j++) for (let i = i0; i < i0 + s; i++) data[at(i, j, k)] = v;
  };
  cube(2, 2, 2, 4, 100); // 64 voxels
  cube(10, 8, 4, 5, 100); // 125 voxels
  data[at(18, 1, 10)] = 100;
  return { data, dims, spacing, channels: 1 as const };
}

describe('3D segment operations', () => {
  it('region growing fills only the component connected to the seed within the range', () => {
    const volume = phantom();
    const map = createLabelmap(volume);
    expect(regionGrow(map, volume, [11, 9, 5], 50, 150, 2)).toBe(125);
    expect(map.data[at(12, 10, 6)]).toBe(2);
    expect(map.data[at(3, 3, 3)]).toBe(0); // the other cube is not connected
    expect(regionGrow(map, volume, [0, 0, 0], 50, 150, 2)).toBe(0); // seed outside the range
    // Another segment blocks growth unless overwrite.
    map.data[at(3, 3, 3)] = 7;
    expect(regionGrow(map, volume, [2, 2, 2], 50, 150, 3)).toBe(63);
    expect(map.data[at(3, 3, 3)]).toBe(7);
    expect(regionGrow(map, volume, [2, 2, 2], 50, 150, 3, true)).toBe(1);
  });

  it('threshold within a 3D box labels only inside the box', () => {
    const volume = phantom();
    const map = createLabelmap(volume);
    const box = boxAround(dims, spacing, [12, 10, 6], 1); // 3x3 in-plane, 1 slice (2 mm spacing)
    expect(box).toEqual({ min: [11, 9, 6], max: [13, 11, 6] });
    expect(thresholdInBox(map, volume, box, 50, 150, 1)).toBe(9);
    expect(thresholdInBox(map, volume, { min: [0, 0, 0], max: [19, 15, 11] }, 50, 150, 1)).toBe(125 + 64 + 1 - 9);
  });

  it('removes small islands and keeps the largest component', () => {
    const volume = phantom();
    const map = createLabelmap(volume);
    thresholdInBox(map, volume, { min: [0, 0, 0], max: [19, 15, 11] }, 50, 150, 1);
    expect(removeSmallIslands(map, 1, 2)).toBe(1); // the single voxel
    expect(count(map.data, 1)).toBe(189);
    expect(keepLargestComponent(map, 1)).toBe(64);
    expect(count(map.data, 1)).toBe(125);
    expect(map.data[at(12, 10, 6)]).toBe(1);
  });

  it('fills enclosed holes but not background that reaches the border or another segment', () => {
    const map = createLabelmap({ dims, spacing });
    // A hollow 5^3 shell of label 1 around (7,7,5) with a 3^3 hole; and an open cup of label 1.
    for (let k = 3; k <= 7; k++) for (let j = 5; j <= 9; j++) for (let i = 5; i <= 9; i++) if (k === 3 || k === 7 || j === 5 || j === 9 || i === 5 || i === 9) map.data[at(i, j, k)] = 1;
    for (let k = 0; k <= 4; k++) for (let j = 11; j <= 15; j++) for (let i = 14; i <= 18; i++) if (k === 0 || j === 11 || j === 15 || i === 14 || i === 18) map.data[at(i, j, k)] = 1;
    expect(fillHoles(map, 1)).toBe(27);
    expect(map.data[at(7, 7, 5)]).toBe(1);
    expect(map.data[at(16, 13, 2)]).toBe(0); // the cup has no lid (k = 4 is open), so its inside is outside
    // A hole that holds another segment's voxel is left alone.
    const other = createLabelmap({ dims, spacing });
    for (let k = 3; k <= 7; k++) for (let j = 5; j <= 9; j++) for (let i = 5; i <= 9; i++) if (k === 3 || k === 7 || j === 5 || j === 9 || i === 5 || i === 9) other.data[at(i, j, k)] = 1;
    other.data[at(7, 7, 5)] = 2;
    expect(fillHoles(other, 1)).toBe(0);
  });

  it('median smoothing removes a spike and fills a notch, other segments untouched', () => {
    const map = createLabelmap({ dims, spacing });
    for (let k = 2; k <= 9; k++) for (let j = 2; j <= 11; j++) for (let i = 2; i <= 11; i++) map.data[at(i, j, k)] = 1;
    map.data[at(7, 7, 5)] = 0; // a notch inside
    map.data[at(15, 7, 5)] = 1; // a spike outside
    map.data[at(17, 14, 10)] = 4; // another segment
    const changed = smoothSegment(map, 1, 1);
    expect(changed).toBeGreaterThanOrEqual(2);
    expect(map.data[at(7, 7, 5)]).toBe(1);
    expect(map.data[at(15, 7, 5)]).toBe(0);
    expect(map.data[at(17, 14, 10)]).toBe(4);
    expect(map.data[at(6, 6, 6)]).toBe(1); // the interior stays
    // A corner has 8 of its 27 neighbours inside: the cube's corners round off.
    expect(map.data[at(2, 2, 2)]).toBe(0);
  });
});

describe('adaptive window presets', () => {
  it('MR presets follow the foreground histogram; PET uses 0-5 for SUV-like values', async () => {
    const { adaptiveWindow } = await import('./window-presets');
    // Half background (0), foreground values 100..1099 uniformly.
    const data = new Float32Array(20000);
    for (let i = 0; i < 10000; i++) data[10000 + i] = 100 + (i % 1000);
    const t1 = adaptiveWindow('mrBrainT1', { data });
    expect(t1.center - t1.width / 2).toBeGreaterThan(110);
    expect(t1.center + t1.width / 2).toBeLessThan(1090);
    const t2 = adaptiveWindow('mrBrainT2', { data });
    expect(t2.center + t2.width / 2).toBeGreaterThan(t1.center + t1.width / 2);
    const suv = new Float32Array(1000).map((_, i) => (i % 100) / 10); // 0..9.9
    expect(adaptiveWindow('nmPet', { data: suv })).toEqual({ center: 2.5, width: 5 });
    const bq = new Float32Array(1000).map((_, i) => i * 100); // Bq/ml-like
    const w = adaptiveWindow('nmPet', { data: bq });
    expect(w.center - w.width / 2).toBe(0);
    expect(w.width).toBeGreaterThan(90000);
  });
});
