/**
 * Quality-assurance types. Pure: no DOM, no Node. A check reads normalised items (see collect.ts)
 * and returns findings; runQa (run.ts) wires them together.
 */
import type { AnnotationObject, Track } from '../document/schema';

export type Severity = 'error' | 'warning' | 'info';

export type CheckId =
  | 'too-few-points'
  | 'box-fit'
  | 'size-prior'
  | 'size-stats'
  | 'bad-size'
  | 'duplicate'
  | 'track-duplicate-id'
  | 'track-jump'
  | 'track-yaw-jump'
  | 'track-gap'
  | 'track-short-absence'
  | 'missing-attribute'
  | 'unknown-label'
  | 'outside-image'
  | 'tiny-box'
  | 'possibly-missed'
  | 'unsupported-label'
  /** The item's annotation file cannot be read (corrupt, or written by a newer Datum): not checked. */
  | 'unreadable-document';

export interface Finding {
  check: CheckId;
  severity: Severity;
  /** Item id. */
  item: string;
  /** Frame number, or null for item-level findings. */
  frame: number | null;
  /** Object id or track id, or null. */
  object: string | null;
  message: string;
}

/** A point cloud frame: x, y, z interleaved. `offset` is added back when given (recentred clouds). */
export interface QaPoints {
  positions: Float32Array;
  count: number;
  offset?: readonly [number, number, number];
}

export interface QaItem {
  id: string;
  name: string;
  /** Image size in pixels (2D checks that need the image bounds are skipped without it). */
  width?: number;
  height?: number;
  /**
   * Frames of the item with their untracked objects (or SUSTech-style per-frame objects that carry
   * a track id attribute, see QaConfig.trackIdAttributes). List every frame of a sequence, also
   * empty ones: gaps are judged against this list.
   */
  frames: Array<{ frame: number; objects: AnnotationObject[] }>;
  /** Track records (keyframes); their shapes on each listed frame are derived. */
  tracks?: Track[];
  /** Points of a frame, or null when unavailable. Called at most once per frame. */
  points?: (frame: number) => QaPoints | null;
}

/** One shape on one frame after normalisation (tracks expanded, labels resolved). */
export interface QaObject {
  /** Object id, or the track id for shapes of a track. */
  id: string;
  label: string;
  /** Ontology label name (lower case) used for priors and class comparisons. */
  cls: string;
  frame: number;
  geometry: AnnotationObject['geometry'];
  attributes: Record<string, boolean | number | string>;
  /** Track attributes (scope 'track') for shapes of a track record. */
  trackAttributes?: Record<string, boolean | number | string>;
  source: AnnotationObject['source'];
  /** Track id: Track.id, or the value of a track id attribute. */
  trackId?: string;
  /** From a Track record. */
  fromTrack: boolean;
  /** A keyframe of a track record, or an untracked/per-frame object (always true). */
  keyframe: boolean;
  /** A model prediction (source.kind === 'model'): excluded from label checks. */
  prediction: boolean;
}

export interface QaFrame {
  frame: number;
  objects: QaObject[];
}

export interface RunOptions {
  signal?: AbortSignal;
  progress?: (done: number, total: number) => void;
}
