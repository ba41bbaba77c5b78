/**
 * Image detector adapters added for issue #20 (adapters/detectors2d.ts), kept in their own module
 * so the manifest's adapter enum grows by one spread, not by edits others may also be making.
 */
import { z } from 'zod';

export const DETECTOR_ADAPTERS = ['nanodet', 'fastestdet', 'yolo-fastestv2', 'yunet', 'scrfd', 'rtdetr', 'ufld', 'lstr'] as const;

/** Decoding parameters; each adapter documents its defaults (docs/models.md). */
export const DetectorDecode = z.object({
  /** Feature-map strides in output order (NanoDet-Plus: 8, 16, 32, 64; YuNet / SCRFD: 8, 16, 32; YOLO-FastestV2: from the map sizes). */
  strides: z.array(z.number().int().positive()).optional(),
  /** NanoDet: bins per side minus one of the distribution focal loss head (7). */
  regMax: z.number().int().positive().optional(),
  /** YOLO-FastestV2: anchors [w, h] in input pixels, one list per output map. */
  anchors: z.array(z.array(z.tuple([z.number().positive(), z.number().positive()]))).optional(),
  /** Row-anchor lane detectors (ufld): the rows, in input pixels, of the output's row axis (default CULane's 18 or TuSimple's 56, by count). */
  rowAnchors: z.array(z.number()).optional(),
});
export type DetectorDecode = z.infer<typeof DetectorDecode>;
