import { describe, expect, it } from 'vitest';
import { column, dot } from './affine';
import { buildVolume, groupDicomFiles, loadDicomVolume } from './series';
import { HAS_DATA, readFolder, SKIP_REASON } from '../../tests/support/medical-data';

if (!HAS_DATA) console.warn(SKIP_REASON);

describe.skipIf(!HAS_DATA)('series grouping and ordering', () => {
  const inputs = HAS_DATA ? readFolder('dicom', 'series') : [];

  it('groups the pydicom file-set into studies and series by UID and skips DICOMDIR/non-DICOM', () => {
    const grouped = groupDicomFiles(inputs);
    const allSeries = grouped.studies.flatMap((s) => s.series);
    // 77654033: CR1..3 + CT2; 98892001: CT2N, CT5N; 98892003: MR1, MR2, MR700 (UIDs regroup some folders)
    expect(grouped.studies.length).toBeGreaterThanOrEqual(3);
    expect(grouped.skipped.map((s) => s.file)).toEqual(expect.arrayContaining(['DICOMDIR', 'README.txt', 'TINY_ALPHA/DICOMDIR']));
    // TINY_ALPHA instances carry no pixel data: skipped, not errors.
    expect(grouped.skipped.some((s) => s.file.startsWith('TINY_ALPHA/PT000000') && /without Pixel Data/.test(s.message))).toBe(true);
    const ct5n = allSeries.find((s) => s.stacks[0].images.some((i) => i.info.file === '98892001/CT5N/2062'))!;
    expect(ct5n.modality).toBe('CT');
    expect(ct5n.stacks).toHaveLength(1);
    // Sorted by position along the normal (z ascending), not by file name (2062 has the highest z).
    expect(ct5n.stacks[0].images.map((i) => i.info.file.split('/').pop())).toEqual(['3353', '3023', '2693', '2392', '2062']);
  });

  it('splits a series of mixed orientations (MR700 radial localiser) into stacks', () => {
    const grouped = groupDicomFiles(inputs);
    const mr700 = grouped.studies.flatMap((s) => s.series).find((s) => s.stacks.some((st) => st.images.some((i) => i.info.file.startsWith('98892003/MR700'))))!;
    expect(mr700.stacks.length).toBeGreaterThan(1);
  });

  it('builds a CT volume with LPS affine and slices ascending along the normal', async () => {
    const ct = inputs.filter((f) => f.name.startsWith('98892001/CT5N/'));
    const { volume, errors } = await loadDicomVolume(ct);
    expect(errors).toEqual([]);
    expect(volume.dims).toEqual([16, 16, 5]);
    expect(volume.spacing[2]).toBeCloseTo(2.5, 4);
    expect(volume.data).toBeInstanceOf(Int16Array);
    // Origin = IPP of the lowest slice; k step = +2.5 mm in z.
    expect(volume.affine[11]).toBeCloseTo(-1.2375, 4);
    expect(column(volume.affine, 2)[2]).toBeCloseTo(2.5, 4);
    expect(volume.sliceUids).toHaveLength(5);
  });

  it('reports a corrupt file by name and still opens the rest of the series', async () => {
    const ct = inputs.filter((f) => f.name.startsWith('77654033/CT2/'));
    const broken = ct.map((f) => (f.name.endsWith('17166') ? { name: f.name, bytes: f.bytes.slice(0, f.bytes.length - 200) } : f));
    const { volume, errors } = await loadDicomVolume(broken);
    expect(errors).toHaveLength(1);
    expect(errors[0].file).toBe('77654033/CT2/17166');
    expect(errors[0].message).toMatch(/Pixel Data|DICOM/);
    expect(volume.dims[2]).toBe(3);
  });

  it('MONOCHROME1 radiographs open with inverted display', async () => {
    const cr = inputs.filter((f) => f.name === '77654033/CR1/6154');
    const { volume } = await loadDicomVolume(cr);
    expect(volume.modality).toBe('CR');
    expect(volume.invertDisplay).toBe(true);
  });

  it('mr3slice: 512x512x3 MR ordered by position with 1.5 mm steps', async () => {
    const grouped = groupDicomFiles(readFolder('dicom', 'mr3slice'));
    const stack = grouped.studies[0].series[0].stacks[0];
    const { volume } = await buildVolume(stack);
    expect(volume.dims).toEqual([512, 512, 3]);
    expect(volume.spacing[0]).toBeCloseTo(0.41015625, 6);
    expect(volume.spacing[2]).toBeCloseTo(1.5, 4);
    const normal = column(volume.affine, 2);
    expect(dot(normal, [0, 0, 1])).toBeGreaterThan(0);
    // Window from the first slice's header (WC 210 / WW 502).
    expect(volume.window).toEqual({ center: 210, width: 502 });
  });
});
