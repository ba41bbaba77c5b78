import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import dcmjs from 'dcmjs';
import { listDicomTags, type TagDictionary } from './tags';
import { el, newUid, writePart10 } from './dicom-writer';

const DICOM = path.resolve(__dirname, '../../../shared/data/dicom');
const dict = dcmjs.data.DicomMetaDictionary.dictionary;
const dictionary: TagDictionary = (tag) => dict[tag];

describe('DICOM tag listing', () => {
  it('lists a generated file: names, VRs, numbers, masked identifying values, a sequence with items', () => {
    const sop = newUid();
    const bytes = writePart10(
      [
        el(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.7'),
        el(0x00080018, 'UI', sop),
        el(0x00080060, 'CS', 'OT'),
        el(0x00100010, 'PN', 'Doe^Jane'),
        el(0x00100020, 'LO', 'PID-123'),
        el(0x00081140, 'SQ', [[el(0x00081150, 'UI', '1.2.3'), el(0x00081155, 'UI', '1.2.3.4')], [el(0x00081150, 'UI', '1.2.5'), el(0x00081155, 'UI', '1.2.5.6')]]),
        el(0x00280010, 'US', 2),
        el(0x00280011, 'US', 3),
        el(0x00280030, 'DS', '0.5\\0.25'),
        el(0x7fe00010, 'OW', new Uint8Array(12)),
      ],
      '1.2.840.10008.5.1.4.1.1.7',
      sop,
    );
    const { rows, truncated } = listDicomTags(bytes, 'gen.dcm', dictionary);
    expect(truncated).toBe(0);
    const by = (tag: string) => rows.filter((r) => r.tag === tag);
    expect(by('(0010,0010)')[0]).toMatchObject({ keyword: 'PatientName', vr: 'PN', identifying: true, value: '' });
    expect(by('(0010,0020)')[0]).toMatchObject({ keyword: 'PatientID', identifying: true, value: '' });
    expect(by('(0008,0018)')[0]).toMatchObject({ keyword: 'SOPInstanceUID', value: sop, identifying: false });
    expect(by('(0028,0010)')[0]).toMatchObject({ keyword: 'Rows', vr: 'US', value: '2' });
    expect(by('(0028,0030)')[0].value).toBe('0.5\\0.25');
    expect(by('(7FE0,0010)')[0].value).toBe('<pixel data, 12 bytes>');
    const seq = rows.findIndex((r) => r.tag === '(0008,1140)');
    expect(rows[seq]).toMatchObject({ keyword: 'ReferencedImageSequence', vr: 'SQ', value: '2 items', depth: 0 });
    expect(rows[seq + 1]).toMatchObject({ keyword: 'Item 1', depth: 1 });
    expect(rows[seq + 2]).toMatchObject({ tag: '(0008,1150)', value: '1.2.3', depth: 2 });
    expect(rows.filter((r) => r.keyword.startsWith('Item ')).length).toBe(2);
    // Meta header first, in tag order.
    expect(rows[0].tag.startsWith('(0002,')).toBe(true);
    const revealed = listDicomTags(bytes, 'gen.dcm', dictionary, { reveal: true }).rows;
    expect(revealed.find((r) => r.tag === '(0010,0010)')!.value).toBe('Doe^Jane');
  });

  it.skipIf(!existsSync(DICOM))('lists the real files of ../shared/data/dicom (explicit and implicit VR, SEG sequences)', () => {
    for (const rel of ['mr3slice/1-001.dcm', 'seg/seg_image_ct_binary.dcm', 'seg/ct_image.dcm']) {
      const { rows } = listDicomTags(new Uint8Array(readFileSync(path.join(DICOM, rel))), rel, dictionary);
      expect(rows.length, rel).toBeGreaterThan(20);
      expect(rows.find((r) => r.tag === '(0008,0016)')?.keyword, rel).toBe('SOPClassUID');
      expect(rows.every((r) => r.vr.length === 0 || r.vr.length === 2), rel).toBe(true);
      expect(rows.find((r) => r.tag === '(0028,0010)')?.value, rel).toMatch(/^\d+$/);
    }
    const seg = listDicomTags(new Uint8Array(readFileSync(path.join(DICOM, 'seg/seg_image_ct_binary.dcm'))), 'seg', dictionary).rows;
    expect(seg.find((r) => r.keyword === 'SegmentSequence')?.vr).toBe('SQ');
    expect(seg.some((r) => r.depth >= 2)).toBe(true);
  });

  it('names the file when it is not DICOM', () => {
    expect(() => listDicomTags(new Uint8Array(200), 'notes.dcm', dictionary)).toThrow(/notes\.dcm/);
  });
});
