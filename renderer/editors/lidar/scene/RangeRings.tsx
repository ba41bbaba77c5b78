import { useEffect, useMemo } from 'react';
import { useThree } from '@react-three/fiber';
import * as THREE from 'three';

/**
 * A 10 m grid and range rings every 10 m out to 80 m on the ground plane around the sensor:
 * built once (one LineSegments geometry), so they cost nothing per frame.
 */
export function RangeRings() {
  const invalidate = useThree((st) => st.invalidate);
  const geometry = useMemo(() => {
    const segments = 96;
    const pts: number[] = [];
    for (let r = 10; r <= 80; r += 10) {
      for (let k = 0; k < segments; k++) {
        const a0 = (k / segments) * Math.PI * 2;
        const a1 = ((k + 1) / segments) * Math.PI * 2;
        pts.push(r * Math.cos(a0), r * Math.sin(a0), 0, r * Math.cos(a1), r * Math.sin(a1), 0);
      }
    }
    for (let v = -80; v <= 80; v += 10) pts.push(v, -80, 0, v, 80, 0, -80, v, 0, 80, v, 0);
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.Float32BufferAttribute(pts, 3));
    return g;
  }, []);
  useEffect(() => {
    invalidate();
    return () => geometry.dispose();
  }, [geometry, invalidate]);
  // Slightly below a typical LiDAR's ground level (sensor about 1.7 m up) so points draw over it.
  return (
    <lineSegments geometry={geometry} position={[0, 0, -1.75]}>
      <lineBasicMaterial color="#1f2a36" />
    </lineSegments>
  );
}
