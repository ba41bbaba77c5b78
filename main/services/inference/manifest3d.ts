/**
 * Manifest settings of learned LiDAR detectors (adapter `pointpillars`): how points become pillars
 * (`voxel`) and how the network's head output becomes boxes (`head`). Field names follow the
 * OpenPCDet / mmdetection3d config keys they come from, so a config can be copied across.
 */
import { z } from 'zod';
import { OPENPCDET_PILLAR_FEATURES, PILLAR_FEATURES, RAW_POINT_FEATURES, type PillarFeature } from '../../../core/lidar/pillars';

const triple = z.tuple([z.number(), z.number(), z.number()]);

export const Voxelization = z.object({
  /**
   * Which export's inputs: `openpcdet` = voxels [V, M, F] with the augmented features,
   * voxel_num, voxel_idxs (CUDA-PointPillars' OpenPCDet export); `mmdeploy` = voxels [V, M, 4] raw
   * points, num_points [V], coors [V, 4] (the graph augments the features itself).
   */
  layout: z.enum(['openpcdet', 'mmdeploy']).default('openpcdet'),
  /** [xmin, ymin, zmin, xmax, ymax, zmax] (POINT_CLOUD_RANGE / point_cloud_range). */
  pointCloudRange: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]),
  /** [vx, vy, vz] (VOXEL_SIZE / voxel_size). */
  voxelSize: triple,
  maxPointsPerVoxel: z.number().int().positive().default(32),
  /** At most this many pillars (MAX_NUMBER_OF_VOXELS test / max_voxels); a fixed V in the export caps it too. */
  maxVoxels: z.number().int().positive().default(40000),
  /** Per-point features in order; default: openpcdet 10 (x y z intensity xc yc zc xp yp zp), mmdeploy 4 (x y z intensity). */
  features: z.array(z.enum(PILLAR_FEATURES)).min(1).optional(),
  /** The cloud's per-point field used as intensity (absent: zeros). */
  intensityField: z.string().default('intensity'),
  /** Intensity is multiplied by this (e.g. 1/255 when the model was trained on 0..1 and the data is 0..255). */
  intensityScale: z.number().positive().default(1),
});
export type Voxelization = z.infer<typeof Voxelization>;

const Nms = z
  .object({
    /** OpenPCDet's KITTI configs suppress across classes (MULTI_CLASSES_NMS: False); default per class. */
    classAgnostic: z.boolean().default(false),
    /** Candidates entering NMS (NMS_PRE_MAXSIZE). */
    preMax: z.number().int().positive().default(4096),
    /** Boxes kept per frame (NMS_POST_MAXSIZE). */
    maxDetections: z.number().int().positive().default(100),
  })
  .prefault({});

export const AnchorSpec = z.object({
  /** The class this anchor was assigned to in training (documentation; decoding scores every class per anchor). */
  class: z.string().optional(),
  /** [length (dx), width (dy), height (dz)] (anchor_sizes). */
  size: triple,
  /** Yaw of each rotated copy (anchor_rotations). */
  rotations: z.array(z.number()).min(1).default([0, 1.57]),
  /** Bottom z of the anchor (anchor_bottom_heights); its centre is bottom + height / 2. */
  bottomHeight: z.number(),
});

export const AnchorHead = z.object({
  type: z.literal('anchor'),
  /** Feature map = grid / stride (OpenPCDet feature_map_stride; PointPillars 2). */
  featureMapStride: z.number().int().positive().default(2),
  /** `nhwc` [1, H, W, A*C] (OpenPCDet AnchorHeadSingle permutes), `nchw` [1, A*C, H, W] (mmdet3d); default by layout. */
  outputLayout: z.enum(['nhwc', 'nchw']).optional(),
  /** Anchor centres at cell centres (true; mmdet3d AlignedAnchor3DRangeGenerator) or spanning min..max (false; OpenPCDet align_center False). */
  alignCenter: z.boolean().default(false),
  /** Anchors per location in the head's order (OpenPCDet ANCHOR_GENERATOR_CONFIG order, rotations inner). */
  anchors: z.array(AnchorSpec).min(1),
  /** Box residuals per anchor (BOX_CODER_CONFIG code_size; 9 with nuScenes velocity, which is not used). */
  boxCodeSize: z.number().int().min(7).default(7),
  /** Direction classifier (DIR_OFFSET, DIR_LIMIT_OFFSET, NUM_DIR_BINS); numDirBins 0 = the model has none. */
  dirOffset: z.number().default(0.78539),
  dirLimitOffset: z.number().default(0),
  numDirBins: z.number().int().min(0).default(2),
  nms: Nms,
});
export type AnchorHead = z.infer<typeof AnchorHead>;

export const CenterHead = z.object({
  type: z.literal('center'),
  featureMapStride: z.number().int().positive().default(2),
  /** Order of the two rotation channels: mmdet3d `sin-cos`, OpenPCDet `cos-sin`. */
  rotOrder: z.enum(['sin-cos', 'cos-sin']).default('sin-cos'),
  /** Heatmap peaks considered per frame (max_num / K). */
  topK: z.number().int().positive().default(500),
  /** `dim` holds log sizes (norm_bbox True / OpenPCDet) or sizes. */
  logDim: z.boolean().default(true),
  nms: Nms,
});
export type CenterHead = z.infer<typeof CenterHead>;

export const DetectorHead = z.discriminatedUnion('type', [AnchorHead, CenterHead]);
export type DetectorHead = z.infer<typeof DetectorHead>;

/** The feature list a voxelization uses (its own, else the layout's default). */
export function voxelFeatures(v: Voxelization): readonly PillarFeature[] {
  return v.features ?? (v.layout === 'mmdeploy' ? RAW_POINT_FEATURES : OPENPCDET_PILLAR_FEATURES);
}
