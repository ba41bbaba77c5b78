/**
 * One test per row of the "Colour DICOM" table in docs/medical.md: each case is a generated
 * Part 10 file (core/medical/dicom-writer.ts) with known colours, decoded through the same path
 * the host uses (parseDicomImage + decodeFrame). YBR_FULL_422 JPEG is checked on a real photo in
 * jpeg.test.ts and through the host's PNG route in main/services/dicomColor.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { el, newUid, writePart10, type DicomElement } from './dicom-writer';
import { parseDicomImage } from './dicom';
import { decodeFrame } from './pixel-data';

const SC = '1.2.840.10008.5.1.4.1.1.7';
const MF_TRUE_COLOUR_SC = '1.2.840.10008.5.1.4.1.1.7.4';

/** Known colours: red, green, blue, white, as RGB. */
const RGB = [
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
  [255, 255, 255],
];
/** The same colours in YCbCr (BT.601 full range, rounded). */
const YBR = [
  [76, 85, 255],
  [150, 44, 21],
  [29, 255, 107],
  [255, 128, 128],
];

function file(o: { photometric: string; samples: number; bits?: number; planar?: number; frames?: number; rows?: number; columns?: number; pixels: Uint8Array; extra?: DicomElement[] }): Uint8Array {
  const sop = newUid();
  const bits = o.bits ?? 8;
  const elements: DicomElement[] = [
    el(0x00080016, 'UI', o.frames ? MF_TRUE_COLOUR_SC : SC),
    el(0x00080018, 'UI', sop),
    el(0x00080060, 'CS', 'OT'),
    el(0x00280002, 'US', o.samples),
    el(0x00280004, 'CS', o.photometric),
    ...(o.samples === 3 ? [el(0x00280006, 'US', o.planar ?? 0)] : []),
    ...(o.frames ? [el(0x00280008, 'IS', o.frames)] : []),
    el(0x00280010, 'US', o.rows ?? 1),
    el(0x00280011, 'US', o.columns ?? 4),
    el(0x00280100, 'US', bits),
    el(0x00280101, 'US', bits),
    el(0x00280102, 'US', bits - 1),
    el(0x00280103, 'US', 0),
    ...(o.extra ?? []),
    el(0x7fe00010, bits > 8 ? 'OW' : 'OB', o.pixels),
  ];
  return writePart10(elements, o.frames ? MF_TRUE_COLOUR_SC : SC, sop);
}

async function decode(bytes: Uint8Array, frame = 0): Promise<number[][]> {
  const f = await decodeFrame(parseDicomImage(bytes, 'colour.dcm'), frame);
  expect(f.rgb).toBe(true);
  const out: number[][] = [];
  for (let i = 0; i < f.pixels.length; i += 3) out.push([f.pixels[i], f.pixels[i + 1], f.pixels[i + 2]]);
  return out;
}

/** Within 2 of the expected colour per channel (YCbCr rounding). */
function close(actual: number[][], expected: number[][]) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((px, i) => px.forEach((v, c) => expect(Math.abs(v - expected[i][c]), `pixel ${i} channel ${c}: ${v} vs ${expected[i][c]}`).toBeLessThanOrEqual(2)));
}

describe('colour DICOM, one case per documented row', () => {
  it('RGB, 8-bit, interleaved (Planar Configuration 0)', async () => {
    expect(await decode(file({ photometric: 'RGB', samples: 3, pixels: new Uint8Array(RGB.flat()) }))).toEqual(RGB);
  });

  it('RGB, 8-bit, planar (Planar Configuration 1)', async () => {
    const planar = [0, 1, 2].flatMap((c) => RGB.map((p) => p[c]));
    expect(await decode(file({ photometric: 'RGB', samples: 3, planar: 1, pixels: new Uint8Array(planar) }))).toEqual(RGB);
  });

  it('RGB, 16-bit (shown as the top 8 of Bits Stored)', async () => {
    const words = new Uint16Array(RGB.flat().map((v) => v * 257)); // 255 -> 65535
    expect(await decode(file({ photometric: 'RGB', samples: 3, bits: 16, pixels: new Uint8Array(words.buffer) }))).toEqual(RGB);
  });

  it('YBR_FULL, interleaved and planar', async () => {
    close(await decode(file({ photometric: 'YBR_FULL', samples: 3, pixels: new Uint8Array(YBR.flat()) })), RGB);
    const planar = [0, 1, 2].flatMap((c) => YBR.map((p) => p[c]));
    close(await decode(file({ photometric: 'YBR_FULL', samples: 3, planar: 1, pixels: new Uint8Array(planar) })), RGB);
  });

  it('YBR_FULL_422 uncompressed (Y1 Y2 Cb Cr per pixel pair), single and multi-frame', async () => {
    // Pairs share chroma: a grey pair (dark, light) and a red pair.
    const pairs = new Uint8Array([40, 200, 128, 128, 76, 76, 85, 255]);
    const expected = [
      [40, 40, 40],
      [200, 200, 200],
      [255, 0, 0],
      [255, 0, 0],
    ];
    close(await decode(file({ photometric: 'YBR_FULL_422', samples: 3, pixels: pairs })), expected);
    const two = new Uint8Array([...pairs, ...pairs.map((v, i) => (i % 4 < 2 ? 255 - v : v))]);
    const mf = file({ photometric: 'YBR_FULL_422', samples: 3, frames: 2, pixels: two });
    close(await decode(mf, 0), expected);
    expect((await decode(mf, 1))[0]).toEqual([215, 215, 215]);
  });

  it('PALETTE COLOR with 8-bit and 16-bit LUT entries', async () => {
    const lut = (values: number[], bits: number) => new Uint8Array(new Uint16Array(values.map((v) => (bits === 16 ? v * 257 : v))).buffer);
    for (const bits of [8, 16]) {
      const extra = [
        ...[0x00281101, 0x00281102, 0x00281103].map((t) => el(t, 'US', [4, 0, bits])),
        el(0x00281201, 'OW', lut(RGB.map((p) => p[0]), bits)),
        el(0x00281202, 'OW', lut(RGB.map((p) => p[1]), bits)),
        el(0x00281203, 'OW', lut(RGB.map((p) => p[2]), bits)),
      ];
      expect(await decode(file({ photometric: 'PALETTE COLOR', samples: 1, pixels: new Uint8Array([0, 1, 2, 3]), extra }))).toEqual(RGB);
    }
  });

  it('multi-frame RGB: every frame decodes on its own', async () => {
    const frames = [RGB, [...RGB].reverse(), RGB.map(() => [10, 20, 30])];
    const bytes = file({ photometric: 'RGB', samples: 3, frames: 3, pixels: new Uint8Array(frames.flat(2)) });
    for (let f = 0; f < 3; f++) expect(await decode(bytes, f)).toEqual(frames[f]);
  });
});
