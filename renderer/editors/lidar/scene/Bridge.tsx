import { useEffect } from 'react';
import { useThree } from '@react-three/fiber';
import * as THREE from 'three';
import type { SceneOffset } from '../../../../core/editing/lidar/sceneFrame';
import { exposeTestHook } from '../../../testHooks';

export interface SceneApi {
  camera: THREE.Camera;
  dom: HTMLCanvasElement;
  controls: { enabled: boolean; minPolarAngle: number; maxPolarAngle: number; target: THREE.Vector3; update(): void } | null;
  invalidate(): void;
}

/** Hands the r3f camera, canvas and controls to the DOM-side pointer tools (and to E2E tests). */
export function Bridge({ api, offset }: { api: React.MutableRefObject<SceneApi | null>; offset: SceneOffset }) {
  const camera = useThree((s) => s.camera);
  const gl = useThree((s) => s.gl);
  const controls = useThree((s) => s.controls) as SceneApi['controls'];
  const invalidate = useThree((s) => s.invalidate);
  useEffect(() => {
    api.current = { camera, dom: gl.domElement, controls, invalidate };
    if (controls) {
      controls.maxPolarAngle = Math.PI / 2 - 0.02;
    }
    const v = new THREE.Vector3();
    exposeTestHook('__datumLidar', {
      /** Point in the cloud file's coordinates -> client pixel coordinates of the main canvas. */
      toScreen(x: number, y: number, z: number) {
        camera.updateMatrixWorld();
        v.set(x - offset[0], y - offset[1], z - offset[2]).project(camera);
        const r = gl.domElement.getBoundingClientRect();
        return { x: r.left + ((v.x + 1) / 2) * r.width, y: r.top + ((1 - v.y) / 2) * r.height };
      },
    });
  }, [api, camera, gl, controls, invalidate, offset]);
  return null;
}


const raycaster = new THREE.Raycaster();
const ndc = new THREE.Vector2();

/** The picking ray through a client pixel, in scene coordinates, and the pixel on the canvas. */
export function pointerRay(api: SceneApi, clientX: number, clientY: number): { x: number; y: number; ray: { origin: [number, number, number]; direction: [number, number, number] } } {
  const r = api.dom.getBoundingClientRect();
  ndc.set(((clientX - r.left) / r.width) * 2 - 1, -((clientY - r.top) / r.height) * 2 + 1);
  raycaster.setFromCamera(ndc, api.camera);
  const { origin: o, direction: d } = raycaster.ray;
  return { x: clientX - r.left, y: clientY - r.top, ray: { origin: [o.x, o.y, o.z], direction: [d.x, d.y, d.z] } };
}

/** The camera's view-projection matrix (column-major) and the canvas size, for the lasso. */
export function viewProjection(api: SceneApi): { m: ArrayLike<number>; width: number; height: number } {
  const cam = api.camera as THREE.PerspectiveCamera;
  cam.updateMatrixWorld();
  const r = api.dom.getBoundingClientRect();
  return { m: new THREE.Matrix4().multiplyMatrices(cam.projectionMatrix, cam.matrixWorldInverse).elements, width: r.width, height: r.height };
}
