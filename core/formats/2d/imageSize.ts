/**
 * Pixel size from the first bytes of a PNG or JPEG file, so formats that do not store image sizes
 * (YOLO) can be imported from the files alone without decoding any pixels.
 */
export type PixelSize = { width: number; height: number };

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png'];

export function imageSize(bytes: Uint8Array): PixelSize | null {
  return pngSize(bytes) ?? jpegSize(bytes);
}

function pngSize(b: Uint8Array): PixelSize | null {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (b.length < 24 || signature.some((v, i) => b[i] !== v)) return null;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) }; // IHDR is always first
}

/** Walk the marker segments to the first start-of-frame, which holds the frame size. */
function jpegSize(b: Uint8Array): PixelSize | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  let offset = 2;
  while (offset + 9 < b.length) {
    if (b[offset] !== 0xff) return null;
    const marker = b[offset + 1];
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (b[offset + 5] << 8) | b[offset + 6], width: (b[offset + 7] << 8) | b[offset + 8] };
    }
    const length = (b[offset + 2] << 8) | b[offset + 3];
    offset += 2 + length;
  }
  return null;
}
