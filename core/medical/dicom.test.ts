import { describe, expect, it } from 'vitest';
import { parseDicomImage } from './dicom';
import { decodeFrame } from './pixel-data';
import { decodePackBits, decodeRleFrame } from './rle';
import { HAS_DATA, readBytes, SKIP_REASON } from '../../tests/support/medical-data';
import { registerHostCodecs } from '../../main/services/medicalCodecs';

// The 12-bit JPEG decoder is registered by the host (core/medical stays free of Node).
registerHostCodecs();

if (!HAS_DATA) console.warn(SKIP_REASON);

async function decodeSingle(name: string) {
  const parsed = parseDicomImage(readBytes('dicom', 'single', name), name);
  return { parsed, frame: await decodeFrame(parsed, 0) };
}

describe('RLE PackBits', () => {
  it('decodes literal, replicate and no-op runs', () => {
    // 2 literals (10, 11), replicate 7 four times (-3), no-op (-128), 1 literal (5)
    const src = new Uint8Array([1, 10, 11, 0xfd, 7, 0x80, 0, 5]);
    const out = new Uint8Array(7);
    expect(decodePackBits(src, 0, src.length, out)).toBe(7);
    expect([...out]).toEqual([10, 11, 7, 7, 7, 7, 5]);
  });
  it('reassembles 16-bit samples from high/low byte segments', () => {
    const frame = new Uint8Array(64 + 3 + 3);
    const view = new DataView(frame.buffer);
    view.setUint32(0, 2, true);
    view.setUint32(4, 64, true);
    view.setUint32(8, 67, true);
    frame.set([1, 0x01, 0x02], 64); // high bytes: literal run of 2
    frame.set([0xff, 0x34], 67); // low bytes: 0x34 twice
    const bytes = decodeRleFrame(frame, 2, 1, 2);
    expect([...new Uint16Array(bytes.buffer)]).toEqual([0x0134, 0x0234]);
  });
  it('rejects a header with the wrong segment count', () => {
    const frame = new Uint8Array(64);
    new DataView(frame.buffer).setUint32(0, 3, true);
    expect(() => decodeRleFrame(frame, 4, 1, 2)).toThrow(/3 segments, expected 2/);
  });
});

describe.skipIf(!HAS_DATA)('dicom/single', () => {
  it('CT_small: 128x128 signed 16-bit CT with HU rescale', async () => {
    const { parsed, frame } = await decodeSingle('CT_small.dcm');
    expect(parsed.info.modality).toBe('CT');
    expect([frame.width, frame.height]).toEqual([128, 128]);
    expect(frame.pixels).toBeInstanceOf(Int16Array);
    expect(parsed.info.rescaleIntercept).toBe(-1024);
    expect(parsed.info.pixelSpacing).toEqual([0.661468, 0.661468]);
    // First stored values (as pydicom's own tests list them) and a soft-tissue-to-bone range.
    expect([...frame.pixels.slice(0, 3)]).toEqual([175, 180, 166]);
    let min = Infinity;
    let max = -Infinity;
    for (const v of frame.pixels) [min, max] = [Math.min(min, v), Math.max(max, v)];
    expect(min - 1024).toBeGreaterThan(-1024);
    expect(max - 1024).toBeLessThan(3000);
  });

  const mrVariants = ['MR_small_implicit.dcm', 'MR_small_bigendian.dcm', 'MR_small_RLE.dcm', 'MR_small_jpeg_ls_lossless.dcm', 'MR_small_jp2klossless.dcm'];
  it.each(mrVariants)('%s decodes to exactly the uncompressed MR_small pixels', async (name) => {
    const reference = await decodeSingle('MR_small.dcm');
    expect([reference.frame.width, reference.frame.height]).toEqual([64, 64]);
    const { parsed, frame } = await decodeSingle(name);
    expect(parsed.info.rows).toBe(64);
    expect(frame.pixels).toEqual(reference.frame.pixels);
  });

  it('MR_small values sit in the 12-bit range the header declares', async () => {
    const { frame, parsed } = await decodeSingle('MR_small.dcm');
    expect(parsed.info.windowCenter).toBe(600);
    expect(parsed.info.windowWidth).toBe(1600);
    let max = 0;
    for (const v of frame.pixels) max = Math.max(max, v);
    expect(max).toBeGreaterThan(1000);
    expect(max).toBeLessThan(4096);
  });

  it('JPEG-lossy (12-bit extended JPEG, a whole-body bone scan) decodes to 12-bit samples', async () => {
    const { frame, parsed } = await decodeSingle('JPEG-lossy.dcm');
    expect([frame.width, frame.height]).toEqual([parsed.info.columns, parsed.info.rows]);
    let min = Infinity;
    let max = -Infinity;
    for (const v of frame.pixels) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeGreaterThan(255); // more than 8 bits were decoded
    expect(max).toBeLessThan(4096);
    // Rendered and looked at: a whole-body bone scan; the bladder (row 420, col 140) is the
    // hottest spot, the corner is background.
    const at = (r: number, c: number) => frame.pixels[r * frame.width + c];
    expect(at(420, 140)).toBeGreaterThan(200);
    expect(at(8, 8)).toBeLessThan(40);
  });

  it('liver_1frame (1-bit SEG frame) unpacks to 0/1', async () => {
    const { frame } = await decodeSingle('liver_1frame.dcm');
    expect([frame.width, frame.height]).toEqual([512, 512]);
    let ones = 0;
    let other = 0;
    for (const v of frame.pixels) {
      if (v === 1) ones++;
      else if (v !== 0) other++;
    }
    expect(other).toBe(0);
    expect(ones).toBeGreaterThan(1000);
  });

  it('truncated pixel data is reported with the file name', async () => {
    const bytes = readBytes('dicom', 'single', 'CT_small.dcm');
    const cut = bytes.slice(0, bytes.length - 5000);
    await expect((async () => decodeFrame(parseDicomImage(cut, 'cut.dcm')))()).rejects.toThrow(/cut\.dcm/);
  });

  it('garbage is rejected by name', () => {
    expect(() => parseDicomImage(new Uint8Array(400), 'zeros.dcm')).toThrow(/zeros\.dcm: not a readable DICOM/);
  });
});
