/**
 * A tiny synthetic driving scene, ray-cast both by a virtual 32-beam LiDAR and by a pinhole
 * camera, so the demo project has point clouds, images and calibration that agree exactly.
 * Deterministic (seeded), pure math, no dependencies.
 */
import { mulberry32 } from '../../../core/random';
export { mulberry32 };

export interface SceneBox {
  trackId: string;
  label: 'car' | 'pedestrian' | 'cyclist';
  center: [number, number, number];
  size: [number, number, number]; // length, width, height
  yaw: number;
  color: [number, number, number];
}

/** LiDAR height above the ground plane, as on KITTI's car. */
export const SENSOR_HEIGHT = 1.73;
const GROUND_Z = -SENSOR_HEIGHT;


/** Objects of frame `f` (10 Hz): two cars driving, one parked, two walking pedestrians, a cyclist. */
export function sceneAt(f: number): SceneBox[] {
  const t = f * 0.1;
  const z = (h: number) => GROUND_Z + h / 2;
  return [
    { trackId: 'car-1', label: 'car', center: [8 + 6 * t, -3.5, z(1.5)], size: [4.2, 1.8, 1.5], yaw: 0, color: [200, 40, 40] },
    { trackId: 'car-2', label: 'car', center: [22 - 8 * t, 3.2, z(1.6)], size: [4.5, 1.9, 1.6], yaw: Math.PI, color: [40, 80, 200] },
    { trackId: 'car-3', label: 'car', center: [14, -8, z(1.45)], size: [4.0, 1.75, 1.45], yaw: 0.35, color: [230, 230, 230] },
    { trackId: 'ped-1', label: 'pedestrian', center: [10, 6 - 1.2 * t, z(1.75)], size: [0.6, 0.6, 1.75], yaw: -Math.PI / 2, color: [240, 170, 40] },
    { trackId: 'ped-2', label: 'pedestrian', center: [6.5, 7 + 0.8 * t, z(1.65)], size: [0.55, 0.6, 1.65], yaw: Math.PI / 2, color: [60, 180, 90] },
    { trackId: 'cyc-1', label: 'cyclist', center: [16 + 3 * t, 6, z(1.7)], size: [1.8, 0.6, 1.7], yaw: 0, color: [150, 60, 200] },
  ];
}

/**
 * Ray-box intersection in the box frame (slab method). Returns the distance and the axis of the
 * face that was hit (0 x, 1 y, 2 z), or null.
 */
function hitBox(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, b: SceneBox): [number, number] | null {
  const c = Math.cos(-b.yaw);
  const s = Math.sin(-b.yaw);
  const px = ox - b.center[0];
  const py = oy - b.center[1];
  const lo = [c * px - s * py, s * px + c * py, oz - b.center[2]];
  const ld = [c * dx - s * dy, s * dx + c * dy, dz];
  let tmin = -Infinity;
  let tmax = Infinity;
  let axis = 0;
  for (let k = 0; k < 3; k++) {
    const half = b.size[k] / 2;
    if (Math.abs(ld[k]) < 1e-12) {
      if (lo[k] < -half || lo[k] > half) return null;
      continue;
    }
    let t1 = (-half - lo[k]) / ld[k];
    let t2 = (half - lo[k]) / ld[k];
    if (t1 > t2) [t1, t2] = [t2, t1];
    if (t1 > tmin) {
      tmin = t1;
      axis = k;
    }
    if (t2 < tmax) tmax = t2;
    if (tmin > tmax) return null;
  }
  return tmin > 0.05 ? [tmin, axis] : null;
}

interface Hit {
  t: number;
  box: SceneBox | null; // null = ground
  axis: number;
}

function castRay(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, boxes: SceneBox[], maxRange: number): Hit | null {
  let best: Hit | null = null;
  if (dz < -1e-6) {
    const t = (GROUND_Z - oz) / dz;
    if (t < maxRange) best = { t, box: null, axis: 2 };
  }
  for (const b of boxes) {
    const h = hitBox(ox, oy, oz, dx, dy, dz, b);
    if (h && h[0] < maxRange && (!best || h[0] < best.t)) best = { t: h[0], box: b, axis: h[1] };
  }
  return best;
}

/** KITTI-style scan: float32 x y z intensity, 32 beams from -24.8 to +2 degrees. */
export function lidarScan(boxes: SceneBox[], seed: number, beams = 32, azimuthSteps = 1200): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(beams * azimuthSteps * 4);
  let n = 0;
  for (let b = 0; b < beams; b++) {
    const elev = ((-24.8 + (26.8 * b) / (beams - 1)) * Math.PI) / 180;
    const ce = Math.cos(elev);
    const dz = Math.sin(elev);
    for (let a = 0; a < azimuthSteps; a++) {
      const az = (2 * Math.PI * a) / azimuthSteps;
      const dx = ce * Math.cos(az);
      const dy = ce * Math.sin(az);
      const hit = castRay(0, 0, 0, dx, dy, dz, boxes, 70);
      if (!hit) continue;
      const t = hit.t + (rand() - 0.5) * 0.03; // ~1.5 cm range noise
      out[n++] = dx * t;
      out[n++] = dy * t;
      out[n++] = dz * t;
      out[n++] = hit.box ? 0.5 + rand() * 0.3 : 0.15 + rand() * 0.1;
    }
  }
  return out.slice(0, n);
}

/** A forward-looking pinhole camera on the LiDAR; row-major 4x4 LiDAR->camera transform. */
export interface VirtualCamera {
  width: number;
  height: number;
  K: [number, number, number, number, number, number, number, number, number];
  lidarToCamera: number[];
}

export function demoCamera(width = 960, height = 540): VirtualCamera {
  const f = width * 0.6;
  // Camera axes: x right = -y_lidar, y down = -z_lidar, z forward = +x_lidar; mounted 0.1 m lower.
  return {
    width,
    height,
    K: [f, 0, width / 2, 0, f, height / 2, 0, 0, 1],
    lidarToCamera: [0, -1, 0, 0, 0, 0, -1, -0.1, 1, 0, 0, 0, 0, 0, 0, 1],
  };
}

/** Ray-trace the camera image: sky, a checkered road and shaded boxes. RGB, row-major. */
export function renderCamera(boxes: SceneBox[], cam: VirtualCamera): Uint8Array {
  const { width: w, height: h, K } = cam;
  const img = new Uint8Array(w * h * 3);
  const [fx, , cx, , fy, cy] = K;
  // Camera centre in LiDAR frame: inverse of the translation (0, -0.1, 0) in camera axes -> z_lidar = -0.1.
  const oz = -0.1;
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) {
      // Pixel ray in camera axes, then to LiDAR axes (x = z_c, y = -x_c, z = -y_c).
      const xc = (u + 0.5 - cx) / fx;
      const yc = (v + 0.5 - cy) / fy;
      let dx = 1;
      let dy = -xc;
      let dz = -yc;
      const len = Math.hypot(dx, dy, dz);
      dx /= len;
      dy /= len;
      dz /= len;
      const hit = castRay(0, 0, oz, dx, dy, dz, boxes, 200);
      const o = (v * w + u) * 3;
      if (!hit) {
        const k = v / h;
        img[o] = 120 + 80 * k;
        img[o + 1] = 170 + 50 * k;
        img[o + 2] = 235;
      } else if (!hit.box) {
        const gx = dx * hit.t;
        const gy = dy * hit.t;
        const lane = Math.abs(Math.abs(gy) - 1.6) < 0.08 && Math.floor(gx / 3) % 2 === 0;
        const checker = (Math.floor(gx / 2) + Math.floor(gy / 2)) & 1;
        const fade = Math.max(0.45, 1 - hit.t / 120);
        const base = lane ? 235 : 95 + checker * 14;
        img[o] = base * fade;
        img[o + 1] = base * fade;
        img[o + 2] = (base + 6) * fade;
      } else {
        const shade = hit.axis === 2 ? 1 : hit.axis === 0 ? 0.8 : 0.62;
        img[o] = hit.box.color[0] * shade;
        img[o + 1] = hit.box.color[1] * shade;
        img[o + 2] = hit.box.color[2] * shade;
      }
    }
  }
  return img;
}

/** Flat-colour still images with squares, circles and triangles, and their exact boxes. */
export interface ShapeInstance {
  label: 'square' | 'circle' | 'triangle';
  box: [number, number, number, number];
}

export function drawShapes(width: number, height: number, seed: number): { rgb: Uint8Array; shapes: ShapeInstance[] } {
  const rand = mulberry32(seed);
  const rgb = new Uint8Array(width * height * 3);
  const bg = [230 + rand() * 20, 225 + rand() * 25, 210 + rand() * 30];
  for (let i = 0; i < width * height; i++) rgb.set(bg, i * 3);
  const shapes: ShapeInstance[] = [];
  const count = 3 + Math.floor(rand() * 4);
  const kinds = ['square', 'circle', 'triangle'] as const;
  for (let s = 0; s < count; s++) {
    const label = kinds[Math.floor(rand() * 3)];
    const size = 40 + rand() * 110;
    const x0 = rand() * (width - size);
    const y0 = rand() * (height - size);
    const color = [rand() * 200, rand() * 200, rand() * 200];
    const inside = (x: number, y: number) => {
      const u = (x - x0) / size;
      const v = (y - y0) / size;
      if (label === 'square') return u >= 0 && u <= 1 && v >= 0 && v <= 1;
      if (label === 'circle') return (u - 0.5) ** 2 + (v - 0.5) ** 2 <= 0.25;
      return v >= 0 && v <= 1 && Math.abs(u - 0.5) <= v / 2; // apex at top centre
    };
    for (let y = Math.floor(y0); y < Math.min(height, y0 + size + 1); y++) {
      for (let x = Math.floor(x0); x < Math.min(width, x0 + size + 1); x++) {
        if (inside(x + 0.5, y + 0.5)) rgb.set(color, (y * width + x) * 3);
      }
    }
    shapes.push({ label, box: [x0, y0, x0 + size, y0 + size] });
  }
  return { rgb, shapes };
}
