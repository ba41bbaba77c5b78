/**
 * Synthetic LiDAR-like scenes for unit tests: a flat ground sampled on a grid and boxes of which
 * only the faces turned towards the sensor (at the origin) are sampled, as a real scan would; the
 * ground in their shadow is not sampled.
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
      // Ground in a box's shadow is not seen: the line of sight from the sensor (the origin) would
      // pass through the box (fit.ts weighs completions by such lines, freeSpace.ts).
      if (!inside && !boxes.some((b) => segmentHitsBox(x, y, groundZ, b))) pts.push(x + jitter(0.02), y + jitter(0.02), groundZ + jitter(0.03));
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

/** Whether the segment from the origin to (x, y, z) passes through the cuboid (slab test in its frame). */
function segmentHitsBox(x: number, y: number, z: number, b: Cuboid3D): boolean {
  const c = Math.cos(b.yaw), s = Math.sin(b.yaw);
  const o = [(-b.center[0]) * c + (-b.center[1]) * s, -(-b.center[0]) * s + (-b.center[1]) * c, -b.center[2]];
  const p = [(x - b.center[0]) * c + (y - b.center[1]) * s, -(x - b.center[0]) * s + (y - b.center[1]) * c, z - b.center[2]];
  let t0 = 0, t1 = 1;
  for (let k = 0; k < 3; k++) {
    const h = b.size[k] / 2, d = p[k] - o[k];
    if (Math.abs(d) < 1e-12) {
      if (Math.abs(o[k]) > h) return false;
      continue;
    }
    let a = (-h - o[k]) / d, e = (h - o[k]) / d;
    if (a > e) [a, e] = [e, a];
    t0 = Math.max(t0, a);
    t1 = Math.min(t1, e);
    if (t1 <= t0) return false;
  }
  return true;
}
