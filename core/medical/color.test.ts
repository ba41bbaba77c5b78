import { describe, expect, it } from 'vitest';
import { paletteToRgb, planarToInterleaved, ybr422ToRgb, ybrFullToRgb } from './color';
import { el, newUid, writePart10, type DicomElement } from './dicom-writer';
import { parseDicomImage } from './dicom';
import { decodeFrame } from './pixel-data';

const SC = '1.2.840.10008.5.1.4.1.1.7'; // Secondary Capture

function colourFile(extra: DicomElement[], pixelBytes: Uint8Array, samples: number): Uint8Array {
  const sop = newUid();
  return writePart10(
    [
      el(0x00080016, 'UI', SC),
      el(0x00080018, 'UI', sop),
      el(0x00280002, 'US', samples),
      el(0x00280010, 'US', 1),
      el(0x00280011, 'US', 2),
      el(0x00280100, 'US', 8),
      el(0x00280101, 'US', 8),
      el(0x00280103, 'US', 0),
      el(0x7fe00010, 'OB', pixelBytes),
      ...extra,
    ],
    SC,
    sop,
  );
}

describe('colour conversion', () => {
  it('YBR_FULL grey axis and primaries', () => {
    expect([...ybrFullToRgb(new Uint8Array([128, 128, 128]))]).toEqual([128, 128, 128]);
    // Pure red in YCbCr (BT.601 full range): Y=76, Cb=85, Cr=255
    const [r, g, b] = ybrFullToRgb(new Uint8Array([76, 85, 255]));
    expect(r).toBeGreaterThan(250);
    expect(g).toBeLessThan(5);
    expect(b).toBeLessThan(5);
  });

  it('YBR_FULL_422 shares chroma over a pixel pair', () => {
    expect([...ybr422ToRgb(new Uint8Array([10, 200, 128, 128]), 2, 1)]).toEqual([10, 10, 10, 200, 200, 200]);
  });

  it('planar to interleaved and palette lookups clamp out-of-table indices', () => {
    expect([...planarToInterleaved(new Uint8Array([1, 2, 3, 4, 5, 6]), 2)]).toEqual([1, 3, 5, 2, 4, 6]);
    const lut = { red: new Uint8Array([0, 255]), green: new Uint8Array([10, 20]), blue: new Uint8Array([5, 6]), firstMapped: 100 };
    expect([...paletteToRgb([99, 101, 200], lut)]).toEqual([0, 10, 5, 255, 20, 6, 255, 20, 6]);
  });

  it('decodes planar RGB and PALETTE COLOR files end to end', async () => {
    const planar = colourFile([el(0x00280004, 'CS', 'RGB'), el(0x00280006, 'US', 1)], new Uint8Array([255, 0, 0, 255, 0, 0]), 3);
    const rgb = await decodeFrame(parseDicomImage(planar, 'planar.dcm'));
    expect(rgb.rgb).toBe(true);
    expect([...rgb.pixels]).toEqual([255, 0, 0, 0, 255, 0]);

    // 16-bit palette entries: the high byte is the 8-bit colour.
    const table = (values: number[]) => new Uint8Array(new Uint16Array(values.map((v) => v << 8)).buffer);
    const palette = colourFile(
      [
        el(0x00280004, 'CS', 'PALETTE COLOR'),
        ...[0x00281101, 0x00281102, 0x00281103].map((t) => el(t, 'US', [2, 0, 16])),
        el(0x00281201, 'OW', table([255, 0])),
        el(0x00281202, 'OW', table([0, 255])),
        el(0x00281203, 'OW', table([0, 0])),
      ],
      new Uint8Array([1, 0]),
      1,
    );
    const pal = await decodeFrame(parseDicomImage(palette, 'palette.dcm'));
    expect([...pal.pixels]).toEqual([0, 255, 0, 255, 0, 0]);
  });
});
