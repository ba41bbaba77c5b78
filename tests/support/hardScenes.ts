/**
 * Synthetic hard LiDAR scenes with exact ground truth, for fit / proposal evaluation where the
 * real samples are too few or too easy: a spinning 64-beam LiDAR (HDL-64E-like vertical angles,
 * 0.17° azimuth step, range noise, dropout, mounted 1.73 m above the road) ray-cast against
 *   - ground: a sloped road with a cross-fall, kerbs up to the pavements, buildings behind them;
 *   - vehicles shaped like vehicles, not cuboids: a lower body with chamfered corners and a
 *     narrower, shorter cabin with slanted windscreen / rear window and tumblehome sides (vans:
 *     a tall body with a short bonnet; trucks: a cab and a taller cargo box; buses: one tall box);
 *   - walls, hedges (porous clusters of spheres whose returns scatter inside the foliage), poles,
 *     trees whose canopies overhang the parked cars.
 * Families (each its own dataset row in the evaluation): parked rows bumper to bumper on both
 * sides of a street (0.4–1.5 m gaps); cars against walls and beside hedges; near (3–8 m) and far
 * (40–70 m) cars and cars hidden behind cars; vans, trucks and buses among cars on a slope.
 * Deterministic (seeded mulberry32), pure math; one scene takes a few hundred ms.
 * The ground-truth cuboid of a vehicle is its full extent: bottom on the road, top at the roof.
 */
import type { Cuboid3D } from '../../core/document/schema';
import { pointsInBox } from '../../core/lidar/box';
import { mulberry32 } from '../../core/random';

export interface HardVehicle {
  box: Cuboid3D;
  label: 'car' | 'van' | 'truck' | 'bus';
  points: number;
}

/** Same shape as vehicleScenes.ts's VehicleScene, so one evaluation serves both. */
export interface HardScene {
  dataset: string;
  frame: string;
  cloud: { positions: Float32Array; count: number };
  vehicles: HardVehicle[];
}

/** LiDAR height above the road under it (KITTI's mount). */
export const SENSOR_HEIGHT = 1.73;

/** HDL-64E: upper block +2° to -8.33° (1/3° steps), lower block -8.83° to -24.33° (1/2° steps). */
export const HDL64_ELEVATIONS_DEG: readonly number[] = [
  ...Array.from({ length: 32 }, (_, i) => 2 - (i * 10.33) / 31),
  ...Array.from({ length: 32 }, (_, i) => -8.83 - i * 0.5),
];

// ---------------------------------------------------------------------------------------------
// Geometry. Solids are convex polytopes (half-spaces n·p <= d in their own frame, placed by a
// yaw and an origin), spheres (hedge foliage, tree canopies) and the ground.

interface Polytope {
  kind: 'poly';
  /** Plane k: planes[4k..4k+3] = nx, ny, nz, d in the solid's frame. */
  planes: Float64Array;
  x: number;
  y: number;
  z: number;
  cos: number;
  sin: number;
  /** Bird's-eye bounding circle (world) for azimuth culling. */
  bx: number;
  by: number;
  br: number;
}

interface Sphere {
  kind: 'sphere';
  x: number;
  y: number;
  z: number;
  r: number;
  /** Foliage: rays pass through with this probability, and hits scatter up to `depth` inside. */
  porosity: number;
  depth: number;
  bx: number;
  by: number;
  br: number;
}

type Solid = Polytope | Sphere;

/** Road: z = z0 + sx·x + sy·y for |y - yc| <= half, pavement `kerb` higher beyond it. */
interface Ground {
  z0: number;
  sx: number;
  sy: number;
  yc: number;
  half: number;
  kerb: number;
}

export function groundZ(g: Ground, x: number, y: number): number {
  return g.z0 + g.sx * x + g.sy * y + (Math.abs(y - g.yc) > g.half ? g.kerb : 0);
}

/** An axis-aligned box in its own frame [x0,x1]×[y0,y1]×[z0,z1] as planes. */
function boxPlanes(x0: number, x1: number, y0: number, y1: number, z0: number, z1: number): number[] {
  return [1, 0, 0, x1, -1, 0, 0, -x0, 0, 1, 0, y1, 0, -1, 0, -y0, 0, 0, 1, z1, 0, 0, -1, -z0];
}

/** Plane through the line (a0 at height z0) – (a1 at height z1) along axis `axis` (0 x, 1 y), sign s: s·a <= ... */
function slantPlane(axis: 0 | 1, s: 1 | -1, a0: number, z0: number, a1: number, z1: number): number[] {
  // Points with s·a <= s·(a0 + (z - z0)·(a1 - a0)/(z1 - z0)) are inside.
  const k = (a1 - a0) / (z1 - z0);
  const n = [0, 0, 0];
  n[axis] = s;
  n[2] = -s * k;
  const d = s * (a0 - z0 * k);
  const len = Math.hypot(n[0], n[1], n[2]);
  return [n[0] / len, n[1] / len, n[2] / len, d / len];
}

/** Vertical plane cutting the (sx·L/2, sy·W/2) corner by `cut` along each axis. */
function chamfer(sx: number, sy: number, hl: number, hw: number, cut: number): number[] {
  const r = Math.SQRT1_2;
  return [sx * r, sy * r, 0, (hl + hw - cut) * r];
}

function poly(planes: number[], x: number, y: number, z: number, yaw: number, radius: number): Polytope {
  return { kind: 'poly', planes: Float64Array.from(planes), x, y, z, cos: Math.cos(yaw), sin: Math.sin(yaw), bx: x, by: y, br: radius };
}

export type VehicleKind = HardVehicle['label'];

interface VehicleSpec {
  kind: VehicleKind;
  length: number;
  width: number;
  height: number;
}

/** Solids of a vehicle standing at (x, y) on the ground, heading `yaw`; origin at its bottom centre. */
function vehicleSolids(v: VehicleSpec, x: number, y: number, z: number, yaw: number, rand: () => number): Solid[] {
  const hl = v.length / 2, hw = v.width / 2, H = v.height;
  const R = Math.hypot(hl, hw);
  const clearance = 0.18;
  if (v.kind === 'car') {
    const belt = H * (0.56 + rand() * 0.06);
    const cut = 0.25 + rand() * 0.15;
    const body = [
      ...boxPlanes(-hl, hl, -hw, hw, clearance, belt),
      chamfer(1, 1, hl, hw, cut), chamfer(1, -1, hl, hw, cut), chamfer(-1, 1, hl, hw, cut), chamfer(-1, -1, hl, hw, cut),
    ].flat();
    // Cabin: windscreen from 0.30 L ahead of the centre (at the belt) back to 0.05 L at the roof,
    // rear window from -0.42 L to -0.28 L (a hatchback's is steep, a saloon's flatter).
    const front0 = hl * (0.45 + rand() * 0.15), front1 = hl * (0.0 + rand() * 0.12);
    const rear0 = -hl * (0.8 + rand() * 0.12), rear1 = -hl * (0.5 + rand() * 0.2);
    const w0 = hw - 0.05, w1 = hw - 0.22;
    const cabin = [
      0, 0, 1, H, 0, 0, -1, -belt,
      ...slantPlane(0, 1, front0, belt, front1, H),
      ...slantPlane(0, -1, rear0, belt, rear1, H),
      ...slantPlane(1, 1, w0, belt, w1, H),
      ...slantPlane(1, -1, -w0, belt, -w1, H),
    ];
    return [poly(body, x, y, z, yaw, R), poly(cabin, x, y, z, yaw, R)];
  }
  if (v.kind === 'van') {
    const bonnet = 0.55 + rand() * 0.3;
    const body = [...boxPlanes(-hl, hl, -hw, hw, clearance, H * 0.5), chamfer(1, 1, hl, hw, 0.2), chamfer(1, -1, hl, hw, 0.2)].flat();
    const upper = [
      ...boxPlanes(-hl, hl, -hw + 0.03, hw - 0.03, H * 0.5, H),
      ...slantPlane(0, 1, hl - bonnet, H * 0.5, hl - bonnet - 0.6, H),
    ];
    return [poly(body, x, y, z, yaw, R), poly(upper, x, y, z, yaw, R)];
  }
  if (v.kind === 'truck') {
    const cabLen = 2.0 + rand() * 0.4, gap = 0.3;
    const cabH = Math.min(H, 2.7 + rand() * 0.3);
    const cab = boxPlanes(hl - cabLen, hl, -hw + 0.05, hw - 0.05, 0.35, cabH);
    const cargo = boxPlanes(-hl, hl - cabLen - gap, -hw, hw, 0.9, H);
    // Wheels/chassis under the cargo box: a low narrow beam the rays under the box can hit.
    const chassis = boxPlanes(-hl + 0.3, hl - cabLen, -hw + 0.3, hw - 0.3, 0.3, 0.9);
    return [poly(cab, x, y, z, yaw, R), poly(cargo, x, y, z, yaw, R), poly(chassis, x, y, z, yaw, R)];
  }
  const bus = [...boxPlanes(-hl, hl, -hw, hw, 0.3, H), chamfer(1, 1, hl, hw, 0.15), chamfer(1, -1, hl, hw, 0.15)].flat();
  return [poly(bus, x, y, z, yaw, R)];
}

function wall(x0: number, y0: number, x1: number, y1: number, thick: number, base: number, height: number): Solid {
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const len = Math.hypot(x1 - x0, y1 - y0);
  const yaw = Math.atan2(y1 - y0, x1 - x0);
  return poly(boxPlanes(-len / 2, len / 2, -thick / 2, thick / 2, 0, height), cx, cy, base, yaw, len / 2 + thick);
}

function sphere(x: number, y: number, z: number, r: number, porosity: number, depth: number): Sphere {
  return { kind: 'sphere', x, y, z, r, porosity, depth, bx: x, by: y, br: r };
}

/** A hedge along a segment: overlapping spheres of irregular radius and height, porous. */
function hedge(g: Ground, x0: number, y0: number, x1: number, y1: number, height: number, rand: () => number): Solid[] {
  const len = Math.hypot(x1 - x0, y1 - y0);
  const out: Solid[] = [];
  // Sphere centres stay within 0.225 m of the line and radii within 0.8 m (0.72 m for the second,
  // lower sphere): the foliage envelope is at most 0.95 m either side.
  for (let t = 0; t <= len; t += 0.35 + rand() * 0.3) {
    const f = t / len;
    const jx = (rand() - 0.5) * 0.25, jy = (rand() - 0.5) * 0.25;
    const x = x0 + (x1 - x0) * f + jx, y = y0 + (y1 - y0) * f + jy;
    const r = 0.45 + rand() * 0.35;
    const top = height * (0.8 + rand() * 0.35);
    out.push(sphere(x, y, groundZ(g, x, y) + Math.max(r, top - r), r, 0.25, 0.35));
    if (rand() < 0.6) out.push(sphere(x + (rand() - 0.5) * 0.2, y + (rand() - 0.5) * 0.2, groundZ(g, x, y) + r * 0.8, r * 0.9, 0.25, 0.35));
  }
  return out;
}

function tree(g: Ground, x: number, y: number, rand: () => number): Solid[] {
  const z = groundZ(g, x, y);
  const trunk = poly(boxPlanes(-0.12, 0.12, -0.12, 0.12, 0, 3.2), x, y, z, rand() * Math.PI, 0.2);
  const r = 1.6 + rand() * 1.2;
  // Canopy bottom 2.6–3 m above the road: lorries pass under street trees.
  return [trunk, sphere(x, y, z + 2.6 + rand() * 0.4 + r, r, 0.4, 0.6)];
}

function pole(g: Ground, x: number, y: number): Solid {
  return poly(boxPlanes(-0.07, 0.07, -0.07, 0.07, 0, 4), x, y, groundZ(g, x, y), 0, 0.1);
}

// ---------------------------------------------------------------------------------------------
// Ray casting.

/** Entry distance of the ray into a polytope, or Infinity (Cyrus–Beck clipping). */
function hitPoly(p: Polytope, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): number {
  // To the solid's frame: rotate by -yaw about its origin.
  const px = ox - p.x, py = oy - p.y, pz = oz - p.z;
  const lx = p.cos * px + p.sin * py, ly = -p.sin * px + p.cos * py;
  const ldx = p.cos * dx + p.sin * dy, ldy = -p.sin * dx + p.cos * dy;
  let tIn = 0, tOut = Infinity;
  const pl = p.planes;
  for (let k = 0; k < pl.length; k += 4) {
    const den = pl[k] * ldx + pl[k + 1] * ldy + pl[k + 2] * dz;
    const num = pl[k + 3] - (pl[k] * lx + pl[k + 1] * ly + pl[k + 2] * pz);
    if (Math.abs(den) < 1e-12) {
      if (num < 0) return Infinity;
      continue;
    }
    const t = num / den;
    if (den < 0) {
      if (t > tIn) tIn = t;
    } else if (t < tOut) tOut = t;
    if (tIn > tOut) return Infinity;
  }
  return tIn > 0.05 ? tIn : Infinity;
}

function hitSphere(s: Sphere, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, rand: () => number): number {
  const px = ox - s.x, py = oy - s.y, pz = oz - s.z;
  const b = px * dx + py * dy + pz * dz;
  const c = px * px + py * py + pz * pz - s.r * s.r;
  const disc = b * b - c;
  if (disc < 0) return Infinity;
  const sq = Math.sqrt(disc);
  const t0 = -b - sq;
  if (t0 <= 0.05) return Infinity;
  if (s.porosity > 0 && rand() < s.porosity) return Infinity; // through a gap in the foliage
  return t0 + rand() * Math.min(s.depth, 2 * sq);
}

function hitGround(g: Ground, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): number {
  let best = Infinity;
  // Road and pavement planes (same slope, the pavement `kerb` higher), each valid on its side.
  for (const lift of [0, g.kerb]) {
    const den = dz - g.sx * dx - g.sy * dy;
    if (den >= -1e-9) continue;
    const t = (g.z0 + lift + g.sx * ox + g.sy * oy - oz) / den;
    if (t <= 0 || t >= best) continue;
    const y = oy + dy * t;
    const onRoad = Math.abs(y - g.yc) <= g.half;
    if ((lift === 0) === onRoad || (g.kerb === 0 && lift === 0)) best = t;
  }
  // Kerb faces.
  if (g.kerb > 0 && Math.abs(dy) > 1e-9)
    for (const side of [-1, 1]) {
      const t = (g.yc + side * g.half - oy) / dy;
      if (t <= 0 || t >= best) continue;
      const x = ox + dx * t, y = oy + dy * t, z = oz + dz * t;
      const road = g.z0 + g.sx * x + g.sy * y;
      if (z >= road && z <= road + g.kerb) best = t;
    }
  return best;
}

export interface ScanOptions {
  elevationsDeg?: readonly number[];
  azimuthStepDeg?: number;
  /** 1-sigma-ish range noise (uniform ±, metres). */
  rangeNoise?: number;
  /** Share of returns dropped at random. */
  dropout?: number;
  maxRange?: number;
}

/** Ray-casts the solids and the ground from the sensor at the origin; points ordered ring by ring. */
function scan(g: Ground, solids: Solid[], rand: () => number, o: ScanOptions = {}): { positions: Float32Array; count: number } {
  const elev = o.elevationsDeg ?? HDL64_ELEVATIONS_DEG;
  const step = ((o.azimuthStepDeg ?? 0.17) * Math.PI) / 180;
  const noise = o.rangeNoise ?? 0.02;
  const dropout = o.dropout ?? 0.06;
  const maxRange = o.maxRange ?? 90;
  const steps = Math.round((2 * Math.PI) / step);
  // Azimuth bins of 1° listing the solids whose bird's-eye circle they may cross.
  const BINS = 360;
  const bins: Solid[][] = Array.from({ length: BINS }, () => []);
  for (const s of solids) {
    const d = Math.hypot(s.bx, s.by);
    if (d <= s.br + 0.01) {
      for (const b of bins) b.push(s);
      continue;
    }
    const a = Math.atan2(s.by, s.bx), half = Math.asin(Math.min(1, s.br / d));
    const b0 = Math.floor(((a - half) * BINS) / (2 * Math.PI)), b1 = Math.floor(((a + half) * BINS) / (2 * Math.PI));
    for (let b = b0; b <= b1; b++) bins[((b % BINS) + BINS) % BINS].push(s);
  }
  const out = new Float32Array(elev.length * steps * 3);
  let n = 0;
  for (const e of elev) {
    const er = (e * Math.PI) / 180, ce = Math.cos(er), dz = Math.sin(er);
    // Each laser has its own small azimuth offset on a real HDL-64; a per-ring phase keeps rings from lining up.
    const phase = rand() * step;
    for (let a = 0; a < steps; a++) {
      const az = a * step + phase;
      const dx = ce * Math.cos(az), dy = ce * Math.sin(az);
      let t = hitGround(g, 0, 0, 0, dx, dy, dz);
      const bin = bins[Math.floor(((az % (2 * Math.PI)) * BINS) / (2 * Math.PI)) % BINS];
      for (const s of bin) {
        const h = s.kind === 'poly' ? hitPoly(s, 0, 0, 0, dx, dy, dz) : hitSphere(s, 0, 0, 0, dx, dy, dz, rand);
        if (h < t) t = h;
      }
      if (t > maxRange || rand() < dropout) continue;
      t += (rand() * 2 - 1) * noise;
      out[n++] = dx * t;
      out[n++] = dy * t;
      out[n++] = dz * t;
    }
  }
  return { positions: out.slice(0, n), count: n / 3 };
}

// ---------------------------------------------------------------------------------------------
// Scene building.

interface Builder {
  g: Ground;
  rand: () => number;
  solids: Solid[];
  vehicles: Array<{ box: Cuboid3D; label: VehicleKind }>;
}

function sizeOf(kind: VehicleKind, rand: () => number): VehicleSpec {
  const u = () => rand();
  if (kind === 'car') return { kind, length: 3.7 + u() * 1.2, width: 1.65 + u() * 0.25, height: 1.4 + u() * 0.25 };
  if (kind === 'van') return { kind, length: 4.8 + u() * 0.8, width: 1.9 + u() * 0.15, height: 1.9 + u() * 0.5 };
  if (kind === 'truck') return { kind, length: 6.5 + u() * 3, width: 2.3 + u() * 0.2, height: 3.0 + u() * 0.5 };
  return { kind, length: 10 + u() * 2.5, width: 2.5 + u() * 0.05, height: 3.0 + u() * 0.3 };
}

function addVehicle(b: Builder, spec: VehicleSpec, x: number, y: number, yaw: number): void {
  const z = groundZ(b.g, x, y);
  b.solids.push(...vehicleSolids(spec, x, y, z, yaw, b.rand));
  b.vehicles.push({ label: spec.kind, box: { kind: 'cuboid3d', center: [x, y, z + spec.height / 2], size: [spec.length, spec.width, spec.height], yaw } });
}

/** True when a circle of radius r at (x, y) clears every placed vehicle and the sensor. */
function free(b: Builder, x: number, y: number, r: number): boolean {
  if (Math.hypot(x, y) < r + 1.5) return false;
  return b.vehicles.every((v) => Math.hypot(v.box.center[0] - x, v.box.center[1] - y) > r + Math.hypot(v.box.size[0], v.box.size[1]) / 2 + 0.3);
}

/** Vehicles bumper to bumper along x at lateral position from `edgeY` (kerb side), from x0 to x1. */
function parkedRow(b: Builder, x0: number, x1: number, edgeY: number, side: 1 | -1, mix: (r: number) => VehicleKind): void {
  let x = x0 + b.rand() * 2;
  while (true) {
    const spec = sizeOf(mix(b.rand()), b.rand);
    if (x + spec.length > x1) break;
    const cx = x + spec.length / 2;
    const y = edgeY - side * (spec.width / 2 + 0.15 + b.rand() * 0.25);
    const yaw = (b.rand() < 0.5 ? 0 : Math.PI) + (b.rand() - 0.5) * 0.08;
    if (Math.hypot(cx, y) > 2.5) addVehicle(b, spec, cx, y, yaw);
    x += spec.length + 0.4 + b.rand() * 1.1; // 0.4–1.5 m gaps
  }
}

function street(seed: number, o: { half: number; kerb: number; sx: number; sy: number }): Builder {
  const rand = mulberry32(seed);
  // The sensor drives in the right lane: road centre 1.75 m to its left.
  const g: Ground = { z0: -SENSOR_HEIGHT + o.sy * 0, sx: o.sx, sy: o.sy, yc: 1.75, half: o.half, kerb: o.kerb };
  g.z0 = -SENSOR_HEIGHT - (Math.abs(g.yc) > g.half ? g.kerb : 0);
  return { g, rand, solids: [], vehicles: [] };
}

function finish(b: Builder, dataset: string, frame: string, scanOptions?: ScanOptions): HardScene {
  const cloud = scan(b.g, b.solids, b.rand, scanOptions);
  return {
    dataset,
    frame,
    cloud,
    vehicles: b.vehicles.map((v) => ({ ...v, points: pointsInBox(cloud.positions, cloud.count, v.box) })),
  };
}

const carsAndSomeVans = (r: number): VehicleKind => (r < 0.85 ? 'car' : 'van');

/** Both sides of a street lined with parked cars bumper to bumper, buildings behind the pavements, trees, traffic. */
export function parkedRowsScene(seed: number): HardScene {
  const rand0 = mulberry32(seed * 7919);
  const half = 5.5 + rand0() * 1.5;
  const b = street(seed, { half, kerb: 0.12 + rand0() * 0.05, sx: (rand0() - 0.5) * 0.08, sy: (rand0() - 0.5) * 0.03 });
  const left = b.g.yc + half, right = b.g.yc - half;
  parkedRow(b, -35, 45, left, 1, carsAndSomeVans);
  parkedRow(b, -35, 45, right, -1, carsAndSomeVans);
  for (const [edge, s] of [[left, 1], [right, -1]] as const) {
    const wy = edge + s * (3 + b.rand() * 2);
    for (let x = -40; x < 50; x += 12 + b.rand() * 8) b.solids.push(wall(x, wy, x + 10 + b.rand() * 6, wy, 0.4, groundZ(b.g, x, wy), 6));
    for (let x = -30 + b.rand() * 8; x < 45; x += 9 + b.rand() * 6) b.solids.push(...tree(b.g, x, edge + s * 1.2, b.rand));
  }
  // Traffic in the lanes, clear of the sensor.
  for (const [x, y, yaw] of [[12 + rand0() * 10, 0, 0], [-14 - rand0() * 8, 0, 0], [6 + rand0() * 20, 3.5, Math.PI]] as const) {
    const spec = sizeOf('car', b.rand);
    if (free(b, x, y, 2.5)) addVehicle(b, spec, x, y, yaw + (b.rand() - 0.5) * 0.06);
  }
  return finish(b, 'synth-parked-rows', `rows-${seed}`);
}

/** Cars parked close to walls (parallel and nose-in) and beside hedges, with poles between. */
export function wallHedgeScene(seed: number): HardScene {
  const rand0 = mulberry32(seed * 104729);
  const half = 6 + rand0();
  const b = street(seed + 1000, { half, kerb: rand0() < 0.5 ? 0 : 0.13, sx: (rand0() - 0.5) * 0.06, sy: (rand0() - 0.5) * 0.03 });
  const left = b.g.yc + half, right = b.g.yc - half;
  // The street ends at a wall across it; cars stand nose-in against it, side by side.
  const wx = 30 + rand0() * 8;
  // Left: a long wall on the road edge, cars 0.15–0.5 m from it.
  b.solids.push(wall(-40, left + 0.2, wx, left + 0.2, 0.4, groundZ(b.g, 0, left) - 0.2, 3 + rand0() * 2));
  let x = -30 + b.rand() * 3;
  while (true) {
    const spec = sizeOf(carsAndSomeVans(b.rand()), b.rand);
    if (x + spec.length > wx - 7) break;
    const cx = x + spec.length / 2, y = left - 0.15 - b.rand() * 0.35 - spec.width / 2;
    addVehicle(b, spec, cx, y, (b.rand() < 0.5 ? 0 : Math.PI) + (b.rand() - 0.5) * 0.06);
    x += spec.length + 1.5 + b.rand() * 5;
  }
  // Right: a hedge along the road edge, cars 0.3–0.8 m from it, poles in some gaps.
  b.solids.push(...hedge(b.g, -40, right - 0.6, wx, right - 0.6, 1.2 + rand0() * 0.8, b.rand));
  x = -30 + b.rand() * 3;
  while (true) {
    const spec = sizeOf('car', b.rand);
    if (x + spec.length > wx - 7) break;
    // The hedge's foliage reaches up to 0.95 m from its centre line (right - 0.6): gap from there.
    const cx = x + spec.length / 2, y = right + 0.35 + 0.3 + b.rand() * 0.5 + spec.width / 2;
    if (Math.hypot(cx, y) > 3) addVehicle(b, spec, cx, y, (b.rand() < 0.5 ? 0 : Math.PI) + (b.rand() - 0.5) * 0.06);
    if (b.rand() < 0.5) b.solids.push(pole(b.g, x + spec.length + 0.8, right + 0.2));
    x += spec.length + 1.6 + b.rand() * 4;
  }
  b.solids.push(wall(wx + 0.2, right - 1, wx + 0.2, left + 1, 0.4, groundZ(b.g, wx, 0), 3));
  for (let y = right + 0.3; ; ) {
    const spec = sizeOf('car', b.rand);
    if (y + spec.width > left - 0.3) break;
    const cx = wx - 0.2 - b.rand() * 0.4 - spec.length / 2;
    addVehicle(b, spec, cx, y + spec.width / 2, (b.rand() - 0.5) * 0.06);
    y += spec.width + 0.6 + b.rand() * 0.6;
  }
  return finish(b, 'synth-wall-hedge', `wall-hedge-${seed}`);
}

/** Open, gently sloping ground: near cars (3–8 m) at any heading, far ones (40–70 m), cars hidden behind cars. */
export function nearFarScene(seed: number): HardScene {
  const rand = mulberry32(seed * 31337);
  const b: Builder = { g: { z0: -SENSOR_HEIGHT, sx: (rand() - 0.5) * 0.05, sy: (rand() - 0.5) * 0.05, yc: 0, half: 1e9, kerb: 0 }, rand, solids: [], vehicles: [] };
  const place = (rMin: number, rMax: number, tries = 40): [number, number] | null => {
    for (let k = 0; k < tries; k++) {
      const r = rMin + rand() * (rMax - rMin), a = rand() * 2 * Math.PI;
      const x = r * Math.cos(a), y = r * Math.sin(a);
      if (free(b, x, y, 2.6)) return [x, y];
    }
    return null;
  };
  for (let k = 0; k < 5; k++) {
    const p = place(3 + 2.2, 8);
    if (p) addVehicle(b, sizeOf('car', rand), p[0], p[1], rand() * 2 * Math.PI);
  }
  for (let k = 0; k < 6; k++) {
    const p = place(40, 70);
    if (p) addVehicle(b, sizeOf(rand() < 0.85 ? 'car' : 'van', rand), p[0], p[1], rand() * 2 * Math.PI);
  }
  // Occluded pairs: a car at 12–25 m and another 5–9 m behind it, offset sideways so part shows.
  for (let k = 0; k < 4; k++) {
    const p = place(12, 25);
    if (!p) continue;
    const r = Math.hypot(p[0], p[1]), ux = p[0] / r, uy = p[1] / r;
    addVehicle(b, sizeOf('car', rand), p[0], p[1], rand() * 2 * Math.PI);
    const back = 5 + rand() * 4, side = (rand() < 0.5 ? -1 : 1) * (1 + rand() * 1.5);
    const qx = p[0] + ux * back - uy * side, qy = p[1] + uy * back + ux * side;
    if (free(b, qx, qy, 2.4)) addVehicle(b, sizeOf('car', rand), qx, qy, rand() * 2 * Math.PI);
  }
  // Mid-range cars at any heading.
  for (let k = 0; k < 5; k++) {
    const p = place(8, 40);
    if (p) addVehicle(b, sizeOf('car', rand), p[0], p[1], rand() * 2 * Math.PI);
  }
  for (let k = 0; k < 6; k++) {
    const p = place(6, 50);
    if (p) b.solids.push(pole(b.g, p[0] + 3, p[1]));
  }
  return finish(b, 'synth-near-far', `near-far-${seed}`);
}

/** Vans, trucks and buses among cars on a sloping street, parked and in traffic. */
export function largeVehiclesScene(seed: number): HardScene {
  const rand0 = mulberry32(seed * 65537);
  const half = 6.5 + rand0();
  const b = street(seed + 2000, { half, kerb: 0.14, sx: (rand0() < 0.5 ? -1 : 1) * (0.03 + rand0() * 0.03), sy: (rand0() - 0.5) * 0.03 });
  const left = b.g.yc + half, right = b.g.yc - half;
  const mix = (r: number): VehicleKind => (r < 0.45 ? 'car' : r < 0.7 ? 'van' : r < 0.9 ? 'truck' : 'bus');
  parkedRow(b, -35, 45, left, 1, mix);
  parkedRow(b, -35, 45, right, -1, mix);
  for (const [edge, s] of [[left, 1], [right, -1]] as const) {
    const wy = edge + s * (3.5 + b.rand() * 2);
    b.solids.push(wall(-40, wy, 50, wy, 0.4, groundZ(b.g, 0, wy), 8));
  }
  for (const [x, y, yaw, kind] of [[14 + rand0() * 8, 0, 0, 'truck'], [-18 - rand0() * 6, 0, 0, 'bus'], [10 + rand0() * 20, 3.5, Math.PI, 'van']] as const) {
    const spec = sizeOf(kind, b.rand);
    if (free(b, x, y, spec.length / 2)) addVehicle(b, spec, x, y, yaw + (b.rand() - 0.5) * 0.04);
  }
  return finish(b, 'synth-large', `large-${seed}`);
}

export const HARD_SCENE_FAMILIES = {
  'synth-parked-rows': parkedRowsScene,
  'synth-wall-hedge': wallHedgeScene,
  'synth-near-far': nearFarScene,
  'synth-large': largeVehiclesScene,
} as const;

/** `perFamily` seeded scenes of every family (seeds 1..perFamily), in a fixed order. */
export function loadHardScenes(perFamily = 3): HardScene[] {
  return Object.values(HARD_SCENE_FAMILIES).flatMap((make) => Array.from({ length: perFamily }, (_, i) => make(i + 1)));
}
