import { describe, expect, it } from 'vitest';
import { dicomParser } from './dicom-parser-lib';
import { loadDicomVolume } from './series';
import { masksToLabelmap, readDicomSeg, writeDicomSeg, dicomLabToRgb, rgbToDicomLab } from './seg';
import { HAS_DATA, readBytes, readFolder, SKIP_REASON } from '../../tests/support/medical-data';
import type { Volume } from './types';

if (!HAS_DATA) console.warn(SKIP_REASON);

const count = (a: Uint8Array, from = 0, to = a.length) => {
  let n = 0;
  for (let i = from; i < to; i++) n += a[i] ? 1 : 0;
  return n;
};

describe('CIELab colour conversion', () => {
  it('round-trips sRGB through DICOM Lab', () => {
    for (const rgb of [[255, 0, 0], [0, 128, 255], [30, 200, 90]] as [number, number, number][]) {
      dicomLabToRgb(rgbToDicomLab(rgb)).forEach((c, i) => expect(Math.abs(c - rgb[i])).toBeLessThanOrEqual(1));
    }
  });
});

describe.skipIf(!HAS_DATA)('DICOM SEG (highdicom examples on pydicom CT2)', () => {
  // highdicom derived these SEGs from dicomdirtests/77654033/CT2 (see dicom/seg/README.md).
  const loadCt = async () => (await loadDicomVolume(HAS_DATA ? readFolder('dicom', 'series', '77654033', 'CT2') : [])).volume;

  it('maps binary SEG frames to the referenced CT slices by SOP Instance UID', async () => {
    const ct = await loadCt();
    expect(ct.dims).toEqual([16, 16, 4]);
    const seg = await readDicomSeg(readBytes('dicom', 'seg', 'seg_image_ct_binary.dcm'), 'seg_image_ct_binary.dcm', ct);
    expect(seg.segments.map((s) => [s.number, s.label])).toEqual([[1, 'first segment']]);
    // Frames reference instances .94, .95, .96: slices 1..3 once sorted by position (.93 is lowest).
    expect(seg.frameSlices).toEqual([1, 2, 3]);
    const mask = seg.masks.get(1)!;
    expect(count(mask, 0, 256)).toBe(0);
    for (let k = 1; k < 4; k++) expect(count(mask, k * 256, (k + 1) * 256)).toBeGreaterThan(0);
    expect(seg.warnings).toEqual([]);
  });

  it('keeps overlapping segments apart and falls back to positions without UIDs', async () => {
    const ct = await loadCt();
    const seg = await readDicomSeg(readBytes('dicom', 'seg', 'seg_image_ct_binary_overlap.dcm'), 'overlap.dcm', ct);
    expect(seg.segments.map((s) => s.label)).toEqual(['first segment', 'second segment']);
    expect(seg.frameSlices).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    const [a, b] = [seg.masks.get(1)!, seg.masks.get(2)!];
    let both = 0;
    for (let i = 0; i < a.length; i++) both += a[i] && b[i] ? 1 : 0;
    expect(both).toBeGreaterThan(0);
    const noUids: Volume = { ...ct, sliceUids: undefined };
    const byPosition = await readDicomSeg(readBytes('dicom', 'seg', 'seg_image_ct_binary_overlap.dcm'), 'overlap.dcm', noUids);
    expect(byPosition.frameSlices).toEqual(seg.frameSlices);
    expect(byPosition.masks.get(2)).toEqual(b);
  });

  it('rejects a SEG whose frame size does not match the reference', async () => {
    const ct = await loadCt();
    const wrong: Volume = { ...ct, dims: [32, 32, 4] };
    await expect(readDicomSeg(readBytes('dicom', 'seg', 'seg_image_ct_binary.dcm'), 'seg.dcm', wrong)).rejects.toThrow(/seg\.dcm: SEG frames are 16x16/);
  });

  it('writes a de-identified binary SEG that dicom-parser and our reader read back', async () => {
    const ct = await loadCt();
    const imported = await readDicomSeg(readBytes('dicom', 'seg', 'seg_image_ct_binary.dcm'), 'seg.dcm', ct);
    const map = masksToLabelmap(imported, ct);
    map.data[5] = 2; // a one-voxel second segment on slice 0
    const bytes = writeDicomSeg(map, ct, [{ number: 1, label: 'first', color: [255, 0, 0] }, { number: 2, label: 'dot', color: [0, 0, 255] }], { deidentify: true });
    const ds = dicomParser.parseDicom(bytes);
    expect(ds.string('x00080060')).toBe('SEG');
    expect(ds.string('x00100010')).toBe('ANONYMOUS');
    expect(ds.string('x00100030') ?? '').toBe('');
    expect(ds.string('x00120062')).toBe('YES');
    // UIDs are replaced (the reader falls back to plane positions); Retain UIDs keeps them.
    expect(ds.string('x0020000d')).not.toBe(ct.source!.studyInstanceUid);
    const kept = dicomParser.parseDicom(writeDicomSeg(map, ct, [{ number: 1, label: 'first' }], { deidentify: true, retainUids: true }));
    expect(kept.string('x0020000d')).toBe(ct.source!.studyInstanceUid);
    expect(kept.elements.x00081115.items![0].dataSet!.string('x0020000e')).toBe(ct.source!.seriesInstanceUid);
    const back = await readDicomSeg(bytes, 'written.dcm', ct);
    expect(back.masks.get(1)).toEqual(imported.masks.get(1));
    expect(count(back.masks.get(2)!)).toBe(1);
    expect(back.masks.get(2)![5]).toBe(1);
    expect(back.segments[1].color).toEqual([0, 0, 255]);
  });
});
