import { useEffect, useMemo, useState } from 'react';
import { useThree } from '@react-three/fiber';
import * as THREE from 'three';
import type { AnnotationObject, Cuboid3D } from '../../../../core/document/schema';
import { hexToRgb, VERTS_PER_BOX, writeBoxLines } from '../../../../core/editing/lidar/boxEdit';

/** Every cuboid of the frame as one LineSegments buffer, grown by doubling when needed. */
export function Boxes({ objects, selected, colorOf }: { objects: AnnotationObject[]; selected: string | null; colorOf(label: string): string }) {
  const invalidate = useThree((s) => s.invalidate);
  const [capacity, setCapacity] = useState(64);
  const geometry = useMemo(() => {
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(new Float32Array(capacity * VERTS_PER_BOX * 3), 3));
    g.setAttribute('color', new THREE.BufferAttribute(new Float32Array(capacity * VERTS_PER_BOX * 3), 3));
    return g;
  }, [capacity]);
  useEffect(() => () => geometry.dispose(), [geometry]);
  const scratch = useMemo(() => new Float64Array(24), []);
  useEffect(() => {
    if (objects.length > capacity) {
      setCapacity(Math.max(objects.length, capacity * 2));
      return;
    }
    const pos = geometry.getAttribute('position') as THREE.BufferAttribute;
    const col = geometry.getAttribute('color') as THREE.BufferAttribute;
    let v = 0;
    for (const o of objects) {
      const rgb = o.id === selected ? ([1, 1, 1] as [number, number, number]) : hexToRgb(colorOf(o.label));
      v = writeBoxLines(o.geometry as Cuboid3D, rgb, pos.array as Float32Array, col.array as Float32Array, v, scratch);
    }
    geometry.setDrawRange(0, v);
    pos.needsUpdate = true;
    col.needsUpdate = true;
    geometry.computeBoundingSphere();
    invalidate();
  }, [objects, selected, colorOf, geometry, capacity, scratch, invalidate]);
  return (
    <lineSegments geometry={geometry} frustumCulled={false}>
      <lineBasicMaterial vertexColors />
    </lineSegments>
  );
}

