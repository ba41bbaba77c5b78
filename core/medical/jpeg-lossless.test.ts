import { describe, expect, it } from 'vitest';
import { parseDicomImage, TRANSFER_SYNTAX } from './dicom';
import { el, newUid, writePart10 } from './dicom-writer';
import { decodeFrame } from './pixel-data';
import { encodeLosslessJpeg } from '../../tests/support/medical-encoders';

describe('JPEG Lossless (process 14, SV1) through jpeg-lossless-decoder-js', () => {
  it('decodes a 16-bit signed frame exactly', async () => {
    const width = 13;
    const height = 7;
    const values = new Int16Array(width * height).map((_, i) => ((i * 977) % 4001) - 2000);
    const stream = encodeLosslessJpeg(new Uint16Array(values.buffer), width, height);
    const sop = newUid();
    const ct = '1.2.840.10008.5.1.4.1.1.2';
    const bytes = writePart10(
      [
        el(0x00080016, 'UI', ct),
        el(0x00080018, 'UI', sop),
        el(0x00280002, 'US', 1),
        el(0x00280004, 'CS', 'MONOCHROME2'),
        el(0x00280010, 'US', height),
        el(0x00280011, 'US', width),
        el(0x00280100, 'US', 16),
        el(0x00280101, 'US', 16),
        el(0x00280103, 'US', 1),
        el(0x7fe00010, 'OB', { encapsulated: [stream] }),
      ],
      ct,
      sop,
      { transferSyntaxUid: TRANSFER_SYNTAX.jpegLosslessSV1 },
    );
    const frame = await decodeFrame(parseDicomImage(bytes, 'lossless.dcm'));
    expect(frame.pixels).toBeInstanceOf(Int16Array);
    expect([...frame.pixels]).toEqual([...values]);
  });
});
