/**
 * Import presets of the issue #20 detectors: the input settings of each family's standard export
 * (docs/models.md names the export). The input size is the default export's; a graph with a fixed
 * size overrides it at import (importPlan.ts).
 */
import type { ImportManifest } from './library';

type Preset = Omit<ImportManifest, 'classes'> & { classes?: string[] };

export const DETECTOR_PRESETS: Record<string, Preset> = {
  // nanodet-plus-m_416: BGR, mean/std of the config's `normalize`, resized without keeping the ratio (keep_ratio: False)
  nanodet: { task: 'detect2d', adapter: 'nanodet', input: { width: 416, height: 416, channelOrder: 'bgr', resize: 'stretch', mean: [103.53, 116.28, 123.675], std: [57.375, 57.12, 58.395] }, thresholds: { score: 0.35, nms: 0.6 } },
  // FastestDet's ONNX sample: cv2.resize to 352 x 352 (BGR), / 255
  fastestdet: { task: 'detect2d', adapter: 'fastestdet', input: { width: 352, height: 352, channelOrder: 'bgr', resize: 'stretch', scale: 1 / 255 }, thresholds: { score: 0.65, nms: 0.45 } },
  // Yolo-FastestV2's test.py: cv2.resize to 352 x 352 (BGR), / 255
  'yolo-fastestv2': { task: 'detect2d', adapter: 'yolo-fastestv2', input: { width: 352, height: 352, channelOrder: 'bgr', resize: 'stretch', scale: 1 / 255 }, thresholds: { score: 0.3, nms: 0.4 } },
  // OpenCV FaceDetectorYN: BGR 0-255, image at the top left, zero padding
  yunet: { task: 'detect2d', adapter: 'yunet', classes: ['face'], input: { width: 640, height: 640, channelOrder: 'bgr', resize: 'letterbox', pad: 'topleft', padValue: 0 }, thresholds: { score: 0.6, nms: 0.3 } },
  // insightface SCRFD.detect: RGB, (x - 127.5) / 128, image at the top left of a zero 640 x 640 canvas
  scrfd: { task: 'detect2d', adapter: 'scrfd', classes: ['face'], input: { width: 640, height: 640, channelOrder: 'rgb', resize: 'letterbox', pad: 'topleft', padValue: 0, mean: [127.5, 127.5, 127.5], std: [128, 128, 128] }, thresholds: { score: 0.5, nms: 0.4 } },
  // Ultra-Fast-Lane-Detection v1 (culane_18.pth / tusimple_18.pth via torch.onnx.export): 800 x 288 RGB, ImageNet mean/std, resized
  ufld: { task: 'detect2d', adapter: 'ufld', classes: ['lane 1', 'lane 2', 'lane 3', 'lane 4'], input: { width: 800, height: 288, channelOrder: 'rgb', resize: 'stretch', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }, thresholds: { score: 0.5, nms: 0.45 } },
  // LSTR (PINTO model zoo 167_LSTR, lstr_360x640.onnx): 640 x 360 RGB, ImageNet mean/std, resized; input_mask gets zeros
  lstr: { task: 'detect2d', adapter: 'lstr', classes: ['lane'], input: { width: 640, height: 360, channelOrder: 'rgb', resize: 'stretch', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], name: 'input_rgb' }, thresholds: { score: 0.5, nms: 0.45 } },
  // Ultralytics RT-DETR: RGB / 255, resized to 640 x 640 without padding (LetterBox scale_fill)
  rtdetr: { task: 'detect2d', adapter: 'rtdetr', input: { width: 640, height: 640, channelOrder: 'rgb', resize: 'stretch', scale: 1 / 255 }, thresholds: { score: 0.45, nms: 0.45 } },
};
