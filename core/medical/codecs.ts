/**
 * Compressed pixel data codecs. The cornerstone codecs are emscripten WASM modules: their
 * `decodewasmjs` entry exports a factory that resolves once the .wasm is instantiated. Node
 * finds the .wasm next to the .js by itself; a bundled renderer must tell it where the file
 * was emitted, via setCodecWasmLocator. Modules are created once and reused.
 */
import { TRANSFER_SYNTAX } from './dicom';

/** The decoder interface shared by the charls, openjpeg and libjpeg-turbo builds. */
interface EmscriptenDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}
type DecoderModule = Record<string, new () => EmscriptenDecoder>;

export interface DecodedSamples {
  /** Little-endian interleaved sample bytes (1 or 2 bytes per sample). */
  bytes: Uint8Array;
  /** Frame size reported by the codec, when it reports one. */
  width?: number;
  height?: number;
  components?: number;
  bytesPerSample: number;
  /** Colour already converted to RGB by the codec (JPEG YCbCr, J2K ICT/RCT). */
  colorIsRgb: boolean;
}

type Locator = (wasmFileName: string) => string;
let wasmLocator: Locator | undefined;

/** Bundlers: map e.g. "charlswasm_decode.wasm" to the URL where the asset was emitted. */
export function setCodecWasmLocator(locator: Locator): void {
  wasmLocator = locator;
}

const modules = new Map<string, Promise<DecoderModule>>();

function loadModule(name: 'charls' | 'openjpeg' | 'libjpeg'): Promise<DecoderModule> {
  let pending = modules.get(name);
  if (!pending) {
    // openjpeg logs [INFO] lines through print; keep the console clean.
    const quiet = { print: () => {}, printErr: () => {} };
    const options = wasmLocator ? { ...quiet, locateFile: (f: string) => wasmLocator!(f) } : quiet;
    const importers = {
      charls: () => import('@cornerstonejs/codec-charls/decodewasmjs'),
      openjpeg: () => import('@cornerstonejs/codec-openjpeg/decodewasmjs'),
      libjpeg: () => import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs'),
    };
    pending = importers[name]().then(async (m) => {
      // CommonJS interop: the factory is the default export, sometimes wrapped once more.
      const mod = m as unknown as { default: ((o: object) => Promise<unknown>) | { default: (o: object) => Promise<unknown> } };
      const factory = typeof mod.default === 'function' ? mod.default : mod.default.default;
      return (await factory(options)) as DecoderModule;
    });
    modules.set(name, pending);
  }
  return pending;
}

async function decodeWithEmscripten(moduleName: 'charls' | 'openjpeg' | 'libjpeg', className: string, encoded: Uint8Array): Promise<DecodedSamples> {
  const mod = await loadModule(moduleName);
  const decoder = new mod[className]();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    return {
      bytes: decoder.getDecodedBuffer().slice(), // copy out of the WASM heap before delete()
      width: info.width,
      height: info.height,
      components: info.componentCount,
      bytesPerSample: info.bitsPerSample > 8 ? 2 : 1,
      colorIsRgb: info.componentCount === 3,
    };
  } finally {
    decoder.delete();
  }
}

export interface JpegImage12 {
  parse(data: Uint8Array): void;
  colorTransform: boolean;
  width: number;
  height: number;
  components: unknown[];
  getData16(width: number, height: number): Uint16Array;
}
let jpeg12Loader: (() => Promise<new () => JpegImage12>) | null = null;
let jpeg12: Promise<new () => JpegImage12> | null = null;

/**
 * The 12-bit (extended) JPEG decoder is a plain JavaScript file of @cornerstonejs/dicom-image-loader
 * that the package does not export; the host bundles it and registers it here
 * (main/services/medicalCodecs.ts), so this module stays free of Node and file paths.
 */
export function setJpeg12Loader(load: () => Promise<new () => JpegImage12>): void {
  jpeg12Loader = load;
  jpeg12 = null;
}

function loadJpeg12(): Promise<new () => JpegImage12> {
  if (!jpeg12Loader) return Promise.reject(new Error('12-bit JPEG decoding is not available here (no decoder registered)'));
  jpeg12 ??= jpeg12Loader();
  return jpeg12;
}

async function decodeJpeg12(encoded: Uint8Array): Promise<DecodedSamples> {
  const JpegImage = await loadJpeg12();
  const jpeg = new JpegImage();
  jpeg.parse(encoded);
  jpeg.colorTransform = false;
  const samples = jpeg.getData16(jpeg.width, jpeg.height);
  return {
    bytes: new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength),
    width: jpeg.width,
    height: jpeg.height,
    components: jpeg.components.length,
    bytesPerSample: 2,
    colorIsRgb: false,
  };
}

async function decodeJpegLossless(encoded: Uint8Array, bytesPerSample: number): Promise<DecodedSamples> {
  const { Decoder } = await import('jpeg-lossless-decoder-js');
  const copy = encoded.slice(); // the decoder wants an ArrayBuffer starting at the stream
  const out = new Decoder().decode(copy.buffer, 0, copy.byteLength, bytesPerSample);
  // This decoder reports no frame info; the caller checks the byte count against the header.
  return { bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), bytesPerSample, colorIsRgb: true };
}

/** Decode one compressed frame; throws with the reason for unsupported syntaxes. */
export async function decodeCompressedFrame(transferSyntaxUid: string, encoded: Uint8Array, bitsAllocated: number): Promise<DecodedSamples> {
  switch (transferSyntaxUid) {
    case TRANSFER_SYNTAX.jpegLsLossless:
    case TRANSFER_SYNTAX.jpegLsNearLossless:
      return decodeWithEmscripten('charls', 'JpegLSDecoder', encoded);
    case TRANSFER_SYNTAX.jpeg2000Lossless:
    case TRANSFER_SYNTAX.jpeg2000:
    case TRANSFER_SYNTAX.htj2kLossless:
    case TRANSFER_SYNTAX.htj2kLosslessRpcl:
    case TRANSFER_SYNTAX.htj2k:
      return decodeWithEmscripten('openjpeg', 'J2KDecoder', encoded);
    case TRANSFER_SYNTAX.jpegBaseline:
    case TRANSFER_SYNTAX.jpegExtended: {
      // libjpeg-turbo's WASM build is 8-bit only; 12-bit extended JPEG (process 2/4) goes through
      // the JavaScript JPEG decoder that cornerstone's DICOM image loader maintains for it.
      const precision = jpegSamplePrecision(encoded);
      if (precision > 12) throw new Error(`${precision}-bit JPEG is not a DICOM JPEG process`);
      if (precision > 8) return decodeJpeg12(encoded);
      return decodeWithEmscripten('libjpeg', 'JPEGDecoder', encoded);
    }
    case TRANSFER_SYNTAX.jpegLossless:
    case TRANSFER_SYNTAX.jpegLosslessSV1:
      return decodeJpegLossless(encoded, bitsAllocated > 8 ? 2 : 1);
    default:
      throw new Error(`unsupported transfer syntax ${transferSyntaxUid}`);
  }
}

/** Sample precision from the first SOFn marker of a JPEG stream (0 when not found). */
export function jpegSamplePrecision(jpeg: Uint8Array): number {
  let i = 2;
  while (i + 4 < jpeg.length) {
    if (jpeg[i] !== 0xff) return 0;
    const marker = jpeg[i + 1];
    const length = (jpeg[i + 2] << 8) | jpeg[i + 3];
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return jpeg[i + 4];
    i += 2 + length;
  }
  return 0;
}
