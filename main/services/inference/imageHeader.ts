/**
 * Image size and colour kind from the first bytes of a JPEG or PNG, without libvips.
 *
 * Why: pre-labelling needs the source size before it can ask sharp for the letterboxed size, and
 * `sharp().metadata()` costs a thread-pool round trip and a header parse in libvips per image
 * (0.3-0.9 ms CPU measured, ~5 % of the host's work per image; docs/performance.md). The two
 * formats pre-labelling meets most are read here; anything else (or anything odd) returns null and
 * the caller asks sharp as before.
 */
export interface ImageHeader {
  width: number;
  height: number;
  /** 8-bit RGB(A) or palette: what sharp reports as 'srgb' with >= 3 channels (no colour conversion needed). */
  srgb: boolean;
}

export function readImageHeader(b: Uint8Array): ImageHeader | null {
  if (b.length >= 26 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return png(b);
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) return jpeg(b);
  return null;
}

const be16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const be32 = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

function png(b: Uint8Array): ImageHeader | null {
  // signature (8), IHDR length (4), 'IHDR', width, height, bit depth, colour type
  if (b[12] !== 0x49 || b[13] !== 0x48 || b[14] !== 0x44 || b[15] !== 0x52) return null;
  const width = be32(b, 16), height = be32(b, 20), depth = b[24], colour = b[25];
  if (!width || !height) return null;
  // 2 = RGB, 6 = RGBA (8-bit: 'srgb'; 16-bit is 'rgb16' to libvips), 3 = palette (expands to sRGB)
  const srgb = (colour === 2 || colour === 6) ? depth === 8 : colour === 3;
  return { width, height, srgb };
}

function jpeg(b: Uint8Array): ImageHeader | null {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    if (marker === 0xff) { i++; continue; } // fill byte
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; } // no length
    if (marker === 0xd9 || marker === 0xda) return null; // end of image / start of scan before any frame header
    const len = be16(b, i + 2);
    // SOF0..SOF15 except DHT (c4), JPG (c8) and DAC (cc)
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 10 > b.length) return null;
      const precision = b[i + 4], height = be16(b, i + 5), width = be16(b, i + 7), components = b[i + 9];
      if (!width || !height) return null; // height 0 = defined later by DNL: let libvips say
      // 3 components decode to sRGB (YCbCr or RGB); 1 is grey, 4 CMYK/YCCK: those need a conversion
      return { width, height, srgb: components === 3 && precision === 8 };
    }
    i += 2 + len;
  }
  return null;
}
