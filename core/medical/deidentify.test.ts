import { describe, expect, it } from 'vitest';
import { dicomParser } from './dicom-parser-lib';
import { parseDicomImage } from './dicom';
import { deidentifyElements, deidentifyPart10 } from './deidentify';
import { el } from './dicom-writer';
import { decodeFrame } from './pixel-data';
import { HAS_DATA, readBytes, SKIP_REASON } from '../../tests/support/medical-data';

if (!HAS_DATA) console.warn(SKIP_REASON);

describe('de-identification', () => {
  it('replaces, empties and removes element-list PHI and marks the object', () => {
    const out = deidentifyElements([el(0x00100010, 'PN', 'DOE^JANE'), el(0x00100030, 'DA', '19700101'), el(0x00101040, 'LO', 'Main St'), el(0x00080060, 'CS', 'CT')]);
    const byTag = new Map(out.map((e) => [e.tag, e.value]));
    expect(byTag.get(0x00100010)).toBe('ANONYMOUS');
    expect(byTag.get(0x00100030)).toBe('');
    expect(byTag.has(0x00101040)).toBe(false);
    expect(byTag.get(0x00080060)).toBe('CT');
    expect(byTag.get(0x00120062)).toBe('YES');
  });

  it.skipIf(!HAS_DATA).each(['CT_small.dcm', 'MR_small_implicit.dcm'])('rewrites %s without touching its pixels', async (name) => {
    const original = readBytes('dicom', 'single', name);
    const before = dicomParser.parseDicom(original);
    expect(before.string('x00100010')).toBeTruthy();
    const cleaned = deidentifyPart10(original, name);
    const after = dicomParser.parseDicom(cleaned);
    expect(after.string('x00100010')).toBe('ANONYMOUS');
    expect(after.string('x00100020')).toBe('ANON');
    expect(after.string('x00100030') ?? '').toBe('');
    expect(after.string('x00120062')).toBe('YES');
    expect(after.string('x0020000e')).toBe(before.string('x0020000e'));
    const a = await decodeFrame(parseDicomImage(original, name));
    const b = await decodeFrame(parseDicomImage(cleaned, name));
    expect(b.pixels).toEqual(a.pixels);
  });

  it.skipIf(!HAS_DATA)('refuses syntaxes it cannot rewrite, naming the file', () => {
    expect(() => deidentifyPart10(readBytes('dicom', 'single', 'MR_small_bigendian.dcm'), 'be.dcm')).toThrow(/be\.dcm: de-identification/);
  });
});
