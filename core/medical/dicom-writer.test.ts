import { describe, expect, it } from 'vitest';
import { el, formatDS, newUid, writePart10 } from './dicom-writer';
import { parseDicomImage, SOP_CLASS } from './dicom';
import { decodeFrame } from './pixel-data';
import { loadDicomVolume } from './series';
import { syntheticCtSeries } from './synthetic';
import { windowedSlice } from './slicing';

describe('Part 10 writer', () => {
  it('writes and reads back Deflated Explicit VR Little Endian', async () => {
    const sop = newUid();
    const elements = [
      el(0x00080016, 'UI', SOP_CLASS.ctImage),
      el(0x00080018, 'UI', sop),
      el(0x00080060, 'CS', 'OT'),
      el(0x00280002, 'US', 1),
      el(0x00280010, 'US', 2),
      el(0x00280011, 'US', 2),
      el(0x00280100, 'US', 16),
      el(0x00280103, 'US', 1),
      el(0x7fe00010, 'OW', new Uint8Array(new Int16Array([-5, 0, 7, 300]).buffer)),
    ];
    const bytes = writePart10(elements, SOP_CLASS.ctImage, sop, { deflate: true });
    const parsed = parseDicomImage(bytes, 'deflated.dcm');
    expect(parsed.info.transferSyntaxUid).toBe('1.2.840.10008.1.2.1.99');
    expect([...(await decodeFrame(parsed)).pixels]).toEqual([-5, 0, 7, 300]);
  });

  it('formats DS within 16 characters and makes valid 2.25 UIDs', () => {
    expect(formatDS(-158.135803)).toBe('-158.135803');
    expect(formatDS(1 / 3).length).toBeLessThanOrEqual(16);
    const uid = newUid();
    expect(uid).toMatch(/^2\.25\.\d+$/);
    expect(uid.length).toBeLessThanOrEqual(64);
  });

  it('writes a CT series that reads back sorted, rescaled and windowed', async () => {
    const files = syntheticCtSeries({ size: 32, slices: 6 });
    const names = files.map((f) => f.name);
    expect(names).not.toEqual([...names].sort()); // shuffled on purpose
    const { volume, errors, warnings } = await loadDicomVolume(files);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(volume.dims).toEqual([32, 32, 6]);
    expect(volume.spacing[2]).toBeCloseTo(1.25, 6);
    expect(volume.affine[11]).toBeCloseTo(-200, 6);
    expect(volume.data).toBeInstanceOf(Int16Array);
    expect(volume.data[0]).toBe(-1000); // air corner, HU
    expect(volume.window).toEqual({ center: 40, width: 400 });
    const img = windowedSlice(volume, 'axial', 0);
    expect(img.pixels[0]).toBe(0);
  });
});
