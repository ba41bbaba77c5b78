/**
 * Synthetic LiDAR-like scenes for unit tests: a flat ground sampled on a grid and boxes of which
 * only the faces turned towards the sensor (at the origin) are sampled, as a real scan would.
 */
import type { Cuboid3D } from '../document/schema';

export function syntheticScene(boxes: Cuboid3D[], groundZ = -1.7, extent = 30, step = 0.2): { positions: Float32Array; count: number } {
  const pts: number[] = [];
  // Deterministic jitter so results do not depend on Math.random.
  let seed = 12345;
  const jitter = (a: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return ((seed / 0x7fffffff) * 2 - 1) * a;
  };
  for (let x = -extent; x <= extent; x += step)
    for (let y = -extent; y <= extent; y += step) {
      const inside = boxes.some((b) => {
        const dx = x - b.center[0], dy = y - b.center[1];
        const c = Math.cos(b.yaw), s = Math.sin(b.yaw);
        return Math.abs(dx * c + dy * s) <= b.size[0] / 2 && Math.abs(-dx * s + dy * c) <= b.size[1] / 2;
      });
      if (!inside) pts.push(x + jitter(0.02), y + jitter(0.02), groundZ + jitter(0.03));
    }
  for (const b of boxes) {
    const c = Math.cos(b.yaw), s = Math.sin(b.yaw);
    const [l, w, h] = b.size;
    const bottom = b.center[2] - h / 2;
    // Faces: +-x (local) and +-y (local); keep those whose outward normal faces the sensor.
    const faces: Array<{ n: [number, number]; off: number; span: number; along: [number, number] }> = [
      { n: [c, s], off: l / 2, span: w, along: [-s, c] },
      { n: [-c, -s], off: l / 2, span: w, along: [-s, c] },
      { n: [-s, c], off: w / 2, span: l, along: [c, s] },
      { n: [s, -c], off: w / 2, span: l, along: [c, s] },
    ];
    for (const f of faces) {
      const fx = b.center[0] + f.n[0] * f.off, fy = b.center[1] + f.n[1] * f.off;
      if (f.n[0] * -fx + f.n[1] * -fy <= 0) continue; // turned away from the sensor
      for (let t = -f.span / 2; t <= f.span / 2; t += 0.05)
        for (let z = bottom + 0.3; z <= bottom + h; z += 0.1)
          pts.push(fx + f.along[0] * t + jitter(0.01), fy + f.along[1] * t + jitter(0.01), z);
    }
  }
  return { positions: Float32Array.from(pts), count: pts.length / 3 };
}
