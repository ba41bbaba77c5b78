/**
 * Two coordinate frames meet in the LiDAR editor. Annotations are stored in the cloud file's own
 * coordinates (what exporters, the camera calibration and other tools expect). The parser recentres
 * clouds with large coordinates (UTM, ECEF) by a per-frame `offset` so float32 positions keep their
 * precision, and the scene (points, picking, fitting, sub-views) works in those recentred
 * coordinates. These helpers convert cuboids at that boundary; with a zero offset (KITTI, nuScenes,
 * most sensor frames) they return their input unchanged. Single cuboids: cuboidInCloud /
 * cuboidInFile in core/lidar/box.ts.
 */
import type { AnnotationObject } from '../../document/schema';
import { cuboidInCloud } from '../../lidar/box';

export type SceneOffset = readonly [number, number, number];

export const ZERO_OFFSET: SceneOffset = [0, 0, 0];

/** The same objects with their cuboids in scene coordinates (other geometry kinds untouched). */
export function objectsToScene(objects: AnnotationObject[], o: SceneOffset): AnnotationObject[] {
  if (o[0] === 0 && o[1] === 0 && o[2] === 0) return objects;
  return objects.map((obj) => (obj.geometry.kind === 'cuboid3d' ? { ...obj, geometry: cuboidInCloud(obj.geometry, o) } : obj));
}
