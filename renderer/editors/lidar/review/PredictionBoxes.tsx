import { useEffect, useMemo, useState } from 'react';
import { useThree } from '@react-three/fiber';
import { Html } from '@react-three/drei';
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
      {objects.map((o) => {
        const g = o.geometry as Cuboid3D;
        const score = o.source.kind === 'human' ? null : o.source.score;
        return (
          <Html key={o.id} position={[g.center[0], g.center[1], g.center[2] + g.size[2] / 2 + 0.3]} center zIndexRange={[20, 0]} style={{ pointerEvents: 'none' }}>
            <span className={o.id === selected ? 'lidar-pred-score sel' : 'lidar-pred-score'} data-testid="prediction-score">
              {score === null ? '' : score.toFixed(2)}
            </span>
          </Html>
        );
      })}
    </>
  );
}
