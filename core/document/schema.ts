/**
 * The annotation document: plain, JSON-serializable records shared by the renderer, the hosts
 * and every import/export format. No DOM, no Node, no three.js here.
 *
 * Coordinates: 2D geometry is in image pixels (origin top-left, x right, y down). 3D geometry is in
 * the sensor (LiDAR) frame of the item, metres, z up; yaw is about +z, counter-clockwise from +x.
 */
import { z } from 'zod';
import { IssueMarker, ItemStatus as ReviewItemStatus, StatusChange } from '../review/schema';

export const DOCUMENT_SCHEMA_VERSION = 1;

const finite = z.number().finite();
const vec3 = z.tuple([finite, finite, finite]);

export const GeometryKind = z.enum([
  'box2d',
  'rotatedBox',
  'polygon',
  'polyline',
  'points',
  'skeleton',
  'mask',
  'cuboid3d',
  'tag',
]);
export type GeometryKind = z.infer<typeof GeometryKind>;

export const Box2D = z.object({ kind: z.literal('box2d'), x1: finite, y1: finite, x2: finite, y2: finite });
/** Centre, size and rotation in radians (clockwise on screen because y points down). */
export const RotatedBox = z.object({
  kind: z.literal('rotatedBox'),
  cx: finite,
  cy: finite,
  w: finite,
  h: finite,
  angle: finite,
});
/** Flat [x0, y0, x1, y1, ...] arrays keep large polygons compact on disk and in memory. */
export const Polygon = z.object({ kind: z.literal('polygon'), points: z.array(finite) });
export const Polyline = z.object({ kind: z.literal('polyline'), points: z.array(finite) });
export const Points = z.object({ kind: z.literal('points'), points: z.array(finite) });
/** Keypoints of a skeleton declared on the label; visibility per COCO: 0 absent, 1 hidden, 2 visible. */
export const Skeleton = z.object({
  kind: z.literal('skeleton'),
  points: z.array(finite),
  visibility: z.array(z.number().int().min(0).max(2)),
});
/**
 * Binary mask as uncompressed COCO RLE: column-major run lengths starting with a run of zeros,
 * for an image of size [height, width].
 */
export const Mask = z.object({
  kind: z.literal('mask'),
  size: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
  counts: z.array(z.number().int().nonnegative()),
});
/** size = [length (along heading), width, height]; center is the box centre (not the bottom). */
export const Cuboid3D = z.object({
  kind: z.literal('cuboid3d'),
  center: vec3,
  size: vec3,
  yaw: finite,
  /** Optional roll and pitch for non-level boxes; yaw above stays authoritative. */
  rollPitch: z.tuple([finite, finite]).optional(),
});
export const Tag = z.object({ kind: z.literal('tag') });

export const Geometry = z.discriminatedUnion('kind', [
  Box2D,
  RotatedBox,
  Polygon,
  Polyline,
  Points,
  Skeleton,
  Mask,
  Cuboid3D,
  Tag,
]);
export type Geometry = z.infer<typeof Geometry>;
export type Box2D = z.infer<typeof Box2D>;
export type Cuboid3D = z.infer<typeof Cuboid3D>;
export type Polygon = z.infer<typeof Polygon>;
export type Mask = z.infer<typeof Mask>;

export const AttributeValue = z.union([z.boolean(), z.number(), z.string()]);
export type AttributeValue = z.infer<typeof AttributeValue>;

export const Source = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('human') }),
  z.object({ kind: z.literal('model'), model: z.string(), score: z.number().min(0).max(1) }),
  /** A model prediction a human has since edited: provenance is kept. */
  z.object({ kind: z.literal('model-edited'), model: z.string(), score: z.number().min(0).max(1) }),
]);
export type Source = z.infer<typeof Source>;

/**
 * One object on one frame (frame 0 for still images). Objects that belong to a track carry
 * trackId; the track's keyframes are the source of truth and per-frame objects of a track are
 * derived (see tracks), so `objects` holds only untracked shapes.
 */
export const AnnotationObject = z.object({
  id: z.string().min(1),
  label: z.string(),
  geometry: Geometry,
  frame: z.number().int().nonnegative().default(0),
  attributes: z.record(z.string(), AttributeValue).default({}),
  source: Source.default({ kind: 'human' }),
  zOrder: z.number().int().default(0),
  hidden: z.boolean().optional(),
  locked: z.boolean().optional(),
  /** A model prediction a reviewer accepted (it stays source: model, with its score). */
  accepted: z.boolean().optional(),
  occluded: z.boolean().optional(),
  /**
   * Objects sharing a group form one logical instance in formats that allow multi-part
   * annotations (a COCO annotation with several polygons plus keypoints, CVAT group_id).
   */
  group: z.string().optional(),
  /** COCO iscrowd: the shape covers a crowd of instances and is ignored by most evaluations. */
  crowd: z.boolean().optional(),
  /**
   * Where an imported object came from, `<format>:<source file or item>#<id in the source>`
   * (main/services/exchange/importPlan.ts). Importing the same source again updates the object
   * with this key instead of adding a copy. Absent on hand-made objects and older documents.
   */
  importKey: z.string().optional(),
  updatedAt: z.number().optional(),
  updatedBy: z.string().optional(),
  createdAt: z.number().optional(),
  createdBy: z.string().optional(),
});
export type AnnotationObject = z.infer<typeof AnnotationObject>;

export const Keyframe = z.object({
  frame: z.number().int().nonnegative(),
  geometry: Geometry,
  /** The object left the view at this frame: interpolation stops here until the next keyframe. */
  outside: z.boolean().default(false),
  occluded: z.boolean().default(false),
  /** Attributes whose scope is 'frame'. */
  attributes: z.record(z.string(), AttributeValue).default({}),
});
export type Keyframe = z.infer<typeof Keyframe>;

export const Track = z.object({
  id: z.string().min(1),
  label: z.string(),
  /** Attributes whose scope is 'track'. */
  attributes: z.record(z.string(), AttributeValue).default({}),
  /** Sorted by frame, one per frame at most. */
  keyframes: z.array(Keyframe).min(1),
  source: Source.default({ kind: 'human' }),
  /** Same meaning as AnnotationObject.group (CVAT group_id on tracks). */
  group: z.string().optional(),
  /**
   * View/edit flags of the whole track (never per keyframe), as on AnnotationObject: drawing order
   * (CVAT z_order), hidden (not drawn, not hit) and locked (not moved, deleted or edited). They
   * reach the per-frame shapes through trackOps.frameObjects. zOrder defaults to 0 so documents
   * written before these fields existed still parse.
   */
  zOrder: z.number().int().default(0),
  hidden: z.boolean().optional(),
  locked: z.boolean().optional(),
  /** Same meaning as AnnotationObject.importKey. */
  importKey: z.string().optional(),
  updatedAt: z.number().optional(),
  updatedBy: z.string().optional(),
  createdAt: z.number().optional(),
  createdBy: z.string().optional(),
});
export type Track = z.infer<typeof Track>;

/**
 * A model prediction a reviewer rejected, or a prediction (pending, accepted or edited) someone
 * deleted: remembered so re-running pre-labelling does not bring it back
 * (core/review/predictions.ts) and so the rejections can feed learning from reviews. `id` is the
 * prediction's object id; geometry is what it was when removed.
 */
export const RejectedPrediction = z.object({
  id: z.string().min(1),
  model: z.string(),
  label: z.string(),
  frame: z.number().int().nonnegative().default(0),
  geometry: Geometry,
  score: z.number().min(0).max(1).optional(),
  /** 'rejected': removed while pending review; 'deleted': removed after it was accepted or edited. */
  reason: z.enum(['rejected', 'deleted']).default('rejected'),
  at: z.number(),
  by: z.string().optional(),
});
export type RejectedPrediction = z.infer<typeof RejectedPrediction>;

/** Defined with the review workflow (core/review); re-exported here as before. */
export const ItemStatus = ReviewItemStatus;
export type ItemStatus = z.infer<typeof ItemStatus>;

/** Per-point semantic labels of one frame: base64 of a little-endian Uint16Array, one per point. */
export const PointLabels = z.object({ frame: z.number().int().nonnegative(), count: z.number().int(), data: z.string() });

/** One JSON document per item under annotations/ in the project folder. */
export const ItemDocument = z.object({
  schemaVersion: z.number().int().positive(),
  itemId: z.string(),
  status: ItemStatus.default('new'),
  assignee: z.string().optional(),
  objects: z.array(AnnotationObject).default([]),
  tracks: z.array(Track).default([]),
  pointLabels: z.array(PointLabels).default([]),
  /**
   * Review (optional, absent = none, so older documents and literals stay valid): status changes
   * with who/when (core/review/workflow.ts) and reviewers' issue markers.
   */
  history: z.array(StatusChange).optional(),
  issues: z.array(IssueMarker).optional(),
  /** Predictions rejected or deleted (absent = none): never re-created by pre-labelling. */
  rejected: z.array(RejectedPrediction).optional(),
  updatedAt: z.number().optional(),
  /**
   * Incremented by the host on every write of the document (absent = 0, never saved). An editor's
   * save names the revision it started from; a different revision on disk is a CONFLICT, and the
   * editor merges (core/document/merge.ts) instead of overwriting someone else's edits.
   */
  revision: z.number().int().nonnegative().optional(),
});
export type ItemDocument = z.infer<typeof ItemDocument>;

export function emptyDocument(itemId: string): ItemDocument {
  return { schemaVersion: DOCUMENT_SCHEMA_VERSION, itemId, status: 'new', objects: [], tracks: [], pointLabels: [] };
}

// ---------------------------------------------------------------- ontology

export const AttributeType = z.enum(['bool', 'enum', 'number', 'text']);
export const AttributeSpec = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  type: AttributeType,
  /** For enum attributes. */
  options: z.array(z.string()).optional(),
  default: AttributeValue.optional(),
  /** 'track': one value for the whole track; 'frame': may change per frame. */
  scope: z.enum(['track', 'frame']).default('track'),
  required: z.boolean().default(false),
});
export type AttributeSpec = z.infer<typeof AttributeSpec>;

export const LabelSpec = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  hotkey: z.string().max(1).optional(),
  kinds: z.array(GeometryKind).default([]),
  attributes: z.array(AttributeSpec).default([]),
  /** Keypoint names and edges (pairs of indices) for 'skeleton' geometry. */
  skeleton: z
    .object({ points: z.array(z.string()), edges: z.array(z.tuple([z.number().int(), z.number().int()])) })
    .optional(),
  /** Grouping name some formats carry (COCO supercategory). */
  supercategory: z.string().optional(),
  /**
   * Numeric class ids this label had in external formats, keyed by format ('coco': category_id,
   * 'yolo': class index), so a re-export keeps the ids other tools and models expect.
   */
  externalIds: z.record(z.string(), z.number().int().nonnegative()).optional(),
});
export type LabelSpec = z.infer<typeof LabelSpec>;

export const Ontology = z.object({ labels: z.array(LabelSpec) });
export type Ontology = z.infer<typeof Ontology>;
