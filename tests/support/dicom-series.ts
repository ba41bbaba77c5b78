/**
 * Generated 512x512xN CT-like series for the volume-build tests (main/services/dicomFiles.test.ts,
 * main/services/medicalWorkers/pool.test.ts): one file per slice, written in shuffled order, with
 * junk above Bits Stored, per-variant signedness, rescale and transfer syntax.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { el, newUid, writePart10, type DicomElement } from '../../core/medical/dicom-writer';
import { SOP_CLASS, TRANSFER_SYNTAX } from '../../core/medical/dicom';
import { encodeLosslessJpeg, encodeRleFrame } from './medical-encoders';

export interface Variant {
  name: string;
  bitsStored: number;
  signed: boolean;
  slope: number;
  intercept: number | ((k: number) => number);
  syntax?: string;
}

/** A 512x512xN series of one variant, files in shuffled order. */
export function writeSeries(dir: string, v: Variant, slices: number, size = 512): void {
  const study = newUid();
  const series = newUid();
  const max = v.signed ? 2 ** (v.bitsStored - 1) - 1 : 2 ** v.bitsStored - 1;
  const min = v.signed ? -(2 ** (v.bitsStored - 1)) : 0;
  for (let k = 0; k < slices; k++) {
    const stored = new Int32Array(size * size).map((_, i) => min + ((i * 2654435761 + k * 97) >>> 0) % (max - min + 1));
    // Words as written: the stored value in the low bits; above Bits Stored, junk the reader must mask.
    const words = new Uint16Array(stored.length).map((_, i) => (stored[i] & (2 ** v.bitsStored - 1)) | (v.bitsStored < 16 ? (i % 3) << v.bitsStored : 0));
    const pixelElement: DicomElement =
      v.syntax === TRANSFER_SYNTAX.rle
        ? el(0x7fe00010, 'OB', { encapsulated: [encodeRleFrame(words, 2)] })
        : v.syntax === TRANSFER_SYNTAX.jpegLosslessSV1
          ? el(0x7fe00010, 'OB', { encapsulated: [encodeLosslessJpeg(words.map((w) => w & (2 ** v.bitsStored - 1)), size, size)] })
          : el(0x7fe00010, 'OW', new Uint8Array(words.buffer));
    const intercept = typeof v.intercept === 'function' ? v.intercept(k) : v.intercept;
    const sop = newUid();
    const bytes = writePart10(
      [
        el(0x00080016, 'UI', SOP_CLASS.ctImage),
        el(0x00080018, 'UI', sop),
        el(0x00080060, 'CS', 'CT'),
        el(0x0020000d, 'UI', study),
        el(0x0020000e, 'UI', series),
        el(0x00200013, 'IS', k + 1),
        el(0x00200032, 'DS', [-180, -180, k * 2.5]),
        el(0x00200037, 'DS', [1, 0, 0, 0, 1, 0]),
        el(0x00280002, 'US', 1),
        el(0x00280004, 'CS', 'MONOCHROME2'),
        el(0x00280010, 'US', size),
        el(0x00280011, 'US', size),
        el(0x00280030, 'DS', [0.7, 0.7]),
        el(0x00280100, 'US', 16),
        el(0x00280101, 'US', v.bitsStored),
        el(0x00280102, 'US', v.bitsStored - 1),
        el(0x00280103, 'US', v.signed ? 1 : 0),
        el(0x00281052, 'DS', intercept),
        el(0x00281053, 'DS', v.slope),
        pixelElement,
      ],
      SOP_CLASS.ctImage,
      sop,
      v.syntax ? { transferSyntaxUid: v.syntax } : {},
    );
    writeFileSync(path.join(dir, `im${String((k * 7) % slices).padStart(3, '0')}-${k}`), bytes);
  }
}

export const VARIANTS: Variant[] = [
  { name: 'CT 12-bit unsigned, intercept -1024 (raw path)', bitsStored: 12, signed: false, slope: 1, intercept: -1024 },
  { name: '16-bit signed, no rescale (raw path)', bitsStored: 16, signed: true, slope: 1, intercept: 0 },
  { name: '12-bit signed with junk above Bits Stored, slope 2 (raw path)', bitsStored: 12, signed: true, slope: 2, intercept: 7 },
  { name: '16-bit unsigned, intercept -1024 (may leave Int16: decode path)', bitsStored: 16, signed: false, slope: 1, intercept: -1024 },
  { name: 'fractional slope (Float32)', bitsStored: 12, signed: false, slope: 0.5, intercept: -10.25 },
  { name: 'raw slices, then one that forces Float32 mid-way', bitsStored: 12, signed: false, slope: 1, intercept: (k) => (k === 2 ? 0.5 : -1024) },
  { name: 'RLE Lossless', bitsStored: 12, signed: false, slope: 1, intercept: -1024, syntax: TRANSFER_SYNTAX.rle },
  { name: 'JPEG Lossless SV1', bitsStored: 12, signed: false, slope: 1, intercept: -1024, syntax: TRANSFER_SYNTAX.jpegLosslessSV1 },
];
