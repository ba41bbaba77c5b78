/**
 * SAM-family promptable segmentation (SAM / MobileSAM ONNX exports): the image encoder runs once
 * per image (embedding cached), the prompt decoder per click or box with the standard inputs
 * image_embeddings [1,256,64,64], point_coords [1,N,2], point_labels [1,N], mask_input
 * [1,1,256,256], has_mask_input [1], orig_im_size [2]; outputs masks [1,K,H,W] (logits at the
 * original size), iou_predictions [1,K], low_res_masks [1,K,256,256].
 */
import { encodeRle } from '../../../../core/geometry/rle';
import { maskToPolygon } from '../contours';
import type { ModelManifest } from '../manifest';
import { preprocess, type ImageSource } from '../preprocess';
import type { InferenceRuntime } from '../runtime';
import { f32, type ImageTransform, type MaskPrediction, type TensorData, type Tensors } from '../types';

export interface SamPrompt {
  /** Clicks in source pixels; label 1 = foreground, 0 = background. */
  points?: { x: number; y: number; label: 0 | 1 }[];
  /** Box in source pixels [x1, y1, x2, y2]. */
  box?: [number, number, number, number];
}

export interface SamEmbedding {
  embedding: TensorData;
  transform: ImageTransform;
  /** Low-resolution logits of the previous prompt on this image, fed back as mask_input. */
  previous?: Float32Array;
}

/** Decoder feeds for a prompt (pure). Coordinates go to the encoder's resized frame. */
export function samPromptFeeds(prompt: SamPrompt, emb: SamEmbedding, useMaskInput: boolean): Tensors {
  const t = emb.transform;
  const coords: number[] = [];
  const labels: number[] = [];
  for (const p of prompt.points ?? []) {
    coords.push(p.x * t.scaleX + t.padX, p.y * t.scaleY + t.padY);
    labels.push(p.label);
  }
  if (prompt.box) {
    const [x1, y1, x2, y2] = prompt.box;
    coords.push(x1 * t.scaleX + t.padX, y1 * t.scaleY + t.padY, x2 * t.scaleX + t.padX, y2 * t.scaleY + t.padY);
    labels.push(2, 3);
  } else {
    // SAM's ONNX export expects a padding point when there is no box
    coords.push(0, 0);
    labels.push(-1);
  }
  if (labels.length === 0) throw new Error('SAM prompt needs at least one point or a box');
  const n = labels.length;
  const hasMask = useMaskInput && emb.previous !== undefined;
  const embCopy = emb.embedding.data.slice() as Float32Array; // the cached embedding stays usable
  return {
    image_embeddings: { type: 'float32', dims: emb.embedding.dims, data: embCopy },
    point_coords: { type: 'float32', dims: [1, n, 2], data: Float32Array.from(coords) },
    point_labels: { type: 'float32', dims: [1, n], data: Float32Array.from(labels) },
    mask_input: { type: 'float32', dims: [1, 1, 256, 256], data: hasMask ? emb.previous!.slice() : new Float32Array(256 * 256) },
    has_mask_input: { type: 'float32', dims: [1], data: Float32Array.of(hasMask ? 1 : 0) },
    orig_im_size: { type: 'float32', dims: [2], data: Float32Array.of(t.height, t.width) },
  };
}

/** Best mask of the decoder outputs -> mask prediction in source pixels (pure). */
export function samDecode(outputs: Tensors, t: ImageTransform, label = 'object', threshold = 0): { prediction: MaskPrediction; lowRes?: Float32Array } {
  const masks = outputs.masks;
  const m = f32(masks, 'masks');
  const [, k, h, w] = masks.dims;
  if (h !== t.height || w !== t.width) throw new Error(`SAM decoder returned ${w}x${h} masks for a ${t.width}x${t.height} image`);
  const iou = outputs.iou_predictions ? f32(outputs.iou_predictions, 'iou_predictions') : Float32Array.of(1);
  let best = 0;
  for (let i = 1; i < k; i++) if (iou[i] > iou[best]) best = i;
  const plane = h * w;
  const bin = new Uint8Array(plane);
  let x1 = w, y1 = h, x2 = -1, y2 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (m[best * plane + y * w + x] > threshold) {
        bin[y * w + x] = 1;
        if (x < x1) x1 = x;
        if (x > x2) x2 = x;
        if (y < y1) y1 = y;
        if (y > y2) y2 = y;
      }
    }
  }
  const prediction: MaskPrediction = { label, score: iou[best], mask: { size: [h, w], counts: encodeRle(bin, w, h) }, polygon: maskToPolygon(bin, w, h) };
  if (x2 >= 0) prediction.box = [x1, y1, x2 + 1, y2 + 1];
  let lowRes: Float32Array | undefined;
  const lr = outputs.low_res_masks;
  if (lr) {
    const lp = lr.dims[2] * lr.dims[3];
    lowRes = f32(lr, 'low_res_masks').slice(best * lp, (best + 1) * lp);
  }
  return { prediction, lowRes };
}

/** A SAM model bound to a runtime, with an LRU cache of image embeddings. */
export class SamSession {
  private readonly cache = new Map<string, Promise<SamEmbedding>>();
  constructor(
    private readonly runtime: InferenceRuntime,
    private readonly manifest: ModelManifest,
    private readonly encoderId: string,
    private readonly decoderId: string,
    private readonly cacheSize = 4,
  ) {}

  /** Run the encoder for an image once; `key` identifies the image (e.g. its path and mtime). */
  embed(key: string, src: ImageSource, signal?: AbortSignal): Promise<SamEmbedding> {
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const p = (async () => {
      const { tensor, transform } = await preprocess(src, this.manifest.input!);
      const info = await this.runtime.describe(this.encoderId);
      const out = await this.runtime.run(this.encoderId, { [this.manifest.input!.name ?? info.inputs[0].name]: tensor }, { signal });
      const embedding = out.image_embeddings ?? out[info.outputs[0].name];
      return { embedding, transform };
    })();
    this.cache.set(key, p);
    p.catch(() => this.cache.delete(key));
    while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    return p;
  }

  /** Segment with a prompt on an embedded image; `refine` feeds the previous mask back in. */
  async segment(key: string, src: ImageSource, prompt: SamPrompt, options: { refine?: boolean; signal?: AbortSignal } = {}): Promise<MaskPrediction> {
    const emb = await this.embed(key, src, options.signal);
    const feeds = samPromptFeeds(prompt, emb, options.refine ?? false);
    const out = await this.runtime.run(this.decoderId, feeds, { signal: options.signal });
    const { prediction, lowRes } = samDecode(out, emb.transform, this.manifest.classes[0] ?? 'object');
    emb.previous = lowRes;
    return prediction;
  }
}

/** Load a SAM entry's encoder and decoder (`<id>` and `<id>#decoder`) and bind them. */
export async function openSam(runtime: InferenceRuntime, entry: { manifest: ModelManifest; modelPath?: string; decoderPath?: string }, cacheSize = 4): Promise<SamSession> {
  const m = entry.manifest;
  if (m.adapter !== 'sam' || !entry.modelPath || !entry.decoderPath) throw new Error(`${m.id}: not a SAM model with encoder and decoder files`);
  await runtime.load(m.id, entry.modelPath);
  await runtime.load(`${m.id}#decoder`, entry.decoderPath);
  return new SamSession(runtime, m, m.id, `${m.id}#decoder`, cacheSize);
}
