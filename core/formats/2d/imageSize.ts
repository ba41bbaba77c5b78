/**
 * Pixel size (and colour kind) from the first bytes of a PNG or JPEG file, without decoding any
 * pixels: formats that do not store image sizes (YOLO) are imported from the files alone, and
 * pre-labelling learns the source size before it asks libvips for the letterboxed one (a
 * `sharp().metadata()` round trip per image cost 0.3–0.9 ms of CPU, docs/performance.md).
 * Anything else, or anything odd, gives null and the caller decides (e.g. asks sharp).
 */
export type PixelSize = { width: number; height: number };

export interface ImageHeader extends PixelSize {
  /** 8-bit RGB(A) or palette: what libvips reports as 'srgb' with >= 3 channels (no colour conversion needed). */
  srgb: boolean;
}

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png'];

export function imageSize(bytes: Uint8Array): PixelSize | null {
  const h = imageHeader(bytes);
  return h && { width: h.width, height: h.height };
}

export function imageHeader(b: Uint8Array): ImageHeader | null {
  if (b.length >= 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return png(b);
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) return jpeg(b);
  return null;
}

const be16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const be32 = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

function png(b: Uint8Array): ImageHeader | null {
  // signature (8), IHDR length (4), 'IHDR' (always the first chunk), width, height, bit depth, colour type
  if (b[12] !== 0x49 || b[13] !== 0x48 || b[14] !== 0x44 || b[15] !== 0x52) return null;
  const width = be32(b, 16), height = be32(b, 20), depth = b[24], colour = b[25];
  if (!width || !height) return null;
  // 2 = RGB, 6 = RGBA (8-bit: 'srgb'; 16-bit is 'rgb16' to libvips), 3 = palette (expands to sRGB);
  // a header cut before bit depth and colour type still gives the size, with srgb false
  const srgb = colour === 2 || colour === 6 ? depth === 8 : colour === 3;
  return { width, height, srgb };
}

/** Walk the marker segments to the first start-of-frame, which holds the frame size. */
function jpeg(b: Uint8Array): ImageHeader | null {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // no length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image / start of scan before any frame header
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 10 > b.length) return null;
      const precision = b[i + 4], height = be16(b, i + 5), width = be16(b, i + 7), components = b[i + 9];
      if (!width || !height) return null; // height 0 = defined later by DNL
      // 3 components decode to sRGB (YCbCr or RGB); 1 is grey, 4 CMYK/YCCK: those need a conversion
      return { width, height, srgb: components === 3 && precision === 8 };
    }
    i += 2 + be16(b, i + 2);
  }
  return null;
}
