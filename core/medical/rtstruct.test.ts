import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fillPolygonsEvenOdd, readRtStruct, traceSliceContours, writeRtStruct } from './rtstruct';
import { createLabelmap } from './segmentation';
import { loadDicomVolume } from './series';
import { syntheticCtSeries } from './synthetic';
import { parseDataSet, items } from './dicom';
import { affineFromColumns } from './affine';
import type { Volume } from './types';
import dcmjs from 'dcmjs';

/** Random blobs with holes and diagonal contacts: the hard cases for contour tracing. */
function randomMask(nx: number, ny: number, seed: number): Uint8Array {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const m = new Uint8Array(nx * ny);
  for (let b = 0; b < 6; b++) {
    const cx = rnd() * nx, cy = rnd() * ny, r = 2 + rnd() * nx * 0.25;
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) if ((i - cx) ** 2 + (j - cy) ** 2 < r * r) m[j * nx + i] ^= 1;
  }
  for (let k = 0; k < nx * ny * 0.03; k++) m[Math.floor(rnd() * nx * ny)] ^= 1; // speckle: single voxels, diagonal pairs
  return m;
}

describe('voxel-edge contours', () => {
  it('tracing then even-odd filling gives back every mask exactly (holes, diagonal contacts, borders), n = 200 masks', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const nx = 17 + (seed % 13), ny = 11 + (seed % 7);
      const mask = randomMask(nx, ny, seed);
      const loops = traceSliceContours(mask, nx, ny);
      // Corners → voxel coordinates (corner x is voxel x - 0.5), as the writer does.
      const polys = loops.map((l) => l.map((v) => v - 0.5));
      const back = new Uint8Array(nx * ny);
      fillPolygonsEvenOdd(polys, nx, ny, back, 0);
      expect(back, `seed ${seed}`).toEqual(mask);
    }
  });

  it('a square with a hole is two loops; a checkerboard pair touching at a corner is two closed loops', () => {
    const nx = 5, ny = 5;
    const ring = new Uint8Array(nx * ny);
    for (let j = 1; j <= 3; j++) for (let i = 1; i <= 3; i++) ring[j * nx + i] = 1;
    ring[2 * nx + 2] = 0;
    expect(traceSliceContours(ring, nx, ny).map((l) => l.length / 2).sort()).toEqual([4, 4]);
    const diag = new Uint8Array(4);
    diag[0] = 1;
    diag[3] = 1;
    const loops = traceSliceContours(diag, 2, 2);
    expect(loops.reduce((s, l) => s + l.length / 2, 0)).toBe(8);
  });
});

describe('RTSTRUCT export / import', () => {
  it('round-trips a label map on a generated CT series voxel for voxel, with ROI names, colours and slice references', async () => {
    const { volume } = await loadDicomVolume(syntheticCtSeries({ size: 48, slices: 6 }));
    const map = createLabelmap(volume);
    const [nx, ny, nz] = volume.dims;
    for (let k = 0; k < nz; k++) {
      const a = randomMask(nx, ny, 100 + k);
      const b = randomMask(nx, ny, 900 + k);
      for (let i = 0; i < nx * ny; i++) map.data[k * nx * ny + i] = a[i] ? 1 : b[i] && k % 2 ? 2 : 0;
    }
    const bytes = writeRtStruct(map, volume, [
      { number: 1, label: 'Liver', color: [220, 40, 40] },
      { number: 2, label: 'Lesion', color: [40, 200, 90] },
    ]);
    const ds = parseDataSet(bytes, 'rs.dcm');
    expect(ds.string('x00080060')).toBe('RTSTRUCT');
    expect(items(ds, 'x30060020').map((r) => r.string('x30060026'))).toEqual(['Liver', 'Lesion']);
    const firstContour = items(items(ds, 'x30060039')[0], 'x30060040')[0];
    expect(volume.sliceUids!.map((u) => u.split('#')[0])).toContain(items(firstContour, 'x30060016')[0].string('x00081155'));

    // An independent reader (dcmjs) sees the same structure set.
    const dcm = (dcmjs as unknown as { data: { DicomMessage: { readFile(b: ArrayBuffer): { dict: unknown } }; DicomMetaDictionary: { naturalizeDataset(d: unknown): Record<string, unknown> } } }).data;
    const nat = dcm.DicomMetaDictionary.naturalizeDataset(dcm.DicomMessage.readFile(bytes.slice().buffer).dict) as {
      Modality: string;
      StructureSetROISequence: { ROIName: string }[];
      ROIContourSequence: { ContourSequence: { NumberOfContourPoints: number; ContourData: number[]; ContourGeometricType: string }[] }[];
    };
    expect(nat.Modality).toBe('RTSTRUCT');
    expect(nat.StructureSetROISequence.map((r) => r.ROIName)).toEqual(['Liver', 'Lesion']);
    for (const c of nat.ROIContourSequence[0].ContourSequence) {
      expect(c.ContourGeometricType).toBe('CLOSED_PLANAR');
      expect(c.ContourData.length).toBe(Number(c.NumberOfContourPoints) * 3);
    }

    const r = readRtStruct(bytes, 'rs.dcm', volume);
    expect(r.warnings).toEqual([]);
    expect(r.rois).toEqual([
      { number: 1, name: 'Liver', color: [220, 40, 40] },
      { number: 2, name: 'Lesion', color: [40, 200, 90] },
    ]);
    expect(r.referencedSeriesInstanceUid).toBe(volume.source!.seriesInstanceUid);
    for (const n of [1, 2]) {
      const want = Uint8Array.from(map.data, (v) => (v === n ? 1 : 0));
      expect(r.masks.get(n), `ROI ${n}`).toEqual(want);
    }
  });

  it('round-trips on an oblique, anisotropic grid (rotated rows/columns, 0.7 × 1.3 × 2.5 mm)', () => {
    const c = Math.cos(0.4), s = Math.sin(0.4);
    const sp: [number, number, number] = [0.7, 1.3, 2.5];
    const dims: [number, number, number] = [23, 19, 4];
    const rowDir: [number, number, number] = [c, s, 0];
    const colDir: [number, number, number] = [-s * Math.cos(0.3), c * Math.cos(0.3), Math.sin(0.3)];
    const n: [number, number, number] = [rowDir[1] * colDir[2] - rowDir[2] * colDir[1], rowDir[2] * colDir[0] - rowDir[0] * colDir[2], rowDir[0] * colDir[1] - rowDir[1] * colDir[0]];
    const volume: Volume = {
      dims,
      spacing: sp,
      data: new Int16Array(dims[0] * dims[1] * dims[2]),
      channels: 1,
      affine: affineFromColumns(rowDir.map((v) => v * sp[0]) as never, colDir.map((v) => v * sp[1]) as never, n.map((v) => v * sp[2]) as never, [-31.2, 12.5, 80.25]),
      modality: 'MR',
      window: { center: 0, width: 1 },
      sliceUids: Array.from({ length: dims[2] }, (_, k) => `1.2.3.${k + 1}`),
      source: { studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.9', frameOfReferenceUid: '1.2.3.8', sopClassUid: '1.2.840.10008.5.1.4.1.1.4' },
    };
    const map = createLabelmap(volume);
    for (let k = 0; k < dims[2]; k++) map.data.set(randomMask(dims[0], dims[1], 40 + k), k * dims[0] * dims[1]);
    const r = readRtStruct(writeRtStruct(map, volume, [{ number: 1, label: 'Structure' }]), 'oblique.dcm', volume);
    expect(r.masks.get(1)).toEqual(map.data);
  });

  it('refuses a file that is not an RTSTRUCT, naming it, and warns about contours off the volume', async () => {
    const { volume } = await loadDicomVolume(syntheticCtSeries({ size: 16, slices: 3 }));
    const ct = syntheticCtSeries({ size: 16, slices: 1 })[0].bytes;
    expect(() => readRtStruct(ct, 'image.dcm', volume)).toThrow(/image\.dcm: not an RT Structure Set/);
    const map = createLabelmap(volume);
    map.data.fill(1, 0, 16 * 16);
    const other = await loadDicomVolume(syntheticCtSeries({ size: 16, slices: 3, spacing: 0.7, sliceThickness: 5 }));
    const shifted: Volume = { ...other.volume, slicePositions: other.volume.slicePositions!.map((p) => [p[0], p[1], p[2] + 1000] as [number, number, number]) };
    const r = readRtStruct(writeRtStruct(map, volume, [{ number: 1, label: 'A' }]), 'rs.dcm', shifted);
    expect(r.warnings.join(' ')).toMatch(/between or outside this volume's slices/);
  });
});
