/**
 * Test helper: a tiny SAM-signature model folder (MobileSAM encoder/decoder input and output
 * names) whose decoder always returns one fixed mask: a rectangle in a width x height image.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { constantModel } from './onnxGraph';

export interface TinySamOptions {
  id?: string;
  width: number;
  height: number;
  /** The mask the decoder returns: [x1, y1, x2, y2) in image pixels. */
  rect: [number, number, number, number];
}

/** Write `<root>/<id>/{manifest.json, encoder.onnx, decoder.onnx}`; returns the folder. */
export function writeTinySam(root: string, o: TinySamOptions): string {
  const id = o.id ?? 'tiny-sam';
  const dir = path.join(root, id);
  mkdirSync(dir, { recursive: true });
  const { width: W, height: H } = o;
  writeFileSync(
    path.join(dir, 'encoder.onnx'),
    constantModel([{ name: 'images', dims: [1, 3, 64, 64] }], [{ name: 'image_embeddings', dims: [1, 8, 4, 4], data: new Float32Array(128).fill(0.5) }]),
  );
  const mask = new Float32Array(W * H).fill(-5);
  const [x1, y1, x2, y2] = o.rect;
  for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) mask[y * W + x] = 5;
  writeFileSync(
    path.join(dir, 'decoder.onnx'),
    constantModel(
      [
        { name: 'image_embeddings', dims: [1, 8, 4, 4] },
        { name: 'point_coords', dims: [1, -1, 2] },
        { name: 'point_labels', dims: [1, -1] },
        { name: 'mask_input', dims: [1, 1, 256, 256] },
        { name: 'has_mask_input', dims: [1] },
        { name: 'orig_im_size', dims: [2] },
      ],
      [
        { name: 'masks', dims: [1, 1, H, W], data: mask },
        { name: 'iou_predictions', dims: [1, 1], data: Float32Array.of(0.93) },
        { name: 'low_res_masks', dims: [1, 1, 256, 256], data: new Float32Array(256 * 256) },
      ],
    ),
  );
  const manifest = {
    id,
    name: 'Tiny SAM (test)',
    task: 'promptable-segment',
    adapter: 'sam',
    file: 'encoder.onnx',
    decoderFile: 'decoder.onnx',
    input: { width: 64, height: 64, resize: 'longest', pad: 'topleft', padValue: 'mean', mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] },
    classes: ['object'],
  };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}
