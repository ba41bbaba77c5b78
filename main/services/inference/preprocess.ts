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

/** Decode, resize and normalise an image for a model input. */
export async function preprocess(src: ImageSource, input: ModelInput): Promise<Prepared> {
  const { width, height, srgb } = await imageSize(src);
  const plan = planResize(width, height, input);
  let raw: Buffer;
  try {
    let img = open(src).removeAlpha();
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
  return { tensor: packTensor(raw, plan.resizedWidth, plan.resizedHeight, transform, input), transform };
}

function stripPlan(p: ImageTransform): ImageTransform {
  return { width: p.width, height: p.height, inputWidth: p.inputWidth, inputHeight: p.inputHeight, scaleX: p.scaleX, scaleY: p.scaleY, padX: p.padX, padY: p.padY };
}

/** Interleaved RGB (rw x rh) -> normalised float tensor of the input size, padded. */
export function packTensor(rgb: Uint8Array, rw: number, rh: number, t: ImageTransform, input: ModelInput): TensorData {
  const W = t.inputWidth, H = t.inputHeight, plane = W * H;
  const out = new Float32Array(3 * plane);
  const order = input.channelOrder === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  const { scale, mean, std } = input;
  const nchw = input.layout === 'nchw';
  for (let c = 0; c < 3; c++) {
    const src = order[c];
    const k = scale / std[c], b = -mean[c] / std[c];
    const pad = input.padValue === 'mean' ? 0 : input.padValue * k + b;
    if (pad !== 0) {
      if (nchw) out.fill(pad, c * plane, (c + 1) * plane);
      else for (let i = c; i < out.length; i += 3) out[i] = pad;
    }
    for (let y = 0; y < rh; y++) {
      let si = y * rw * 3 + src;
      const row = (y + t.padY) * W + t.padX;
      if (nchw) {
        let di = c * plane + row;
        for (let x = 0; x < rw; x++, si += 3) out[di++] = rgb[si] * k + b;
      } else {
        let di = row * 3 + c;
        for (let x = 0; x < rw; x++, si += 3, di += 3) out[di] = rgb[si] * k + b;
      }
    }
  }
  return { type: 'float32', dims: nchw ? [1, 3, H, W] : [1, H, W, 3], data: out };
}

/** Network-input coordinates -> source-image coordinates. */
export function toSource(t: ImageTransform, x: number, y: number): [number, number] {
  return [(x - t.padX) / t.scaleX, (y - t.padY) / t.scaleY];
}
