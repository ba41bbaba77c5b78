/**
 * Model manifest: `manifest.json` beside the ONNX file(s) in a model folder. It says what the model
 * does (task), which adapter owns its pre- and post-processing, how to prepare the input and which
 * classes it predicts.
 */
import { z } from 'zod';
import { checkPillarGrid } from '../../../core/lidar/pillars';
import { DetectorHead, Voxelization } from './manifest3d';
import { DETECTOR_ADAPTERS, DetectorDecode } from './adapters/names';

export const MODEL_TASKS = ['detect2d', 'segment2d', 'promptable-segment', 'text-detect', 'detect3d'] as const;
export const MODEL_ADAPTERS = ['yolox', 'yolov5', 'yolov8', 'ultraface', 'ppocr-det', 'sam', 'proposals3d', 'pointpillars', 'accept2d'] as const;

const triple = z.tuple([z.number(), z.number(), z.number()]);

export const ModelInput = z.object({
  /** Network input size; for dynamic-size models (PP-OCR det) the limit of the longer side. */
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  layout: z.enum(['nchw', 'nhwc']).default('nchw'),
  channelOrder: z.enum(['rgb', 'bgr']).default('rgb'),
  /** value = (pixel * scale - mean[c]) / std[c], pixel in 0..255, channels in channelOrder. */
  scale: z.number().default(1),
  mean: triple.default([0, 0, 0]),
  std: triple.default([1, 1, 1]),
  /**
   * How the image becomes the input: `letterbox` keeps the aspect ratio and pads (`pad: 'topleft'`
   * places the image at the origin like YOLOX, `center` like YOLOv5/v8); `stretch` resizes to the
   * exact size; `longest` scales the longer side to width (SAM); `dynamic` keeps the aspect ratio
   * with the longer side at most `width` and both sides multiples of `multiple` (PP-OCR det).
   */
  resize: z.enum(['letterbox', 'stretch', 'longest', 'dynamic']).default('letterbox'),
  pad: z.enum(['topleft', 'center']).default('center'),
  /** Pad value in pixel units (0..255) before normalisation; 'mean' pads with zeros after it (SAM). */
  padValue: z.union([z.number(), z.literal('mean')]).default(114),
  multiple: z.number().int().positive().default(32),
  /** Input tensor name; the session's first input when omitted. */
  name: z.string().optional(),
});
export type ModelInput = z.infer<typeof ModelInput>;

export const ModelManifest = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9._-]+$/, 'id may contain letters, digits, ".", "_" and "-"'),
    name: z.string().min(1),
    version: z.string().optional(),
    description: z.string().optional(),
    task: z.enum(MODEL_TASKS),
    // the image detectors of issue #20 are listed in adapters/names.ts
    adapter: z.enum([...MODEL_ADAPTERS, ...DETECTOR_ADAPTERS]),
    /** ONNX file relative to the manifest's folder (the encoder for SAM). Absent for built-ins. */
    file: z.string().optional(),
    /** Resolve `file` inside this installed npm package instead of the manifest's folder. */
    package: z.string().optional(),
    /** SAM: the prompt decoder ONNX file, relative like `file`. */
    decoderFile: z.string().optional(),
    input: ModelInput.optional(),
    classes: z.array(z.string()).default([]),
    thresholds: z
      .object({
        score: z.number().min(0).max(1).default(0.3),
        nms: z.number().min(0).max(1).default(0.45),
        /** Per-pixel threshold for masks / DB probability maps. */
        mask: z.number().default(0.5),
        /** PP-OCR DB: unclip ratio. */
        unclip: z.number().positive().default(1.5),
      })
      .prefault({}),
    /** Learned LiDAR detectors (`pointpillars`): points -> pillars, and the head's decoding (manifest3d.ts). */
    voxel: Voxelization.optional(),
    head: DetectorHead.optional(),
    /** Decoding parameters of the detectors in adapters/detectors2d.ts (defaults: their standard exports). */
    decode: DetectorDecode.optional(),
    /** Output tensor names the adapter expects, in order; the session's own when omitted. */
    outputs: z.array(z.string()).optional(),
    license: z.string().optional(),
    source: z.string().optional(),
    /** sha256 of `file` (hex); checked on import and by `verifyModel`. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    builtin: z.boolean().optional(),
    /**
     * A version trained from a project's labels (issue #17, main/services/training): its task,
     * version number and the trainer's parameters (thresholds, class map, size refinement).
     */
    trained: z.object({ task: z.string(), version: z.number().int().positive(), params: z.record(z.string(), z.unknown()).default({}) }).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.adapter !== 'proposals3d' && !m.file) ctx.addIssue({ code: 'custom', path: ['file'], message: `adapter ${m.adapter} needs an ONNX file` });
    // accept2d: a trained acceptance head over another detector's predictions (training/), no image input
    const pointModel = m.adapter === 'proposals3d' || m.adapter === 'pointpillars' || m.adapter === 'accept2d';
    if (!pointModel && !m.input) ctx.addIssue({ code: 'custom', path: ['input'], message: `adapter ${m.adapter} needs input settings` });
    if (m.adapter === 'pointpillars') {
      if (m.task !== 'detect3d') ctx.addIssue({ code: 'custom', path: ['task'], message: 'adapter pointpillars is a detect3d model' });
      if (!m.voxel) ctx.addIssue({ code: 'custom', path: ['voxel'], message: 'adapter pointpillars needs voxel settings (pointCloudRange, voxelSize, ...)' });
      else for (const p of checkPillarGrid({ range: m.voxel.pointCloudRange, voxelSize: m.voxel.voxelSize, maxPointsPerPillar: m.voxel.maxPointsPerVoxel, maxPillars: m.voxel.maxVoxels })) ctx.addIssue({ code: 'custom', path: ['voxel'], message: p });
      if (!m.head) ctx.addIssue({ code: 'custom', path: ['head'], message: 'adapter pointpillars needs head settings (type anchor or center)' });
      if (!m.classes.length) ctx.addIssue({ code: 'custom', path: ['classes'], message: 'adapter pointpillars needs the class names in the head\'s order' });
      if (m.head?.type === 'anchor') m.head.anchors.forEach((a, i) => {
        if (a.class !== undefined && !m.classes.includes(a.class)) ctx.addIssue({ code: 'custom', path: ['head', 'anchors', i, 'class'], message: `${a.class} is not one of the classes` });
      });
    }
    if (m.adapter === 'sam' && !m.decoderFile) ctx.addIssue({ code: 'custom', path: ['decoderFile'], message: 'SAM models need a decoderFile' });
  });
export type ModelManifest = z.infer<typeof ModelManifest>;
export type ModelManifestInput = z.input<typeof ModelManifest>;

/** Parse and validate a manifest; the error names the file and every problem. */
export function parseManifest(json: unknown, fileName = 'manifest.json'): ModelManifest {
  const r = ModelManifest.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${fileName}: invalid model manifest: ${issues}`);
  }
  return r.data;
}
