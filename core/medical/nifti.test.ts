import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'fflate';
import * as nifti from 'nifti-reader-js';
import { flipLpsRas } from './affine';
import { qformToAffine, readNifti } from './nifti';
import { writeLabelmapNifti, writeNiftiGz } from './nifti-writer';
import { HAS_DATA, readBytes, SKIP_REASON } from '../../tests/support/medical-data';

if (!HAS_DATA) console.warn(SKIP_REASON);

const expectMatClose = (a: number[], b: number[], digits = 4) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], digits));

describe.skipIf(!HAS_DATA)('NIfTI reader', () => {
  it('FLAIR and its lesion mask share dims and affine (sform)', () => {
    const flair = readNifti(readBytes('nifti', 'FLAIR.nii.gz'), 'FLAIR.nii.gz');
    const lesion = readNifti(readBytes('nifti', 'lesion.nii.gz'), 'lesion.nii.gz');
    expect(flair.dims).toEqual([124, 160, 140]);
    expect(lesion.dims).toEqual(flair.dims);
    expect(flair.affineSource).toBe('sform');
    expectMatClose(lesion.affine, flair.affine, 5);
    expect(flair.spacing.map((s) => +s.toFixed(3))).toEqual([1, 1, 1]);
    expect(lesion.data).toBeInstanceOf(Uint8Array);
    expect(lesion.data.some((v) => v > 0)).toBe(true);
  });

  it('qform quaternion agrees with sform for FLAIR and for hippo (qfac = -1)', () => {
    for (const name of ['FLAIR.nii.gz', 'hippo.nii.gz']) {
      const bytes = gunzipSync(readBytes('nifti', name));
      const h = nifti.readHeader(bytes.buffer as ArrayBuffer);
      const v = readNifti(readBytes('nifti', name), name);
      expectMatClose(flipLpsRas(qformToAffine(h)), v.affine, 3);
    }
  });

  it('falls back to pixdim scaling when neither form is set (minimal)', () => {
    const v = readNifti(readBytes('nifti', 'minimal.nii.gz'), 'minimal.nii.gz');
    expect(v.affineSource).toBe('pixdim');
    expect(v.dims).toEqual([64, 64, 10]);
    expect(v.spacing).toEqual([3, 3, 3]);
  });

  it('exports a label map that reads back with the source affine (lesion -> .nii.gz -> lesion)', () => {
    const flair = readNifti(readBytes('nifti', 'FLAIR.nii.gz'), 'FLAIR.nii.gz');
    const lesion = readNifti(readBytes('nifti', 'lesion.nii.gz'), 'lesion.nii.gz');
    const bytes = writeLabelmapNifti({ dims: lesion.dims, spacing: lesion.spacing, data: lesion.data as Uint8Array }, flair);
    const back = readNifti(bytes, 'export.nii.gz');
    expect(back.dims).toEqual(flair.dims);
    expect(back.data).toEqual(lesion.data);
    expectMatClose(back.affine, flair.affine, 5);
  });

  it('reports a non-NIfTI file by name', () => {
    expect(() => readNifti(new Uint8Array(400), 'junk.nii')).toThrow(/junk\.nii: cannot read NIfTI/);
  });
});

describe('NIfTI writer', () => {
  it('round-trips data, dims and an oblique LPS affine through the reader', () => {
    const dims: [number, number, number] = [5, 4, 3];
    const data = new Int16Array(60).map((_, i) => i * 7 - 100);
    const affine = [0.9, -0.1, 0, -12.5, 0.1, 0.9, 0.2, 30, 0, -0.2, 2.5, 7, 0, 0, 0, 1];
    const bytes = writeNiftiGz({ dims, spacing: [0.906, 0.906, 2.508], data, affine });
    const back = readNifti(bytes, 'roundtrip.nii.gz');
    expect(back.dims).toEqual(dims);
    expect(back.data).toEqual(data);
    expectMatClose(back.affine, affine, 5);
  });
});
