/**
 * Two coordinate frames meet in the LiDAR editor. Annotations are stored in the cloud file's own
 * coordinates (what exporters, the camera calibration and other tools expect). The parser recentres
 * clouds with large coordinates (UTM, ECEF) by a per-frame `offset` so float32 positions keep their
 * precision, and the scene (points, picking, fitting, sub-views) works in those recentred
 * coordinates. These helpers convert cuboids at that boundary; with a zero offset (KITTI, nuScenes,
 * most sensor frames) they return their input unchanged.
 */
import type { AnnotationObject, Cuboid3D } from '../../core/document/schema';

export type SceneOffset = readonly [number, number, number];

export const ZERO_OFFSET: SceneOffset = [0, 0, 0];

const isZero = (o: SceneOffset) => o[0] === 0 && o[1] === 0 && o[2] === 0;

/** File coordinates -> scene coordinates. */
export function boxToScene(b: Cuboid3D, o: SceneOffset): Cuboid3D {
  return isZero(o) ? b : { ...b, center: [b.center[0] - o[0], b.center[1] - o[1], b.center[2] - o[2]] };
}

/** Scene coordinates -> file coordinates. */
export function boxFromScene(b: Cuboid3D, o: SceneOffset): Cuboid3D {
  return isZero(o) ? b : { ...b, center: [b.center[0] + o[0], b.center[1] + o[1], b.center[2] + o[2]] };
}

/** The same objects with their cuboids in scene coordinates (other geometry kinds untouched). */
export function objectsToScene(objects: AnnotationObject[], o: SceneOffset): AnnotationObject[] {
  if (isZero(o)) return objects;
  return objects.map((obj) => (obj.geometry.kind === 'cuboid3d' ? { ...obj, geometry: boxToScene(obj.geometry, o) } : obj));
}
