/**
 * DICOM RLE Lossless (PS3.5 Annex G): each frame is a 64-byte header of 16 little-endian
 * uint32 (segment count, then segment offsets), followed by PackBits-coded segments.
 * Segment s holds byte plane s: for 16-bit samples the most significant bytes come first,
 * and colour images have one segment per sample and byte (so planes are never interleaved).
 */

/** Decode one PackBits segment into `out` (length = pixels per frame). Returns bytes written. */
export function decodePackBits(src: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let i = start;
  let o = 0;
  const outEnd = out.length;
  while (i < end && o < outEnd) {
    const n = (src[i++] << 24) >> 24; // header byte as signed int8
    if (n >= 0) {
      // literal run of n+1 bytes
      const count = Math.min(n + 1, end - i, outEnd - o);
      out.set(src.subarray(i, i + count), o);
      i += n + 1;
      o += count;
    } else if (n !== -128) {
      // repeat the next byte 1-n times; -128 is a no-op by definition
      const count = Math.min(1 - n, outEnd - o);
      out.fill(src[i++], o, o + count);
      o += count;
    }
  }
  return o;
}

/**
 * Decode an RLE frame into little-endian interleaved sample bytes (the same layout as an
 * uncompressed Explicit VR Little Endian frame with planar configuration 0).
 */
export function decodeRleFrame(frame: Uint8Array, pixels: number, samplesPerPixel: number, bytesPerSample: number): Uint8Array {
  if (frame.length < 64) throw new Error('RLE frame shorter than its 64-byte header');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segments = view.getUint32(0, true);
  const expected = samplesPerPixel * bytesPerSample;
  if (segments !== expected) throw new Error(`RLE header lists ${segments} segments, expected ${expected}`);
  const out = new Uint8Array(pixels * expected);
  const plane = new Uint8Array(pixels);
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? view.getUint32(8 + 4 * s, true) : frame.length;
    if (start < 64 || start > frame.length || end < start) throw new Error(`RLE segment ${s} offset ${start} out of range`);
    const written = decodePackBits(frame, start, Math.min(end, frame.length), plane);
    if (written < pixels) throw new Error(`RLE segment ${s} decoded ${written} of ${pixels} bytes`);
    // Segment order within a sample is most significant byte first; store little endian.
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample);
    const stride = expected;
    let o = sample * bytesPerSample + byteInSample;
    for (let p = 0; p < pixels; p++, o += stride) out[o] = plane[p];
  }
  return out;
}
