import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA, HAS_DATA, SKIP_REASON } from '../../../tests/support/medical-data';
import { inspectMedical } from './medical';

if (!HAS_DATA) console.warn(SKIP_REASON);

describe.skipIf(!HAS_DATA)('inspectMedical', () => {
  it('a single DICOM file', async () => {
    const r = await inspectMedical(join(DATA, 'dicom/single/CT_small.dcm'));
    expect(r).toMatchObject({ format: 'dicom', modality: 'CT', dimensions: [128, 128, 1], slices: 1 });
    expect(r.spacing[0]).toBeCloseTo(0.661468, 6);
    expect(JSON.parse(JSON.stringify(r)).series).toHaveLength(1);
  });

  it('a folder: the 3-slice MR series', async () => {
    const r = await inspectMedical(join(DATA, 'dicom/mr3slice'));
    expect(r).toMatchObject({ format: 'dicom', modality: 'MR', dimensions: [512, 512, 3], slices: 3 });
    expect(r.spacing[2]).toBeCloseTo(1.5, 4);
    expect(r.skipped?.map((s) => s.file)).toEqual(['niivue-manifest.txt']);
  });

  it('a file-set folder with several studies and a DICOMDIR', async () => {
    const r = await inspectMedical(join(DATA, 'dicom/series'));
    expect(r.series!.length).toBeGreaterThanOrEqual(8);
    expect(r.series!.every((s) => s.seriesInstanceUid)).toBe(true);
    expect(r.skipped!.some((s) => s.file === 'DICOMDIR')).toBe(true);
  });

  it('a folder with an unsupported file reports it by name', async () => {
    const r = await inspectMedical(join(DATA, 'dicom/single'));
    // Every single/ file is its own series; the 12-bit JPEG is among them but only the
    // largest stack is decoded, so its error appears only when it is that stack.
    expect(r.series!.length).toBeGreaterThanOrEqual(3);
    // A truncated copy of a real file is named with its reason.
    const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'inspect-bad-'));
    const good = readFileSync(join(DATA, 'dicom/single/CT_small.dcm'));
    writeFileSync(join(dir, 'broken.dcm'), good.subarray(0, good.length >> 1));
    const broken = await inspectMedical(join(dir, 'broken.dcm')).catch((e: Error) => e);
    expect(broken).toBeInstanceOf(Error);
    expect((broken as Error).message).toMatch(/broken\.dcm/);
  });

  it('a NIfTI file', async () => {
    const r = await inspectMedical(join(DATA, 'nifti/FLAIR.nii.gz'));
    expect(r).toMatchObject({ format: 'nifti', dimensions: [124, 160, 140], slices: 140 });
  });
});
