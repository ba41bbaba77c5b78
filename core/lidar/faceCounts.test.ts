import { describe, expect, it } from 'vitest';
import type { Cuboid3D } from '../document/schema';
import { makeCuboid, pointsInBox } from './box';
import { dragFace, moveLocal, toLocal } from '../editing/lidar/boxEdit';
import { FACE_BACK, FACE_BOTTOM, FACE_FRONT, FACE_LEFT, FACE_RIGHT, faceCounts, faceIndex, snapFaceToPoints } from './faceCounts';
import { HAS_DATA } from '../../tests/support/lidarData';
import { loadVehicleScenes, type VehicleScene } from '../../tests/support/vehicleScenes';

/** The slab just inside face (axis, side) as a box of its own: an independent way to count it. */
function slabBox(b: Cuboid3D, axis: 0 | 1 | 2, side: 1 | -1, slab: number): Cuboid3D {
  const size = [...b.size] as Cuboid3D['size'];
  size[axis] = slab;
  const off = side * (b.size[axis] / 2 - slab / 2);
  return { ...moveLocal(b, axis === 0 ? off : 0, axis === 1 ? off : 0, axis === 2 ? off : 0), size };
}

/** Road, and a car 4.4 x 1.8 x 1.5 m at (10, 0) seen from the origin: rear and right side dense. */
function scene(extra: number[] = []): Float32Array {
  const pts: number[] = [];
  for (let x = 0; x < 20; x += 0.1) for (let y = -4; y < 4; y += 0.1) pts.push(x, y, -1.7);
  for (let z = -1.4; z <= -0.2; z += 0.05) {
    for (let x = 7.8; x <= 12.2; x += 0.05) pts.push(x, -0.9, z);
    for (let y = -0.9; y <= 0.9; y += 0.05) pts.push(7.8, y, z);
  }
  return Float32Array.from([...pts, ...extra]);
}

describe('faceCounts', () => {
  it('counts the slab inside each face; corners count for both faces; an index subset gives the same', () => {
    // 8 corner points, one centre point, one point just inside the front face.
    const b = makeCuboid([0, 0, 0], [4, 2, 2], 0);
    const pts: number[] = [];
    for (const x of [-1.95, 1.95]) for (const y of [-0.95, 0.95]) for (const z of [-0.95, 0.95]) pts.push(x, y, z);
    pts.push(0, 0, 0, 1.9, 0, 0, 3, 0, 0 /* outside */);
    const p = Float32Array.from(pts);
    const c = faceCounts(p, p.length / 3, b, 0.15);
    expect(Array.from(c)).toEqual([5, 4, 4, 4, 4, 4]);
    const idx = Uint32Array.from([8, 9, 10]);
    expect(Array.from(faceCounts(p, p.length / 3, b, 0.15, undefined, idx, 2))).toEqual([1, 0, 0, 0, 0, 0]);
  });

  it('follows the yaw: the same car turned 90° has its counts on the same faces', () => {
    const p = scene();
    // 2 cm larger than the car's surfaces, so no point sits on a face (float rounding would decide it).
    const car = makeCuboid([10, 0, -0.8], [4.44, 1.84, 1.5], 0);
    const a = faceCounts(p, p.length / 3, car);
    // Rotate every point 90° about the car's centre, and the box with them.
    const q = new Float32Array(p.length);
    for (let i = 0; i < p.length; i += 3) {
      q[i] = 10 - (p[i + 1] - 0);
      q[i + 1] = 0 + (p[i] - 10);
      q[i + 2] = p[i + 2];
    }
    const b = faceCounts(q, q.length / 3, { ...car, yaw: Math.PI / 2 });
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(a[FACE_BACK]).toBeGreaterThan(500); // the rear the sensor sees
    expect(a[FACE_RIGHT]).toBeGreaterThan(500);
    // The occluded front and left only get the ends of the walls the sensor sees.
    expect(a[FACE_FRONT]).toBeLessThan(a[FACE_BACK] / 5);
    expect(a[FACE_LEFT]).toBeLessThan(a[FACE_RIGHT] / 5);
    // The box's bottom is 0.15 m above the road (-1.7): lowered onto it, its bottom slab fills with road.
    const lowered = faceCounts(p, p.length / 3, { ...car, center: [10, 0, -0.9], size: [4.44, 1.84, 1.7] });
    expect(lowered[FACE_BOTTOM]).toBeGreaterThan(a[FACE_BOTTOM] + 500);
  });

  it.skipIf(!HAS_DATA)('on every labelled car of the KITTI tracking drive equals six slab boxes counted by pointsInBox (n >= 30)', () => {
    let n = 0, sensorSide = 0;
    for (const s of tracking()) {
      const out = new Uint32Array(6);
      for (const v of s.vehicles) {
        if (v.points < 20) continue;
        n++;
        faceCounts(s.cloud.positions, s.cloud.count, v.box, 0.15, out);
        for (const axis of [0, 1, 2] as const) {
          for (const side of [1, -1] as const) {
            expect(out[faceIndex(axis, side)]).toBe(pointsInBox(s.cloud.positions, s.cloud.count, slabBox(v.box, axis, side, 0.15)));
          }
        }
        // The long side facing the sensor (at the origin) is the one seen.
        const toSensor = toLocal(v.box, 0, 0, v.box.center[2]);
        const [near, far] = toSensor[1] > 0 ? [FACE_LEFT, FACE_RIGHT] : [FACE_RIGHT, FACE_LEFT];
        if (out[near] > out[far]) sensorSide++;
      }
    }
    console.log(`[faceCounts] KITTI tracking 0001: n=${n} cars; the side facing the sensor has more points in ${sensorSide}/${n}`);
    expect(n).toBeGreaterThanOrEqual(30);
    expect(sensorSide / n).toBeGreaterThan(0.8);
  });
});

let scenes: VehicleScene[] | null = null;
function tracking(): VehicleScene[] {
  scenes ??= loadVehicleScenes().filter((x) => x.dataset === 'kitti-tracking-0001');
  return scenes;
}

describe('snapFaceToPoints', () => {
  const car = makeCuboid([10, 0, -0.8], [4.4, 1.8, 1.5], 0);
  it('moves a face pushed out (or in) onto the outermost points: rear, right side, top; the bottom onto the ground', () => {
    const p = scene();
    const n = p.length / 3;
    const wide = dragFace(car, 0, -1, -2.6); // rear 0.4 m too far back
    expect(snapFaceToPoints(p, wide, 0, -1, null, n)! - toLocal(wide, 7.8, 0, 0)[0]).toBeCloseTo(0, 2);
    const narrow = dragFace(car, 1, -1, -0.6); // right side 0.3 m inside the car
    expect(snapFaceToPoints(p, narrow, 1, -1, null, n)!).toBeCloseTo(toLocal(narrow, 10, -0.9, 0)[1], 2);
    const top = snapFaceToPoints(p, car, 2, 1, null, n)!;
    expect(top + car.center[2]).toBeCloseTo(-0.2, 1);
    expect(snapFaceToPoints(p, car, 2, -1, null, n)! + car.center[2]).toBeCloseTo(-1.7, 2);
  });

  it('is not pulled by a stray point, a neighbour 0.5 m away or the ground', () => {
    const stray = [7.4, 0, -0.8];
    const neighbour: number[] = [];
    for (let z = -1.4; z <= -0.2; z += 0.05) for (let x = 8; x <= 12; x += 0.05) neighbour.push(x, -1.4, z);
    const p = scene([...stray, ...neighbour]);
    const n = p.length / 3;
    const back = dragFace(car, 0, -1, -2.5);
    expect(snapFaceToPoints(p, back, 0, -1, null, n)! + back.center[0]).toBeCloseTo(7.8, 2);
    const right = dragFace(car, 1, -1, -1.3);
    expect(snapFaceToPoints(p, right, 1, -1, null, n)! + right.center[1]).toBeCloseTo(-0.9, 2);
  });

  it('gives null with too few points', () => {
    const p = Float32Array.from([10, 0, -0.8, 10.1, 0, -0.8]);
    expect(snapFaceToPoints(p, car, 0, 1, null, 2)).toBeNull();
  });

  it.skipIf(!HAS_DATA)('KITTI tracking drive: the sensor-facing long side, pushed 0.3 m out, snaps back near the labelled face (n >= 30)', () => {
    const errs: number[] = [];
    for (const s of tracking()) {
      for (const v of s.vehicles) {
        if (v.points < 50) continue;
        const toSensor = toLocal(v.box, 0, 0, v.box.center[2]);
        const side = toSensor[1] > 0 ? 1 : -1;
        const gtFace = (side * v.box.size[1]) / 2;
        const pushed = dragFace(v.box, 1, side, gtFace + side * 0.3);
        const to = snapFaceToPoints(s.cloud.positions, pushed, 1, side, null, s.cloud.count);
        // Back in the labelled box's frame (dragFace moved the centre).
        const snapped = to === null ? Infinity : toLocal(v.box, ...faceWorldPoint(pushed, 1, to))[1];
        errs.push(Math.abs(snapped - gtFace));
      }
    }
    errs.sort((a, b) => a - b);
    const within = errs.filter((e) => e <= 0.1).length;
    console.log(`[snapFace] KITTI tracking 0001: n=${errs.length} cars; |snapped - label| median ${errs[errs.length >> 1].toFixed(3)} m, <= 0.10 m: ${within}/${errs.length}`);
    expect(errs.length).toBeGreaterThanOrEqual(30);
    expect(errs[errs.length >> 1]).toBeLessThan(0.1);
  });
});

/** A world point on face coordinate `to` along `axis` of `b` (at the box's centre on the other axes). */
function faceWorldPoint(b: Cuboid3D, axis: 0 | 1 | 2, to: number): [number, number, number] {
  const m = moveLocal(b, axis === 0 ? to : 0, axis === 1 ? to : 0, axis === 2 ? to : 0);
  return m.center;
}
