/**
 * What the LiDAR importers produce: a plain structure the lead's code maps into ItemDocuments.
 * Labels stay class-name strings here; mapping them to ontology label ids happens later.
 */
import type { AnnotationObject, Track } from '../document/schema';

export interface LidarFrame {
  /** Frame index within the item (0 for single-frame items). */
  frame: number;
  /** Source name of the frame, e.g. "000123" (the file stem). */
  name: string;
  /** Untracked objects on this frame. */
  objects: AnnotationObject[];
}

export interface LidarItem {
  frames: LidarFrame[];
  /** Tracked objects (e.g. SUSTechPOINTS obj_id), one keyframe per frame where annotated. */
  tracks: Track[];
}
