/**
 * Host-side image preparation: decode and resize with sharp (libvips works on its own threads, so
 * this overlaps with inference running in the worker), then pack into a float tensor.
 */
import sharp, { type Sharp } from 'sharp';

/**
 * During a batch, preprocessing overlaps inference (the next images are prepared while the model
 * runs): one libvips thread is enough and leaves the other cores to ONNX Runtime instead of
 * contending with it. libvips' thread count is process-wide, so it is restored afterwards.
 */
export async function withSingleThreadedImaging<T>(work: () => Promise<T>): Promise<T> {
  const previous = sharp.concurrency();
  sharp.concurrency(1);
  try {
    return await work();
  } finally {
    sharp.concurrency(previous);
  }
}
import { readFile } from 'node:fs/promises';
import { imageHeader as readImageHeader } from '../../../core/formats/2d/imageSize';
import type { ModelInput } from './manifest';
import type { ImageTransform, TensorData } from './types';

/** A file path, encoded image bytes, or raw interleaved pixels. */
export type ImageSource = string | Buffer | Uint8Array | RawImage;
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

function isRaw(s: ImageSource): s is RawImage {
  return typeof s === 'object' && !(s instanceof Uint8Array) && 'width' in s;
}

function open(src: ImageSource): Sharp {
  if (isRaw(src)) return sharp(src.data, { raw: { width: src.width, height: src.height, channels: src.channels } });
  return sharp(src as string | Buffer);
}

function describe(src: ImageSource): string {
  return typeof src === 'string' ? src : isRaw(src) ? `raw ${src.width}x${src.height} image` : `${src.length}-byte image`;
}

export async function imageSize(src: ImageSource): Promise<{ width: number; height: number; srgb: boolean }> {
  if (isRaw(src)) return { width: src.width, height: src.height, srgb: src.channels >= 3 };
  try {
    const m = await open(src).metadata();
    if (!m.width || !m.height) throw new Error('no size in header');
    return { width: m.width, height: m.height, srgb: m.space === 'srgb' && (m.channels ?? 0) >= 3 };
  } catch (e) {
    throw new Error(`${describe(src)}: cannot read image: ${(e as Error).message}`);
  }
}

/** Where the image lands in the network input (size and padding), from the manifest's rule. */
export function planResize(width: number, height: number, input: ModelInput): ImageTransform & { resizedWidth: number; resizedHeight: number } {
  const W = input.width, H = input.height;
  let rw: number, rh: number, iw = W, ih = H;
  switch (input.resize) {
    case 'stretch':
      rw = W; rh = H;
      break;
    case 'longest': {
      const r = W / Math.max(width, height);
      rw = Math.round(width * r); rh = Math.round(height * r);
      break;
    }
    case 'dynamic': {
      const r = Math.min(1, W / Math.max(width, height));
      const m = input.multiple;
      rw = Math.max(m, Math.round((width * r) / m) * m);
      rh = Math.max(m, Math.round((height * r) / m) * m);
      iw = rw; ih = rh;
      break;
    }
    default: {
      const r = Math.min(W / width, H / height);
      rw = Math.max(1, Math.round(width * r)); rh = Math.max(1, Math.round(height * r));
    }
  }
  const center = input.pad === 'center' && (input.resize === 'letterbox');
  const padX = center ? Math.floor((iw - rw) / 2) : 0;
  const padY = center ? Math.floor((ih - rh) / 2) : 0;
  return { width, height, inputWidth: iw, inputHeight: ih, scaleX: rw / width, scaleY: rh / height, padX, padY, resizedWidth: rw, resizedHeight: rh };
}

export interface Prepared {
  tensor: TensorData;
  transform: ImageTransform;
}

/**
 * Decode, resize and normalise an image for a model input. A file is read once: its size comes
 * from the JPEG/PNG header in those bytes (imageHeader.ts; sharp's metadata() for other formats)
 * and libvips decodes the same bytes (shrink-on-load for JPEGs) straight to the resized size.
 * `into` is a reused tensor buffer of the input's size (the predictor recycles them), which saves
 * a fresh 2 MB allocation, its page faults and the garbage collections it triggers, per image.
 */
export async function preprocess(src: ImageSource, input: ModelInput, options: { into?: Float32Array } = {}): Promise<Prepared> {
  let bytes: ImageSource = src;
  if (typeof src === 'string') {
    try {
      bytes = await readFile(src);
    } catch (e) {
      throw new Error(`${src}: cannot read image: ${(e as Error).message}`);
    }
  }
  const header = isRaw(bytes) ? null : readImageHeader(bytes as Uint8Array);
  const { width, height, srgb } = header ?? (await imageSize(bytes).catch((e: Error) => { throw new Error(e.message.replace(describe(bytes), describe(src))); }));
  const plan = planResize(width, height, input);
  let raw: Buffer;
  try {
    let img = open(bytes).removeAlpha();
    // a colourspace conversion doubles the cost: only grey, CMYK and the like need one
    if (!srgb) img = img.toColourspace('srgb');
    raw = await img
      .resize(plan.resizedWidth, plan.resizedHeight, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer();
  } catch (e) {
    throw new Error(`${describe(src)}: cannot decode image: ${(e as Error).message}`);
  }
  const channels = raw.length / (plan.resizedWidth * plan.resizedHeight);
  if (channels !== 3) throw new Error(`${describe(src)}: decoded to ${channels} channels, expected 3`);
  const transform = stripPlan(plan);
  return { tensor: packTensor(raw, plan.resizedWidth, plan.resizedHeight, transform, input, options.into), transform };
}

function stripPlan(p: ImageTransform): ImageTransform {
  return { width: p.width, height: p.height, inputWidth: p.inputWidth, inputHeight: p.inputHeight, scaleX: p.scaleX, scaleY: p.scaleY, padX: p.padX, padY: p.padY };
}

/**
 * Interleaved RGB (rw x rh) -> normalised float tensor of the input size, padded. One pass over the
 * pixels writes all three planes (the three-pass version read the RGB buffer three times);
 * `into`, when given and of the right length, is filled instead of a fresh array.
 */
export function packTensor(rgb: Uint8Array, rw: number, rh: number, t: ImageTransform, input: ModelInput, into?: Float32Array): TensorData {
  const W = t.inputWidth, H = t.inputHeight, plane = W * H;
  const out = into && into.length === 3 * plane ? into : new Float32Array(3 * plane);
  const order = input.channelOrder === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  const { scale, mean, std } = input;
  const nchw = input.layout === 'nchw';
  const k = [0, 1, 2].map((c) => scale / std[c]);
  const b = [0, 1, 2].map((c) => -mean[c] / std[c]);
  const pad = [0, 1, 2].map((c) => (input.padValue === 'mean' ? 0 : input.padValue * k[c] + b[c]));
  // padding: a reused buffer holds the previous image, so the whole input is reset first
  if (nchw) for (let c = 0; c < 3; c++) out.fill(pad[c], c * plane, (c + 1) * plane);
  else for (let i = 0; i < out.length; i += 3) { out[i] = pad[0]; out[i + 1] = pad[1]; out[i + 2] = pad[2]; }
  const s0 = order[0], s1 = order[1], s2 = order[2];
  const k0 = k[0], k1 = k[1], k2 = k[2], b0 = b[0], b1 = b[1], b2 = b[2];
  for (let y = 0; y < rh; y++) {
    let si = y * rw * 3;
    const row = (y + t.padY) * W + t.padX;
    if (nchw) {
      for (let di = row, end = row + rw; di < end; di++, si += 3) {
        out[di] = rgb[si + s0] * k0 + b0;
        out[plane + di] = rgb[si + s1] * k1 + b1;
        out[2 * plane + di] = rgb[si + s2] * k2 + b2;
      }
    } else {
      for (let di = row * 3, end = (row + rw) * 3; di < end; di += 3, si += 3) {
        out[di] = rgb[si + s0] * k0 + b0;
        out[di + 1] = rgb[si + s1] * k1 + b1;
        out[di + 2] = rgb[si + s2] * k2 + b2;
      }
    }
  }
  return { type: 'float32', dims: nchw ? [1, 3, H, W] : [1, H, W, 3], data: out };
}

/** Network-input coordinates -> source-image coordinates. */
export function toSource(t: ImageTransform, x: number, y: number): [number, number] {
  return [(x - t.padX) / t.scaleX, (y - t.padY) / t.scaleY];
}
