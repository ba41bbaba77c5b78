/**
 * Pixel Data (7FE0,0010) -> typed arrays, one frame at a time.
 * Grey frames come back as stored values (before the modality rescale) in a typed array whose
 * signedness follows Pixel Representation; colour frames (RGB, YBR, palette) come back as
 * interleaved 8-bit RGB.
 */
import { dicomParser } from './dicom-parser-lib';
import { decodeCompressedFrame } from './codecs';
import { TAG, TRANSFER_SYNTAX, type ParsedDicom, type DicomImageInfo } from './dicom';
import { decodeRleFrame } from './rle';
import { paletteToRgb, planarToInterleaved, ybrFullToRgb, ybr422ToRgb } from './color';
import { MedicalFormatError } from './types';

export type StoredPixels = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

export interface DecodedFrame {
  width: number;
  height: number;
  /** Grey: stored values. RGB: Uint8Array of width*height*3. */
  pixels: StoredPixels;
  rgb: boolean;
}

const UNCOMPRESSED = new Set<string>([TRANSFER_SYNTAX.implicitLittle, TRANSFER_SYNTAX.explicitLittle, TRANSFER_SYNTAX.explicitBig, TRANSFER_SYNTAX.deflatedExplicitLittle]);

/** The compressed bitstream of one frame of encapsulated pixel data. */
function encapsulatedFrame(parsed: ParsedDicom, frameIndex: number): Uint8Array {
  const { dataSet, info } = parsed;
  const el = dataSet.elements[TAG.pixelData];
  const fragments = el.fragments ?? [];
  if (fragments.length === 0) throw new Error('encapsulated Pixel Data has no fragments');
  if (info.numberOfFrames === 1) {
    // One frame may span several fragments; without an offset table they all belong to it.
    return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, el, 0, fragments.length) as Uint8Array;
  }
  if (el.basicOffsetTable && el.basicOffsetTable.length > 0) {
    return dicomParser.readEncapsulatedImageFrame(dataSet, el, frameIndex) as Uint8Array;
  }
  if (fragments.length === info.numberOfFrames) {
    return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, el, frameIndex, 1) as Uint8Array;
  }
  // Multi-fragment frames without an offset table: JPEG streams can be split at SOI markers.
  const table = dicomParser.createJPEGBasicOffsetTable(dataSet, el);
  return dicomParser.readEncapsulatedImageFrame(dataSet, el, frameIndex, table) as Uint8Array;
}

/** Little-endian sample bytes of an uncompressed frame (big endian is swapped here). */
function uncompressedFrame(parsed: ParsedDicom, frameIndex: number): Uint8Array {
  const { dataSet, info } = parsed;
  const el = dataSet.elements[TAG.pixelData];
  const pixels = info.rows * info.columns;
  if (info.bitsAllocated === 1) {
    // Bit-packed frames follow each other without byte alignment; return whole bytes covering the frame.
    const startBit = frameIndex * pixels * info.samplesPerPixel;
    const startByte = startBit >> 3;
    const endByte = Math.ceil((startBit + pixels * info.samplesPerPixel) / 8);
    if (endByte > el.length) throw new Error(`Pixel Data holds ${el.length} bytes, frame ${frameIndex} needs ${endByte}`);
    return dataSet.byteArray.subarray(el.dataOffset + startByte, el.dataOffset + endByte) as Uint8Array;
  }
  const frameBytes = uncompressedFrameBytes(info);
  const start = frameIndex * frameBytes;
  if (start + frameBytes > el.length || el.dataOffset + start + frameBytes > dataSet.byteArray.length) {
    throw new Error(`Pixel Data holds ${Math.min(el.length, dataSet.byteArray.length - el.dataOffset)} bytes, frame ${frameIndex} needs ${start + frameBytes}`);
  }
  const bytes = dataSet.byteArray.slice(el.dataOffset + start, el.dataOffset + start + frameBytes) as Uint8Array;
  if (info.transferSyntaxUid === TRANSFER_SYNTAX.explicitBig && info.bitsAllocated > 8) swapBytes(bytes, info.bitsAllocated >> 3);
  return bytes;
}

/**
 * Bytes of one uncompressed frame. YBR_FULL_422 stores two samples per pixel (Y1 Y2 Cb Cr per
 * horizontal pair, PS3.3 C.7.6.3.1.2), not three: reading it as three made every frame after the
 * first (and a single frame's length check) fail.
 */
export function uncompressedFrameBytes(info: Pick<DicomImageInfo, 'rows' | 'columns' | 'samplesPerPixel' | 'bitsAllocated' | 'photometric'>): number {
  const pixels = info.rows * info.columns;
  const samples = info.samplesPerPixel === 3 && info.photometric === 'YBR_FULL_422' ? 2 : info.samplesPerPixel;
  return pixels * samples * (info.bitsAllocated >> 3);
}

function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i + width <= bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/** Unpack 1-bit samples (least significant bit first) into 0/1 bytes. */
export function unpackBits(packed: Uint8Array, bitOffset: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const bit = bitOffset + i;
    out[i] = (packed[bit >> 3] >> (bit & 7)) & 1;
  }
  return out;
}

/**
 * View little-endian sample bytes as the typed array Pixel Representation calls for, dropping
 * bits above Bits Stored (overlays lived there once) and sign-extending stored signed values.
 */
export function toStoredArray(bytes: Uint8Array, info: Pick<DicomImageInfo, 'bitsAllocated' | 'bitsStored' | 'pixelRepresentation'>): StoredPixels {
  const signed = info.pixelRepresentation === 1;
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const buf = aligned.buffer;
  const off = aligned.byteOffset;
  let out: StoredPixels;
  switch (info.bitsAllocated) {
    case 8:
      out = signed ? new Int8Array(buf, off, aligned.length) : new Uint8Array(buf, off, aligned.length);
      break;
    case 16:
      out = signed ? new Int16Array(buf, off, aligned.length >> 1) : new Uint16Array(buf, off, aligned.length >> 1);
      break;
    case 32:
      out = signed ? new Int32Array(buf, off, aligned.length >> 2) : new Uint32Array(buf, off, aligned.length >> 2);
      break;
    default:
      throw new Error(`Bits Allocated ${info.bitsAllocated} is not supported`);
  }
  const stored = info.bitsStored;
  if (stored > 0 && stored < info.bitsAllocated) {
    const mask = stored >= 32 ? 0xffffffff : (1 << stored) - 1;
    const signBit = 1 << (stored - 1);
    for (let i = 0; i < out.length; i++) {
      const v = out[i] & mask;
      out[i] = signed && v & signBit ? v - (mask + 1) : v;
    }
  }
  return out;
}

async function frameSampleBytes(parsed: ParsedDicom, frameIndex: number): Promise<{ bytes: Uint8Array; colorIsRgb: boolean; planar: boolean }> {
  const { info } = parsed;
  const ts = info.transferSyntaxUid;
  const pixels = info.rows * info.columns;
  if (UNCOMPRESSED.has(ts)) return { bytes: uncompressedFrame(parsed, frameIndex), colorIsRgb: false, planar: info.planarConfiguration === 1 };
  const encoded = encapsulatedFrame(parsed, frameIndex);
  if (ts === TRANSFER_SYNTAX.rle) {
    // RLE always delivers separate segments per sample; decodeRleFrame re-interleaves them.
    return { bytes: decodeRleFrame(encoded, pixels, info.samplesPerPixel, Math.max(1, info.bitsAllocated >> 3)), colorIsRgb: false, planar: false };
  }
  const decoded = await decodeCompressedFrame(ts, encoded, info.bitsAllocated);
  if (decoded.width !== undefined && (decoded.width !== info.columns || decoded.height !== info.rows)) {
    throw new Error(`codec produced ${decoded.width}x${decoded.height}, header says ${info.columns}x${info.rows}`);
  }
  // Codecs emit interleaved samples whatever Planar Configuration says.
  return { bytes: decoded.bytes, colorIsRgb: decoded.colorIsRgb, planar: false };
}

/** Decode frame `frameIndex` (0-based) of a parsed image. Errors name the file. */
export async function decodeFrame(parsed: ParsedDicom, frameIndex = 0): Promise<DecodedFrame> {
  const { info } = parsed;
  try {
    if (frameIndex < 0 || frameIndex >= info.numberOfFrames) throw new Error(`frame ${frameIndex} out of range (0..${info.numberOfFrames - 1})`);
    const width = info.columns;
    const height = info.rows;
    const pixels = width * height;
    const { bytes, colorIsRgb, planar } = await frameSampleBytes(parsed, frameIndex);

    if (info.bitsAllocated === 1) {
      const bitOffset = UNCOMPRESSED.has(info.transferSyntaxUid) ? (frameIndex * pixels * info.samplesPerPixel) & 7 : 0;
      return { width, height, pixels: unpackBits(bytes, bitOffset, pixels), rgb: false };
    }
    const bytesPerSample = info.bitsAllocated >> 3;
    const photometric = info.photometric;

    if (info.samplesPerPixel === 1) {
      const needed = pixels * bytesPerSample;
      if (bytes.length < needed) throw new Error(`decoded ${bytes.length} bytes, expected ${needed}`);
      const stored = toStoredArray(bytes.length === needed ? bytes : bytes.subarray(0, needed), info);
      if (photometric === 'PALETTE COLOR') {
        if (!info.palette) throw new Error('PALETTE COLOR image without a usable palette LUT');
        return { width, height, pixels: paletteToRgb(stored, info.palette), rgb: true };
      }
      return { width, height, pixels: stored, rgb: false };
    }

    if (info.samplesPerPixel !== 3) throw new Error(`Samples per Pixel ${info.samplesPerPixel} is not supported`);
    if (bytesPerSample !== 1 && bytesPerSample !== 2) throw new Error(`${info.bitsAllocated}-bit colour is not supported`);
    // 16-bit colour (RGB 16/16 from scanners and microscopes) is shown as 8-bit: the top 8 of the
    // Bits Stored bits, which is what a display of 8 bits per channel can show.
    const samples8 = bytesPerSample === 2 ? colour16To8(bytes, info.bitsStored || 16) : bytes;
    if (photometric === 'YBR_FULL_422' && !colorIsRgb && UNCOMPRESSED.has(info.transferSyntaxUid)) {
      // Uncompressed 4:2:2 stores Y1 Y2 Cb Cr per pixel pair.
      return { width, height, pixels: ybr422ToRgb(samples8, width, height), rgb: true };
    }
    if (samples8.length < pixels * 3) throw new Error(`decoded ${samples8.length} bytes, expected ${pixels * 3}`);
    let rgb = planar ? planarToInterleaved(samples8, pixels) : samples8.slice(0, pixels * 3);
    if (!colorIsRgb && (photometric === 'YBR_FULL' || photometric === 'YBR_FULL_422')) rgb = ybrFullToRgb(rgb);
    return { width, height, pixels: rgb, rgb: true };
  } catch (e) {
    if (e instanceof MedicalFormatError) throw e;
    throw new MedicalFormatError(info.file, `cannot decode pixel data (${info.transferSyntaxUid}): ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Little-endian 16-bit samples -> 8 bits: the top 8 of `bitsStored` bits. */
function colour16To8(bytes: Uint8Array, bitsStored: number): Uint8Array {
  const n = bytes.length >> 1;
  const out = new Uint8Array(n);
  const shift = Math.max(0, bitsStored - 8);
  const max = (1 << Math.min(bitsStored, 16)) - 1;
  for (let i = 0; i < n; i++) {
    const v = (bytes[2 * i] | (bytes[2 * i + 1] << 8)) & max;
    out[i] = v >> shift;
  }
  return out;
}
