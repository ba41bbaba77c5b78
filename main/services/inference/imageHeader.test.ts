/** The JPEG / PNG header reader pre-labelling uses (core/formats/2d/imageSize.ts), against what sharp reports for the same files. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { imageHeader as readImageHeader } from '../../../core/formats/2d/imageSize';
import { DATA, NEEDS_DATA } from './testing/fixtures';

/** Every JPEG and PNG of the shared sample data (real camera files: COCO, nuScenes, KITTI, SUSTech). */
function sampleImages(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) sampleImages(p, out);
    else if (/\.(jpe?g|png)$/i.test(e)) out.push(p);
  }
  return out;
}
const files = (() => {
  try {
    return sampleImages(DATA);
  } catch {
    return [];
  }
})();

describe('readImageHeader', () => {
  it.skipIf(!files.length)(`agrees with sharp's metadata on every sample JPEG and PNG ${NEEDS_DATA}`, async () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    for (const f of files) {
      const bytes = readFileSync(f);
      const m = await sharp(bytes).metadata();
      expect(readImageHeader(bytes), f).toEqual({ width: m.width, height: m.height, srgb: m.space === 'srgb' && (m.channels ?? 0) >= 3 });
    }
  });

  it('reads grey, 16-bit and palette PNGs and grey / CMYK JPEGs as sharp does', async () => {
    const make = (channels: 1 | 3 | 4) => {
      const img = sharp({ create: { width: 7, height: 5, channels: channels === 4 ? 4 : 3, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } });
      return channels === 1 ? img.toColourspace('b-w') : img;
    };
    const cases: [string, Buffer][] = [
      ['grey png', await make(1).png().toBuffer()],
      ['rgb png', await make(3).png().toBuffer()],
      ['rgba png', await make(4).png().toBuffer()],
      ['16-bit png', await make(3).toColourspace('rgb16').png().toBuffer()],
      ['palette png', await make(3).png({ palette: true }).toBuffer()],
      ['grey jpeg', await make(1).jpeg().toBuffer()],
      ['rgb jpeg', await make(3).jpeg().toBuffer()],
      ['cmyk jpeg', await make(3).toColourspace('cmyk').jpeg().toBuffer()],
      ['progressive jpeg', await make(3).jpeg({ progressive: true }).toBuffer()],
    ];
    for (const [name, bytes] of cases) {
      const m = await sharp(bytes).metadata();
      expect(readImageHeader(bytes), name).toEqual({ width: 7, height: 5, srgb: m.space === 'srgb' && (m.channels ?? 0) >= 3 });
    }
  });

  it('returns null for other formats and truncated headers (the caller asks sharp)', async () => {
    const webp = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).webp().toBuffer();
    expect(readImageHeader(webp)).toBeNull();
    const jpg = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).jpeg().toBuffer();
    expect(readImageHeader(jpg.subarray(0, 20))).toBeNull();
    expect(readImageHeader(new Uint8Array(0))).toBeNull();
  });
});
