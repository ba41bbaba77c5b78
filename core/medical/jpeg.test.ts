import { describe, expect, it } from 'vitest';
import { parseDicomImage, TRANSFER_SYNTAX } from './dicom';
import { el, newUid, writePart10 } from './dicom-writer';
import { jpegSamplePrecision } from './codecs';
import { decodeFrame } from './pixel-data';
import { HAS_DATA, readBytes, SKIP_REASON } from '../../tests/support/medical-data';

if (!HAS_DATA) console.warn(SKIP_REASON);

/**
 * The shared DICOM samples contain no 8-bit JPEG, so wrap a real baseline JPEG photo (COCO
 * image 139, 640x426 YCbCr) in an encapsulated two-frame DICOM object.
 */
describe.skipIf(!HAS_DATA)('JPEG baseline through libjpeg-turbo (WASM)', () => {
  it('decodes both frames of an encapsulated YBR_FULL_422 object to RGB', async () => {
    const jpeg = readBytes('images', 'coco139', '000000000139.jpg');
    expect(jpegSamplePrecision(jpeg)).toBe(8);
    const sop = newUid();
    const sc = '1.2.840.10008.5.1.4.1.1.7';
    const bytes = writePart10(
      [
        el(0x00080016, 'UI', sc),
        el(0x00080018, 'UI', sop),
        el(0x00280002, 'US', 3),
        el(0x00280004, 'CS', 'YBR_FULL_422'),
        el(0x00280006, 'US', 0),
        el(0x00280008, 'IS', 2),
        el(0x00280010, 'US', 426),
        el(0x00280011, 'US', 640),
        el(0x00280100, 'US', 8),
        el(0x00280101, 'US', 8),
        el(0x00280103, 'US', 0),
        el(0x7fe00010, 'OB', { encapsulated: [jpeg, jpeg] }),
      ],
      sc,
      sop,
      { transferSyntaxUid: TRANSFER_SYNTAX.jpegBaseline },
    );
    const parsed = parseDicomImage(bytes, 'coco.dcm');
    const f0 = await decodeFrame(parsed, 0);
    const f1 = await decodeFrame(parsed, 1);
    expect(f0.rgb).toBe(true);
    expect([f0.width, f0.height, f0.pixels.length]).toEqual([640, 426, 640 * 426 * 3]);
    expect(f1.pixels).toEqual(f0.pixels);
    // A colour photograph: mid-range mean and channels that differ (no grey collapse).
    let sum = 0;
    let chroma = 0;
    for (let i = 0; i < f0.pixels.length; i += 3) {
      sum += f0.pixels[i] + f0.pixels[i + 1] + f0.pixels[i + 2];
      chroma += Math.abs(f0.pixels[i] - f0.pixels[i + 2]);
    }
    const mean = sum / f0.pixels.length;
    expect(mean).toBeGreaterThan(40);
    expect(mean).toBeLessThan(220);
    expect(chroma / (640 * 426)).toBeGreaterThan(5);
  });
});
