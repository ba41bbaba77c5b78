import { describe, expect, it } from 'vitest';
import type { AnnotationObject, Cuboid3D } from '../../document/schema';
import { cuboidInCloud as boxToScene, cuboidInFile as boxFromScene } from '../../lidar/box';
import { objectsToScene, ZERO_OFFSET } from './sceneFrame';

const utm: Cuboid3D = { kind: 'cuboid3d', center: [500_012.25, 5_400_003.5, 101.2], size: [4, 1.8, 1.5], yaw: 0.3 };
const offset = [500_000, 5_400_000, 100] as const;

describe('scene frame', () => {
  it('moves cuboid centres by the cloud offset and back, keeping size and yaw', () => {
    const scene = boxToScene(utm, offset);
    expect(scene.center[0]).toBeCloseTo(12.25, 9);
    expect(scene.center[1]).toBeCloseTo(3.5, 9);
    expect(scene.center[2]).toBeCloseTo(1.2, 9);
    expect(scene.size).toEqual(utm.size);
    expect(scene.yaw).toBe(utm.yaw);
    expect(boxFromScene(scene, offset)).toEqual(utm);
  });

  it('returns the same objects when the offset is zero, and converts only cuboids otherwise', () => {
    const objs = [
      { id: 'a', label: 'car', frame: 0, zOrder: 0, attributes: {}, geometry: utm },
      { id: 'b', label: 'tag', frame: 0, zOrder: 0, attributes: {}, geometry: { kind: 'tag' } },
    ] as unknown as AnnotationObject[];
    expect(objectsToScene(objs, ZERO_OFFSET)).toBe(objs);
    expect(boxToScene(utm, ZERO_OFFSET)).toBe(utm);
    const moved = objectsToScene(objs, offset);
    expect((moved[0].geometry as Cuboid3D).center[0]).toBeCloseTo(12.25, 9);
    expect(moved[1]).toBe(objs[1]);
    expect((objs[0].geometry as Cuboid3D).center[0]).toBe(500_012.25); // input untouched
  });
});
