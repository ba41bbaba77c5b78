/**
 * Free-space evidence for completing a partly seen object. LiDAR returns are not only surfaces:
 * every return also says that the straight line from the sensor to it is empty. A hypothesised
 * box (a completion direction, a heading) that such a line passes through at the height of a
 * vehicle's solid lower body contradicts the data: a car cannot stand where the sensor saw the
 * road or the kerb behind it. Completion (complete.ts) scores its hypotheses by how many returns
 * they contradict and keeps the least contradicted one.
 *
 * Only the solid band of a body counts (0.4–0.95 m above the local ground: bumpers, doors; not
 * the glass above nor the 0.2–0.3 m under the sills, where rays to the road behind a car pass
 * beneath it), and a line must cross at least `minCrossing` of the footprint inside that band, so
 * that grazing an edge (noise, mirrors) does not count.
 */
import { groundHeight, type FrameIndex } from './frameIndex';

/** Returns that may witness free space near one object, gathered once per fit. */
export interface FreeSpaceWitnesses {
  /** x, y, z of the witnesses. */
  xyz: Float32Array;
  count: number;
  /** Sensor position in the frame. */
  sx: number;
  sy: number;
  sz: number;
  /** Ground height near the object (the band is measured from it). */
  ground: number;
  /** Returns each witness stands for (above MAX_WITNESSES only every weight-th is kept). */
  weight: number;
}

/**
 * A near car's wedge holds tens of thousands of returns; every reading is scored against all of
 * them, so above this many an even subsample is kept, each counting for the returns it stands
 * for (near objects have witnesses to spare; the per-click cost stays bounded).
 */
const MAX_WITNESSES = 8000;

const BAND_LO = 0.4;
const BAND_HI = 0.95;

let buffer = new Float32Array(3 * 4096);

/**
 * Gathers the returns whose lines of sight pass within `radius` of (cx, cy): those in the
 * angular wedge the disc subtends, farther than the disc's near edge and within `depth` beyond
 * its far edge. One pass over the cloud (a few multiplications per point), done only when a
 * completion has to choose. The sensor height is the ground under the sensor plus `mountHeight`
 * when the frame's z is not the sensor's (ego frames put z = 0 on the road); a frame whose ground
 * under the sensor lies more than a metre below z = 0 is a sensor frame, z = 0 at the sensor.
 */
export function gatherWitnesses(
  index: FrameIndex, cx: number, cy: number, radius: number, sensor: [number, number], depth = 25, mountHeight = 1.8,
): FreeSpaceWitnesses {
  // One click observes its cluster several times (tighter links, joined parts) at nearly the same
  // place: the last gather is reused when it covers this one (it was gathered REUSE_M wider).
  const l = last;
  if (l && l.index === index && l.count === index.count && l.sensor[0] === sensor[0] && l.sensor[1] === sensor[1] && l.depth === depth && l.mount === mountHeight
    && Math.hypot(cx - l.cx, cy - l.cy) + radius <= l.radius) return l.result;
  radius += REUSE_M;
  const { positions, count } = index;
  const [sx, sy] = sensor;
  const sz = sensorHeight(index, sx, sy, mountHeight);
  const dx = cx - sx, dy = cy - sy;
  const d = Math.hypot(dx, dy) || 1e-6;
  const ux = dx / d, uy = dy / d;
  // Half-angle of the wedge (as a sine) and the range window along the ray.
  const sinHalf = Math.min(1, radius / d);
  const rMin = Math.max(0, d - radius), rMax = d + radius + depth;
  const ground = groundHeight(index, cx, cy);
  const zLo = ground + BAND_LO, zHi = ground + BAND_HI;
  let n = 0;
  for (let i = 0; i < count; i++) {
    const px = positions[i * 3] - sx, py = positions[i * 3 + 1] - sy;
    const along = px * ux + py * uy;
    if (along < rMin || along > rMax) continue;
    const across = -px * uy + py * ux;
    if (Math.abs(across) > sinHalf * along + 0.3) continue;
    // Only the stretch of the line inside the body band can contradict a box: it must reach the
    // object's disc (rays to the road far behind are in the band only near their end; rays to
    // walls and trees above the sensor never are). Same test as freeSpaceViolations', so nothing
    // it would count is dropped; a near car's wedge shrinks from ~10^4 returns to a few hundred.
    const dz = positions[i * 3 + 2] - sz;
    let t0 = 0, t1 = 1;
    if (Math.abs(dz) < 1e-9) {
      if (sz < zLo || sz > zHi) continue;
    } else {
      const a = (zLo - sz) / dz, b = (zHi - sz) / dz;
      t0 = Math.max(0, Math.min(a, b));
      t1 = Math.min(1, Math.max(a, b));
      if (t1 <= t0) continue;
    }
    if (t1 * along < rMin || t0 * along > d + radius) continue;
    if (buffer.length < (n + 1) * 3) {
      const grown = new Float32Array(buffer.length * 2);
      grown.set(buffer);
      buffer = grown;
    }
    buffer[n * 3] = positions[i * 3];
    buffer[n * 3 + 1] = positions[i * 3 + 1];
    buffer[n * 3 + 2] = positions[i * 3 + 2];
    n++;
  }
  let weight = 1;
  if (n > MAX_WITNESSES) {
    weight = Math.ceil(n / MAX_WITNESSES);
    let m = 0;
    for (let k = 0; k < n; k += weight, m++) {
      buffer[m * 3] = buffer[k * 3];
      buffer[m * 3 + 1] = buffer[k * 3 + 1];
      buffer[m * 3 + 2] = buffer[k * 3 + 2];
    }
    n = m;
  }
  const result = { xyz: buffer, count: n, sx, sy, sz, ground, weight };
  last = { index, count: index.count, cx, cy, radius, sensor: [sx, sy], depth, mount: mountHeight, result };
  return result;
}

const REUSE_M = 1;
let last: {
  index: FrameIndex; count: number; cx: number; cy: number; radius: number; sensor: [number, number]; depth: number; mount: number; result: FreeSpaceWitnesses;
} | undefined;

/**
 * Height of the sensor in the frame. The ground map right under the sensor is a guess (no
 * returns there; the ego vehicle's own returns and fills from neighbouring cells), so the road is
 * read on a ring 4–6 m around it, where it is densely sampled (median of 16 cells). A sensor
 * frame (KITTI, SUSTech, nuScenes: z = 0 at the sensor) has that road 1.5–2 m below z = 0; an ego
 * frame (Argoverse 2: z = 0 near the rear axle, a few decimetres up) has it near z = 0, and the
 * sensor is `mountHeight` above it.
 */
export function sensorHeight(index: FrameIndex, sx: number, sy: number, mountHeight = 1.8): number {
  const zs: number[] = [];
  for (let k = 0; k < 16; k++) {
    const a = (k * Math.PI) / 8, r = k % 2 ? 4 : 6;
    zs.push(groundHeight(index, sx + r * Math.cos(a), sy + r * Math.sin(a)));
  }
  zs.sort((a, b) => a - b);
  const road = (zs[7] + zs[8]) / 2;
  return road < -1 ? 0 : road + mountHeight;
}

/**
 * How many witnesses' lines of sight cross the footprint (centre, first-axis angle, extents)
 * through the solid body band over at least `minCrossing` metres before reaching the return. A
 * return inside the footprint counts too: the object's own faces are where lines of sight enter
 * the box, so a box grown towards the sensor, past the face the returns came from, is contradicted
 * by them (a line must cross its near part to reach the face), as a box is over the road that the
 * sensor saw deep inside it.
 */
export function freeSpaceViolations(
  w: FreeSpaceWitnesses, cx: number, cy: number, angle: number, e1: number, e2: number, minCrossing = 0.3,
): number {
  const c = Math.cos(angle), s = Math.sin(angle);
  const h1 = e1 / 2, h2 = e2 / 2;
  // Sensor in the box frame.
  const ox = (w.sx - cx) * c + (w.sy - cy) * s, oy = -(w.sx - cx) * s + (w.sy - cy) * c;
  const zLo = w.ground + BAND_LO, zHi = w.ground + BAND_HI;
  let bad = 0;
  for (let i = 0; i < w.count; i++) {
    const px = w.xyz[i * 3], py = w.xyz[i * 3 + 1], pz = w.xyz[i * 3 + 2];
    const bx = (px - cx) * c + (py - cy) * s, by = -(px - cx) * s + (py - cy) * c;
    // Slab clipping of the segment sensor -> return against the footprint, t in [0, 1].
    const dx = bx - ox, dy = by - oy;
    let t0 = 0, t1 = 1;
    if (Math.abs(dx) < 1e-9) {
      if (Math.abs(ox) > h1) continue;
    } else {
      let a = (-h1 - ox) / dx, b = (h1 - ox) / dx;
      if (a > b) [a, b] = [b, a];
      t0 = Math.max(t0, a);
      t1 = Math.min(t1, b);
    }
    if (Math.abs(dy) < 1e-9) {
      if (Math.abs(oy) > h2) continue;
    } else {
      let a = (-h2 - oy) / dy, b = (h2 - oy) / dy;
      if (a > b) [a, b] = [b, a];
      t0 = Math.max(t0, a);
      t1 = Math.min(t1, b);
    }
    if (t1 <= t0) continue;
    // Part of [t0, t1] where the line's height is inside the band (z is linear in t).
    const dz = pz - w.sz;
    let b0 = t0, b1 = t1;
    if (Math.abs(dz) < 1e-9) {
      if (w.sz < zLo || w.sz > zHi) continue;
    } else {
      let a = (zLo - w.sz) / dz, b = (zHi - w.sz) / dz;
      if (a > b) [a, b] = [b, a];
      b0 = Math.max(b0, a);
      b1 = Math.min(b1, b);
    }
    if (b1 <= b0) continue;
    if ((b1 - b0) * Math.hypot(dx, dy) >= minCrossing) bad++;
  }
  return bad * w.weight;
}
