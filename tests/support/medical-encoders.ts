/**
 * Minimal encoders for tests that need compressed DICOM frames the shared samples lack (no
 * encoder of these is shipped: the app only decodes).
 */

/**
 * The shared samples have no JPEG Lossless file, so this test encodes one: a minimal
 * process-14 encoder (SOF3, one 16-bit component, predictor 1, one Huffman table giving all 17
 * difference categories a 5-bit code). Just enough to drive the real decoder path.
 */
export function encodeLosslessJpeg(pixels: Uint16Array, width: number, height: number): Uint8Array {
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

/**
 * DICOM RLE Lossless (PS3.5 G.3) for one grey frame of 8- or 16-bit samples: one segment per
 * sample byte (most significant first), PackBits with literal runs only (valid, if not small).
 */
export function encodeRleFrame(samples: Uint8Array | Uint16Array, bytesPerSample: 1 | 2): Uint8Array {
  const n = samples.length;
  const segments: Uint8Array[] = [];
  for (let s = 0; s < bytesPerSample; s++) {
    const shift = 8 * (bytesPerSample - 1 - s);
    const out: number[] = [];
    for (let i = 0; i < n; i += 128) {
      const len = Math.min(128, n - i);
      out.push(len - 1);
      for (let j = 0; j < len; j++) out.push((samples[i + j] >> shift) & 0xff);
    }
    if (out.length % 2) out.push(0x80); // pad to even length with a no-op
    segments.push(new Uint8Array(out));
  }
  const header = new Uint8Array(64);
  const view = new DataView(header.buffer);
  view.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((seg, s) => {
    view.setUint32(4 + 4 * s, offset, true);
    offset += seg.length;
  });
  const frame = new Uint8Array(offset);
  frame.set(header);
  let at = 64;
  for (const seg of segments) {
    frame.set(seg, at);
    at += seg.length;
  }
  return frame;
}
