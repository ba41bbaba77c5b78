/**
 * Image detector adapters added for issue #20 (adapters/detectors2d.ts), kept in their own list so
 * the manifest's adapter enum grows by one spread, not by edits others may also be making.
 */
export const DETECTOR_ADAPTERS = ['nanodet', 'fastestdet', 'yolo-fastestv2', 'yunet', 'scrfd', 'rtdetr'] as const;
