/**
 * QA configuration: one section per check with an enable flag and its thresholds. Every field has a
 * default, so `QaConfig.parse({})` is the stock configuration and a project file only lists what it
 * changes (`datum qa --config qa.json`, or `qa.json` in the project folder).
 */
import { z } from 'zod';

const range = z.tuple([z.number(), z.number()]);

/** Plausible size range of a class, metres. `long`/`short` are the footprint's sides (sorted). */
export const SizeRange = z.object({ long: range, short: range, height: range });
export type SizeRange = z.infer<typeof SizeRange>;

export const QaConfig = z.object({
  /** Attribute names that carry a track id on per-frame objects (SUSTech obj_id style). */
  trackIdAttributes: z.array(z.string()).default(['trackId', 'track_id', 'obj_id']),
  points: z
    .object({
      enabled: z.boolean().default(true),
      /** A 3D box with fewer points inside is reported (warning). */
      minPoints: z.number().int().nonnegative().default(5),
      /** Boxes farther than this from the sensor (metres, bird's eye) are not checked. */
      maxRange: z.number().positive().default(80),
    })
    .prefault({}),
  /**
   * box-fit (checks/boxFit.ts): boxes likely wrong by their points (re-fit, points cut by a face,
   * seen through, off the ground). Needs the points, like `points`.
   */
  fit: z
    .object({
      enabled: z.boolean().default(true),
      /** 'prelabels': boxes a model made (pending or accepted), what the score is calibrated on; 'all': hand-made boxes too. */
      scope: z.enum(['prelabels', 'all']).default('prelabels'),
      /** A box whose estimated probability of being wrong is at least this is reported (warning). */
      minSuspicion: z.number().min(0).max(1).default(0.5),
      /** Boxes farther than this from the sensor (metres, bird's eye) are not checked. */
      maxRange: z.number().positive().default(80),
    })
    .prefault({}),
  size: z
    .object({
      enabled: z.boolean().default(true),
      /** Extra or replacement priors, keyed by label name (lower case). */
      priors: z.record(z.string(), SizeRange).default({}),
      /** Slack on prior ranges, as a fraction (0.1 = 10 % beyond either end still passes). */
      priorSlack: z.number().nonnegative().default(0.1),
      /** Project statistics: a label needs this many samples (one per track or untracked box). */
      minSamples: z.number().int().positive().default(20),
      /** Outlier when |x - median| > k * 1.4826 * MAD ... */
      k: z.number().positive().default(4),
      /** ... and more than this fraction of the median. */
      minRelative: z.number().nonnegative().default(0.25),
    })
    .prefault({}),
  duplicates: z
    .object({
      enabled: z.boolean().default(true),
      /** box2d IoU at or above which two same-class boxes on a frame are duplicates. */
      iou2d: z.number().min(0).max(1).default(0.7),
      /** Cuboid IoU threshold; metric 'bev' (bird's eye) or '3d'. */
      iou3d: z.number().min(0).max(1).default(0.5),
      metric: z.enum(['bev', '3d']).default('bev'),
    })
    .prefault({}),
  tracks: z
    .object({
      enabled: z.boolean().default(true),
      /** Position jump: step > max(minJump, jumpFactor * median step), per frame of spacing. */
      minJump: z.number().positive().default(2),
      jumpFactor: z.number().positive().default(3),
      /** minJump for 2D shapes, in box diagonals. */
      minJump2d: z.number().positive().default(1),
      /**
       * A shape off the line through its neighbours (constant velocity) by more than this many
       * metres (cuboids) or box diagonals (2D) is a jump too; catches a moved box on a slow track.
       */
      maxResidual: z.number().positive().default(1.2),
      maxResidual2d: z.number().positive().default(0.5),
      /** Yaw change (radians) allowed between consecutive frames, plus maxYawRate per frame of spacing. */
      maxYawJump: z.number().positive().default(0.6),
      maxYawRate: z.number().nonnegative().default(0.15),
      /** Yaw is not checked on boxes shorter than this (pedestrians' heading is ambiguous). */
      yawMinLength: z.number().nonnegative().default(1.5),
      /** A track record keyed on at least this share of its frames is "dense": a frame without a keyframe is a gap. */
      denseShare: z.number().min(0).max(1).default(0.7),
      /** An absence (outside) of at most this many listed frames between two appearances is reported as info. */
      shortAbsence: z.number().int().nonnegative().default(1),
    })
    .prefault({}),
  attributes: z.object({ enabled: z.boolean().default(true) }).prefault({}),
  labels: z.object({ enabled: z.boolean().default(true) }).prefault({}),
  image: z
    .object({
      enabled: z.boolean().default(true),
      /** Pixels a 2D shape may extend beyond the image before it is reported. */
      tolerance: z.number().nonnegative().default(1),
      /** 2D boxes with a side below minSide or an area below minArea (pixels) are tiny. */
      minSide: z.number().nonnegative().default(4),
      minArea: z.number().nonnegative().default(16),
      /** Cuboids with a side below this (metres) are tiny. */
      minSide3d: z.number().nonnegative().default(0.1),
    })
    .prefault({}),
  predictions: z
    .object({
      enabled: z.boolean().default(true),
      /** A prediction at or above this score with no matching label: "possibly missed". */
      minScore: z.number().min(0).max(1).default(0.5),
      /** Predictions at or above this score can support a label. */
      supportScore: z.number().min(0).max(1).default(0.1),
      /** Match thresholds: IoU for box2d, bird's-eye IoU for cuboids. */
      matchIou2d: z.number().min(0).max(1).default(0.5),
      matchIou3d: z.number().min(0).max(1).default(0.3),
    })
    .prefault({}),
});
export type QaConfig = z.infer<typeof QaConfig>;
export type QaConfigInput = z.input<typeof QaConfig>;

export function qaConfig(input: QaConfigInput | QaConfig = {}): QaConfig {
  return QaConfig.parse(input);
}
