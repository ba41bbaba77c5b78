import { describe, expect, it } from 'vitest';
import { parseDicomImage, TRANSFER_SYNTAX } from './dicom';
import { el, newUid, writePart10 } from './dicom-writer';
import { decodeFrame } from './pixel-data';

/**
 * The shared samples have no JPEG Lossless file, so this test encodes one: a minimal
 * process-14 encoder (SOF3, one 16-bit component, predictor 1, one Huffman table giving all 17
 * difference categories a 5-bit code). Just enough to drive the real decoder path.
 */
function encodeLosslessJpeg(pixels: Uint16Array, width: number, height: number): Uint8Array {
  const out: number[] = [0xff, 0xd8];
  const segment = (marker: number, body: number[]) => out.push(0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body);
  segment(0xc3, [16, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
  const counts = new Array(16).fill(0);
  counts[4] = 17; // 17 codes of length 5: 00000 .. 10000
  segment(0xc4, [0x00, ...counts, ...Array.from({ length: 17 }, (_, i) => i)]);
  segment(0xda, [1, 1, 0x00, 1, 0, 0]); // Ss = predictor 1, Se = 0, Ah/Al = 0
  let acc = 0;
  let nbits = 0;
  const put = (value: number, bits: number) => {
    for (let b = bits - 1; b >= 0; b--) {
      acc = (acc << 1) | ((value >> b) & 1);
      if (++nbits === 8) {
        out.push(acc);
        if (acc === 0xff) out.push(0); // byte stuffing
        acc = 0;
        nbits = 0;
      }
    }
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const prediction = x === 0 && y === 0 ? 32768 : y === 0 || x > 0 ? pixels[i - 1] : pixels[i - width];
      let diff = (pixels[i] - prediction) & 0xffff;
      if (diff >= 32768) diff -= 65536;
      const category = diff === 0 ? 0 : diff === -32768 ? 16 : 32 - Math.clz32(Math.abs(diff));
      put(category, 5);
      if (category > 0 && category < 16) put(diff > 0 ? diff : diff - 1 + (1 << category), category);
    }
  }
  if (nbits > 0) put(0xff, 8 - nbits); // pad with 1 bits
  out.push(0xff, 0xd9);
  return new Uint8Array(out);
}

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
