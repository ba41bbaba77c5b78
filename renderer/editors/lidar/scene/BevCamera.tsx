import { useLayoutEffect, useMemo } from 'react';
import { useThree } from '@react-three/fiber';
import * as THREE from 'three';
import { cameraPose, zoomFor, type LidarViewState } from '../bevView';

/**
 * The bird's-eye view's orthographic camera, made the scene's default camera while mounted (the
 * perspective camera and its orbit state come back when it unmounts). Straight down over the
 * view's centre; zoom = pixels per metre from the view's range; `up` = north or the heading.
 */
export function BevCamera({ view }: { view: LidarViewState }) {
  const set = useThree((s) => s.set);
  const size = useThree((s) => s.size);
  const invalidate = useThree((s) => s.invalidate);
  const camera = useMemo(() => new THREE.OrthographicCamera(-1, 1, 1, -1, 0.1, 5000), []);
  useLayoutEffect(() => {
    let old: THREE.Camera | null = null;
    set((s) => {
      old = s.camera;
      return { camera: camera as unknown as typeof s.camera };
    });
    return () => {
      if (old) set({ camera: old as never });
    };
  }, [camera, set]);
  useLayoutEffect(() => {
    const pose = cameraPose(view);
    camera.left = -size.width / 2;
    camera.right = size.width / 2;
    camera.top = size.height / 2;
    camera.bottom = -size.height / 2;
    camera.zoom = zoomFor(view.range, size.width, size.height);
    camera.up.set(...pose.up);
    camera.position.set(...pose.position);
    camera.lookAt(view.center[0], view.center[1], 0);
    camera.updateProjectionMatrix();
    camera.updateMatrixWorld();
    invalidate();
  }, [camera, view, size, invalidate]);
  return null;
}
