/** Test fixtures: the shared sample data beside the repository and manifests for its models. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ModelEntry } from '../library';
import { parseManifest, type ModelManifestInput } from '../manifest';

/** `../shared/data` beside the repository root (tests skip when it is absent). */
export const DATA = fileURLToPath(new URL('../../../../../shared/data/', import.meta.url));
export const COCO139 = `${DATA}images/coco139/000000000139.jpg`;
export const COCO139_GT = `${DATA}images/coco139/instances_val2017_image139.json`;
export const YOLOX = `${DATA}models/yolox-nano/yolox_nano.onnx`;
export const ULTRAFACE = `${DATA}models/ultraface/version-RFB-320.onnx`;
export const HAVE_YOLOX = existsSync(YOLOX) && existsSync(COCO139);
export const HAVE_ULTRAFACE = existsSync(ULTRAFACE) && existsSync(COCO139);
export const NEEDS_DATA = '(needs ../shared/data beside the repository, skipped when absent)';

export function cocoClasses(): string[] {
  return readFileSync(`${DATA}models/yolox-nano/coco_classes.txt`, 'utf8').split('\n').map((s) => s.trim()).filter(Boolean);
}

export function yoloxManifest(): ModelManifestInput {
  return {
    id: 'yolox-nano',
    name: 'YOLOX nano (COCO)',
    task: 'detect2d',
    adapter: 'yolox',
    file: 'yolox_nano.onnx',
    input: { width: 416, height: 416, channelOrder: 'bgr', resize: 'letterbox', pad: 'topleft', padValue: 114 },
    classes: cocoClasses(),
    thresholds: { score: 0.3, nms: 0.45 },
    license: 'Apache-2.0',
  };
}

export function ultrafaceManifest(): ModelManifestInput {
  return {
    id: 'ultraface-rfb-320',
    name: 'UltraFace RFB 320',
    task: 'detect2d',
    adapter: 'ultraface',
    file: 'version-RFB-320.onnx',
    input: { width: 320, height: 240, channelOrder: 'rgb', resize: 'stretch', mean: [127, 127, 127], std: [128, 128, 128] },
    classes: ['face'],
    thresholds: { score: 0.7, nms: 0.3 },
    license: 'MIT',
  };
}

/** A library entry for a model file that lives outside any model folder. */
export function entry(m: ModelManifestInput, modelPath: string, decoderPath?: string): ModelEntry {
  return { manifest: parseManifest(m), source: 'user', dir: '', manifestPath: '(test)', modelPath, decoderPath };
}
