import { useEffect } from 'react';
import { useThree } from '@react-three/fiber';
import * as THREE from 'three';
import type { Cuboid3D } from '../../../../core/document/schema';
import type { LoadedCloud } from '../../../viewports/pointcloud/loadCloud';
import type { SceneApi } from './Bridge';

/**
 * LiDAR scans keep the driving view. Anything much smaller (a scanned object, an indoor RGB-D
 * cloud), or a cloud away from the scene origin (survey data in map coordinates, whose height is
 * not recentred), is framed once when it loads: camera and orbit target moved to its bounding sphere.
 */
export function FitSmallCloud({ cloud }: { cloud: LoadedCloud }) {
  const { camera, controls, invalidate } = useThree() as unknown as {
    camera: THREE.PerspectiveCamera;
    controls: { target: THREE.Vector3; update(): void } | null;
    invalidate(): void;
  };
  useEffect(() => {
    if (!camera.isPerspectiveCamera) return; // the bird's-eye view frames itself (bevView.ts)
    const sphere = new THREE.Sphere();
    const box = new THREE.Box3();
    const p = cloud.positions;
    const v = new THREE.Vector3();
    const step = Math.max(1, Math.floor(cloud.count / 20000)); // a sample is plenty for framing
    for (let i = 0; i < cloud.count; i += step) {
      v.set(p[i * 3], p[i * 3 + 1], p[i * 3 + 2]);
      if (Number.isFinite(v.x + v.y + v.z)) box.expandByPoint(v);
    }
    if (box.isEmpty()) return;
    box.getBoundingSphere(sphere);
    if (sphere.radius > 25 && sphere.center.length() < sphere.radius) return; // sensor-centred scan
    const r = Math.max(sphere.radius, 1e-3);
    camera.near = r / 200;
    camera.far = r * 200;
    camera.position.set(sphere.center.x - r * 1.6, sphere.center.y - r * 0.4, sphere.center.z + r * 1.1);
    camera.updateProjectionMatrix();
    if (controls) {
      controls.target.copy(sphere.center);
      controls.update();
    }
    invalidate();
  }, [cloud, camera, controls, invalidate]);
  return null;
}


/** F: orbit around a cuboid (scene coordinates), or back to the sensor. */
export function focusOn(api: SceneApi | null, box?: Cuboid3D): void {
  if (!api?.controls) return;
  const [x, y, z] = box?.center ?? [0, 0, 0];
  const cam = api.camera as THREE.PerspectiveCamera;
  const off = box ? [-Math.cos(box.yaw) * 9, -Math.sin(box.yaw) * 9, 7] : [-18, 0, 14];
  api.controls.target.set(x, y, z);
  cam.position.set(x + off[0], y + off[1], z + off[2]);
  api.controls.update();
  api.invalidate();
}
