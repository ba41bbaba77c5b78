import { useEffect, useMemo, useRef, useState } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import * as THREE from 'three';
import type { AnnotationObject, Cuboid3D } from '../../../../core/document/schema';
import { hexToRgb, VERTS_PER_BOX, writeBoxLines } from '../../../../core/editing/lidar/boxEdit';

/**
 * Predictions waiting for review (scene coordinates), drawn apart from the reviewed cuboids
 * (scene/Boxes.tsx): one dashed LineSegments buffer (LineDashedMaterial, dashes in metres so they
 * read the same in 3D and in the bird's-eye view) and the score as a small label over each box.
 * Rewritten only when the predictions or the selection change, as Boxes.
 */
export function PredictionBoxes({ objects, selected, colorOf }: { objects: AnnotationObject[]; selected: string | null; colorOf(label: string): string }) {
  const invalidate = useThree((s) => s.invalidate);
  const [capacity, setCapacity] = useState(32);
  const lines = useMemo(() => {
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(new Float32Array(capacity * VERTS_PER_BOX * 3), 3));
    g.setAttribute('color', new THREE.BufferAttribute(new Float32Array(capacity * VERTS_PER_BOX * 3), 3));
    const l = new THREE.LineSegments(g, new THREE.LineDashedMaterial({ vertexColors: true, dashSize: 0.35, gapSize: 0.25 }));
    l.frustumCulled = false;
    return l;
  }, [capacity]);
  useEffect(
    () => () => {
      lines.geometry.dispose();
      (lines.material as THREE.Material).dispose();
    },
    [lines],
  );
  const scratch = useMemo(() => new Float64Array(24), []);
  useEffect(() => {
    if (objects.length > capacity) {
      setCapacity(Math.max(objects.length, capacity * 2));
      return;
    }
    const g = lines.geometry;
    const pos = g.getAttribute('position') as THREE.BufferAttribute;
    const col = g.getAttribute('color') as THREE.BufferAttribute;
    let v = 0;
    for (const o of objects) {
      const rgb = o.id === selected ? ([1, 1, 1] as [number, number, number]) : hexToRgb(colorOf(o.label));
      v = writeBoxLines(o.geometry as Cuboid3D, rgb, pos.array as Float32Array, col.array as Float32Array, v, scratch);
    }
    g.setDrawRange(0, v);
    pos.needsUpdate = true;
    col.needsUpdate = true;
    lines.computeLineDistances(); // the dash pattern follows each segment's length
    g.computeBoundingSphere();
    invalidate();
  }, [objects, selected, colorOf, lines, capacity, scratch, invalidate]);
  return (
    <>
      <primitive object={lines} />
      <ScoreLabels objects={objects} selected={selected} />
    </>
  );
}

/**
 * The score over each prediction: plain DOM labels beside the canvas, made and removed here and
 * moved on every render of the scene (useFrame; the canvas renders on demand, so this costs
 * nothing while the view is still). Not drei's <Html>: removing many of those at once (accept
 * all) threw "removeChild ... not a child of this node" in Chromium.
 */
function ScoreLabels({ objects, selected }: { objects: AnnotationObject[]; selected: string | null }) {
  const gl = useThree((s) => s.gl);
  const invalidate = useThree((s) => s.invalidate);
  const labels = useRef<{ el: HTMLSpanElement; at: THREE.Vector3 }[]>([]);
  useEffect(() => {
    const host = gl.domElement.parentElement;
    if (!host) return;
    const made = objects.map((o) => {
      const g = o.geometry as Cuboid3D;
      const el = document.createElement('span');
      el.className = o.id === selected ? 'lidar-pred-score sel' : 'lidar-pred-score';
      el.dataset.testid = 'prediction-score';
      el.textContent = o.source.kind === 'human' ? '' : o.source.score.toFixed(2);
      host.appendChild(el);
      return { el, at: new THREE.Vector3(g.center[0], g.center[1], g.center[2] + g.size[2] / 2 + 0.3) };
    });
    labels.current = made;
    invalidate();
    return () => {
      for (const l of made) l.el.remove();
      labels.current = [];
    };
  }, [objects, selected, gl, invalidate]);
  const v = useMemo(() => new THREE.Vector3(), []);
  useFrame(({ camera, size }) => {
    for (const l of labels.current) {
      v.copy(l.at).project(camera);
      const hidden = v.z < -1 || v.z > 1 || Math.abs(v.x) > 1.05 || Math.abs(v.y) > 1.05;
      l.el.style.display = hidden ? 'none' : '';
      if (!hidden) l.el.style.transform = `translate(${((v.x + 1) / 2) * size.width}px, ${((1 - v.y) / 2) * size.height}px) translate(-50%, -100%)`;
    }
  });
  return null;
}
