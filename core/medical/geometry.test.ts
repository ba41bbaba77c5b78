/**
 * Views in patient space, checked on generated volumes with a marker voxel at a known patient
 * position: after re-indexing to the canonical grid, the marker must sit in the axial, coronal
 * and sagittal slice the patient position says, on the side of the edge letter it lies towards.
 */
import { describe, expect, it } from 'vitest';
import { invert, transformPoint } from './affine';
import { readNifti } from './nifti';
import { loadDicomVolume } from './series';
import { canonicalOrientation, canonicalToSource, reorientArray, sourceToCanonical } from './reorient';
import { checkGeometry, classifyAcquisition, patientOrientationLetters } from './geometry';
import { extractSlice } from './slicing';
import { MARKER_VALUE, obliqueDirections, pirAffine, syntheticNifti, syntheticProjection, syntheticRtDose, syntheticSagittalSeries, syntheticStack } from './synthetic-geometry';
import { displayFlip } from '../../renderer/editors/medical/orientation';
import type { Vec3, Volume } from './types';

/** Where the marker is on screen in each view: slice index, pixel, and which edge letters it is nearer. */
function markerInViews(volume: Volume) {
  const r = canonicalOrientation(volume.affine, volume.dims, volume.spacing);
  const data = reorientArray(volume.data, r, 'toCanonical');
  const canon = { ...volume, dims: r.dims, spacing: r.spacing, affine: r.affine, data };
  let at = -1;
  for (let i = 0; i < data.length; i++) if (data[i] === MARKER_VALUE) at = i;
  const [nx, ny] = r.dims;
  const c: Vec3 = [at % nx, Math.floor(at / nx) % ny, Math.floor(at / (nx * ny))];
  const views = (['axial', 'coronal', 'sagittal'] as const).map((o) => {
    const index = o === 'axial' ? c[2] : o === 'coronal' ? c[1] : c[0];
    const s = extractSlice(canon, o, index);
    let p = -1;
    for (let i = 0; i < s.data.length; i++) if (s.data[i] === MARKER_VALUE) p = i;
    const { flipX, flipY, letters } = displayFlip(r.affine, o);
    let x = p % s.width;
    let y = Math.floor(p / s.width);
    if (flipX) x = s.width - 1 - x;
    if (flipY) y = s.height - 1 - y;
    // Fraction across the screen: < 0.5 = nearer the left / top edge.
    return { o, index, fx: (x + 0.5) / s.width, fy: (y + 0.5) / s.height, letters };
  });
  return { r, c, canon, views };
}

describe('canonical (patient-space) grid', () => {
  it('a sagittal DICOM acquisition shows true axial, coronal and sagittal planes with the marker where its patient position says', async () => {
    const marker: Vec3 = [13, 2, 8]; // column 13 of 16 (posterior), row 2 of 12 (superior), slice 8 of 10 (right)
    const { files } = syntheticSagittalSeries(marker);
    const { volume } = await loadDicomVolume(files);
    expect(volume.dims).toEqual([16, 12, 10]);
    const markerLps = transformPoint(volume.affine, marker);
    const { r, c, canon, views } = markerInViews(volume);
    // Source i (along a row) runs posterior, j (down a column) inferior, k (slice normal) right: stored "PIR".
    expect(r.perm).toEqual([2, 0, 1]);
    expect(r.flip).toEqual([true, false, true]);
    expect(r.dims).toEqual([10, 16, 12]);
    expect(r.spacing).toEqual([3, 1.5, 2]);
    expect(r.obliqueDeg).toBeCloseTo(0, 6);
    // The canonical affine puts the marker at the same patient position.
    expect(transformPoint(canon.affine, c).map((v) => +v.toFixed(6))).toEqual(markerLps.map((v) => +v.toFixed(6)));
    expect(canonicalToSource(r, c)).toEqual(marker);
    expect(sourceToCanonical(r, marker)).toEqual(c);
    const center = transformPoint(volume.affine, [7.5, 5.5, 4.5]);
    const [axial, coronal, sagittal] = views;
    expect(axial.letters).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' });
    expect(coronal.letters).toEqual({ left: 'R', right: 'L', top: 'S', bottom: 'I' });
    expect(sagittal.letters).toEqual({ left: 'A', right: 'P', top: 'S', bottom: 'I' });
    // The marker is right, posterior and superior of the centre...
    expect(markerLps[0]).toBeLessThan(center[0]);
    expect(markerLps[1]).toBeGreaterThan(center[1]);
    expect(markerLps[2]).toBeGreaterThan(center[2]);
    // ...so it shows towards R (screen left) in axial and coronal, towards P in axial (bottom)
    // and sagittal (right), towards S (top) in coronal and sagittal.
    expect(axial.fx).toBeLessThan(0.5);
    expect(coronal.fx).toBeLessThan(0.5);
    expect(axial.fy).toBeGreaterThan(0.5);
    expect(sagittal.fx).toBeGreaterThan(0.5);
    expect(coronal.fy).toBeLessThan(0.5);
    expect(sagittal.fy).toBeLessThan(0.5);
    // The axial view (fixed k') steps along the stored rows, the scanner's in-plane S-I axis.
    expect(axial.index).toBe(c[2]);
    expect(r.dims[2]).toBe(12);
  });

  it('a PIR NIfTI is shown upright: superior up, anterior on top of the axial view', () => {
    const dims: Vec3 = [20, 14, 9];
    const affine = pirAffine([1, 2, 3]);
    const marker: Vec3 = [3, 2, 7]; // anterior, superior, near the right
    const v = readNifti(syntheticNifti(dims, affine, { marker }), 'pir.nii.gz');
    const { r, views } = markerInViews(v);
    expect(r.perm).toEqual([2, 0, 1]);
    expect(r.flip).toEqual([true, false, true]);
    const [axial, coronal, sagittal] = views;
    expect(axial.letters).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' });
    expect(coronal.letters.top).toBe('S');
    expect(sagittal.letters).toEqual({ left: 'A', right: 'P', top: 'S', bottom: 'I' });
    const p = transformPoint(v.affine, marker);
    const centre = transformPoint(v.affine, [9.5, 6.5, 4]);
    expect(p[1] < centre[1] && axial.fy < 0.5).toBe(true); // anterior -> top
    expect(p[2] > centre[2] && coronal.fy < 0.5 && sagittal.fy < 0.5).toBe(true); // superior -> top
    expect(p[0] < centre[0] && axial.fx < 0.5).toBe(true); // right -> screen left
  });

  it('round-trips a label map source -> canonical -> source exactly, for all 48 axis orders and signs', () => {
    const dims: Vec3 = [5, 4, 3];
    const data = Uint8Array.from({ length: 60 }, (_, i) => (i * 37) % 251);
    const axes: Vec3[] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    let n = 0;
    for (const p of [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]])
      for (let signs = 0; signs < 8; signs++) {
        const cols = p.map((a, c) => axes[a].map((x) => x * ((signs >> c) & 1 ? -1 : 1)));
        const affine = [cols[0][0], cols[1][0], cols[2][0], 0, cols[0][1], cols[1][1], cols[2][1], 0, cols[0][2], cols[1][2], cols[2][2], 0, 0, 0, 0, 1];
        const r = canonicalOrientation(affine, dims, [1, 1, 1]);
        const canon = reorientArray(data, r, 'toCanonical');
        expect(reorientArray(canon, r, 'toSource')).toEqual(data);
        // The canonical affine is diagonal and positive (LPS-ordered).
        expect([r.affine[0], r.affine[5], r.affine[10]]).toEqual([1, 1, 1]);
        // Each canonical voxel holds the source voxel at the same patient position.
        const inv = invert(affine);
        for (const c of [[0, 0, 0], [1, 2, 0]] as Vec3[]) {
          const s = transformPoint(inv, transformPoint(r.affine, c)).map(Math.round) as Vec3;
          expect(canon[(c[2] * r.dims[1] + c[1]) * r.dims[0] + c[0]]).toBe(data[(s[2] * dims[1] + s[1]) * dims[0] + s[0]]);
        }
        n++;
      }
    expect(n).toBe(48);
  });

  it('reports how oblique a stack is', async () => {
    const { rowDir, colDir } = obliqueDirections(20);
    const { volume } = await loadDicomVolume(syntheticStack({ rows: 8, columns: 8, slices: 4, rowDir, colDir, pixelSpacing: [1, 1], sliceGap: 2, origin: [0, 0, 0] }));
    const r = canonicalOrientation(volume.affine, volume.dims, volume.spacing);
    expect(r.obliqueDeg).toBeCloseTo(20, 3);
    expect(r.perm).toEqual([0, 1, 2]);
  });
});

describe('geometry checks', () => {
  it('zero pixel spacing (0.2\\0\\0.2) is repaired with a stated fallback, not a blank view', async () => {
    const { volume } = await loadDicomVolume(syntheticStack({ rows: 6, columns: 6, slices: 3, rowDir: [1, 0, 0], colDir: [0, 1, 0], pixelSpacing: '0.2\\0\\0.2', sliceGap: 1, origin: [0, 0, 0] }));
    expect(volume.spacing[0]).toBe(0); // as stored: column spacing 0
    const { volume: fixed, warnings } = checkGeometry(volume, { hasOrientation: true, hasPositions: true, pixelSpacing: [0.2, 0] });
    expect(fixed.spacing).toEqual([0.2, 0.2, 1]);
    expect(fixed.affine[0]).toBeCloseTo(0.2);
    expect(warnings.join(' ')).toMatch(/impossible pixel spacing 0.2\\0 mm/);
    expect(warnings.join(' ')).toMatch(/column \(x\) spacing 0 mm is impossible: shown with 0.2 mm/);
    expect(() => invert(fixed.affine)).not.toThrow();
  });

  it('negative spacing uses its magnitude and keeps the orientation; missing orientation and positions are stated', () => {
    const v: Volume = { dims: [4, 4, 2], spacing: [-0.5, 0.5, 2], data: new Int16Array(32), channels: 1, affine: [-0.5, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1], modality: 'CT', window: { center: 0, width: 1 } };
    const { volume, warnings } = checkGeometry(v, { hasOrientation: false, hasPositions: false, pixelSpacing: [0.5, -0.5] });
    expect(volume.spacing).toEqual([0.5, 0.5, 2]);
    expect(volume.affine[0]).toBe(0.5);
    expect(warnings.some((w) => /magnitude 0.5 mm/.test(w))).toBe(true);
    expect(warnings.some((w) => /no patient orientation/.test(w))).toBe(true);
    expect(warnings.some((w) => /slice positions are missing/.test(w))).toBe(true);
    expect(checkGeometry(v, { hasOrientation: true, hasPositions: true, pixelSpacingMissing: true }).warnings.join()).toMatch(/no pixel spacing in the file: 1 mm per pixel is assumed/);
  });

  it('a consistent volume gets no warning', async () => {
    const { volume } = await loadDicomVolume(syntheticSagittalSeries().files);
    expect(checkGeometry(volume, { hasOrientation: true, hasPositions: true, pixelSpacing: [2, 1.5] }).warnings).toEqual([]);
  });

  it('classifies projection images, single slices and volumes', () => {
    expect(classifyAcquisition({ modality: 'CR', hasOrientation: false, slices: 1 })).toBe('projection');
    expect(classifyAcquisition({ modality: 'MG', hasOrientation: true, slices: 1 })).toBe('projection');
    expect(classifyAcquisition({ modality: 'OT', sopClassUid: '1.2.840.10008.5.1.4.1.1.7', hasOrientation: false, slices: 1 })).toBe('projection');
    expect(classifyAcquisition({ modality: 'NM', hasOrientation: false, slices: 2 })).toBe('projection');
    expect(classifyAcquisition({ modality: 'NM', hasOrientation: true, slices: 60 })).toBe('volume');
    expect(classifyAcquisition({ modality: 'MR', imageType: ['DERIVED', 'SECONDARY', 'PROJECTION IMAGE'], hasOrientation: true, slices: 1 })).toBe('projection');
    expect(classifyAcquisition({ modality: 'CT', hasOrientation: true, slices: 1 })).toBe('single');
    expect(classifyAcquisition({ modality: 'CT', hasOrientation: true, slices: 40 })).toBe('volume');
    expect(patientOrientationLetters('L\\F')).toEqual({ left: 'R', right: 'L', top: 'H', bottom: 'F' });
    expect(patientOrientationLetters('')).toBeNull();
    expect(patientOrientationLetters('X\\Y')).toBeNull();
  });

  it('a generated CR is one projection image with the letters it states', async () => {
    const { volume } = await loadDicomVolume([syntheticProjection()]);
    expect(volume.dims).toEqual([30, 40, 1]);
    expect(volume.modality).toBe('CR');
  });
});

describe('RT Dose', () => {
  it('applies DoseGridScaling (Gy) and places frames at GridFrameOffsetVector', async () => {
    const { volume } = await loadDicomVolume([syntheticRtDose([0, 5, 10, 15], 0.001)]);
    expect(volume.dims).toEqual([6, 8, 4]);
    expect(volume.spacing[2]).toBeCloseTo(5, 6);
    expect(volume.affine[11]).toBeCloseTo(30, 6);
    expect(volume.data).toBeInstanceOf(Float32Array);
    expect(volume.data[0]).toBeCloseTo(0.1, 6); // 100 * 0.001 Gy
    expect(volume.data[6 * 8 + 2 * 6 + 3]).toBeCloseTo(60, 4); // the peak: 60000 * 0.001 Gy
    expect(volume.slicePositions!.map((p) => p[2])).toEqual([30, 35, 40, 45]);
  });

  it('absolute offsets (first not 0) are z positions; a decreasing vector is sorted', async () => {
    const { volume } = await loadDicomVolume([syntheticRtDose([45, 40, 35, 30], 0.002)]);
    expect(volume.slicePositions!.map((p) => p[2])).toEqual([30, 35, 40, 45]);
    expect(volume.spacing[2]).toBeCloseTo(5, 6);
    expect(volume.data[0]).toBeCloseTo(0.8, 5); // frame stored at z=30 is the 4th: 400 * 0.002
  });
});

describe('4D NIfTI', () => {
  it('reads every volume when asked, the first otherwise', () => {
    const bytes = syntheticNifti([4, 3, 2], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], { timepoints: 5 });
    const first = readNifti(bytes, 'fmri.nii.gz');
    expect(first.timepoints).toBe(5);
    expect(first.data.length).toBe(24);
    expect(first.timeData).toBeUndefined();
    const all = readNifti(bytes, 'fmri.nii.gz', { allVolumes: true });
    expect(all.timeData!.length).toBe(120);
    expect(all.timeData![24 * 3]).toBe(9); // volume 3, voxel 0: (0 + 3 * 3) mod 50
    expect(all.timeData![24 * 3 + 23]).toBe(3 + 2 + 1 + 9); // volume 3, voxel (3, 2, 1)
    expect(all.data.length).toBe(24);
    expect(all.data[5]).toBe(first.data[5]);
  });
});
