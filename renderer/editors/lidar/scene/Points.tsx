import { useEffect, useMemo } from 'react';
import { useThree } from '@react-three/fiber';
import * as THREE from 'three';
import { colorize, type ColorMode } from '../../../viewports/pointcloud/colorize';
import type { LoadedCloud } from '../../../viewports/pointcloud/loadCloud';
import { hexToRgb } from '../../../../core/editing/lidar/boxEdit';

/** The cloud in one BufferGeometry: the colour ramp, point labels, and the selected box's points highlighted. */
export function Points({ cloud, mode, size, pointLabels, labelColors, inside, insideCount, highlight }: { cloud: LoadedCloud; mode: ColorMode; size: number; pointLabels: Uint16Array | null; labelColors: [number, number, number][]; inside: Uint32Array | null; insideCount: number; highlight: string }) {
  const invalidate = useThree((s) => s.invalidate);
  const base = useMemo(() => colorize(cloud.positions, cloud.count, mode, cloud.intensity, cloud.rgb), [cloud, mode]);
  const geometry = useMemo(() => {
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(cloud.positions, 3));
    g.setAttribute('color', new THREE.BufferAttribute(new Float32Array(cloud.count * 3), 3));
    g.computeBoundingSphere();
    return g;
  }, [cloud]);
  useEffect(() => () => geometry.dispose(), [geometry]);
  // Colours: the base ramp, with the points inside the selected cuboid painted in its class colour.
  useEffect(() => {
    const attr = geometry.getAttribute('color') as THREE.BufferAttribute;
    const col = attr.array as Float32Array;
    col.set(base);
    if (pointLabels) {
      for (let i = 0; i < pointLabels.length; i++) {
        const c = pointLabels[i] ? labelColors[pointLabels[i] - 1] : undefined;
        if (!c) continue;
        col[i * 3] = c[0];
        col[i * 3 + 1] = c[1];
        col[i * 3 + 2] = c[2];
      }
    }
    if (inside) {
      const [r, g, b] = hexToRgb(highlight);
      for (let k = 0; k < insideCount; k++) {
        const i = inside[k] * 3;
        col[i] = r;
        col[i + 1] = g;
        col[i + 2] = b;
      }
    }
    attr.needsUpdate = true;
    invalidate();
  }, [geometry, base, pointLabels, labelColors, inside, insideCount, highlight, invalidate]);
  return (
    <points geometry={geometry}>
      <pointsMaterial size={size} sizeAttenuation={false} vertexColors />
    </points>
  );
}

