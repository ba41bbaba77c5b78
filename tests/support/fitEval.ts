/**
 * Fit and proposal quality on every labelled vehicle in ../shared/data (vehicleScenes.ts), per
 * dataset with n: one-click fit (with the size prior of the vehicle's class, as the UI passes the
 * active class's prior, or the car prior for all: PriorMode) from a click at the true centre and from clicks on the vehicle's
 * own points (first, middle and last point inside its box), BEV IoU >= 0.7; proposals matching a
 * vehicle within 40 m at BEV IoU >= 0.5. Used by tests/tools/fit-eval.ts and the LiDAR bench.
 */
import { fitBoxAtClick, fitBoxInRegion } from '../../core/lidar/fit';
import { buildFrameIndex } from '../../core/lidar/frameIndex';
import { bevIoU } from '../../core/lidar/iou';
import { proposeBoxes } from '../../core/lidar/propose';
import { CLASS_PRIORS, sizePriorFor } from '../../core/lidar/sizePrior';
import type { Cuboid3D } from '../../core/document/schema';
import { loadVehicleScenes, type VehicleScene } from './vehicleScenes';
import type { HardScene } from './hardScenes';

export interface FitRow {
  dataset: string;
  /** Vehicles with at least minPoints points inside their box. */
  n: number;
  centre: number;
  onPoints: number;
  clicks: number;
  /** Vehicles whose three clicks on their points gave the same box (pairwise BEV IoU >= 0.9). */
  sameBox: number;
  /** Vehicles fitted at BEV IoU >= 0.7 from a rectangle dragged around them (axis-aligned footprint + 0.3 m), the rectangle a hard bound. */
  region: number;
  /** Vehicles within 40 m (and >= minPoints) a proposal matched, of proposalN. */
  proposed: number;
  proposalN: number;
  /** Wall time of the one-click fits (centre and on-points clicks; the frame index is built once per frame, outside), ms, and how many. */
  fitMs: number;
  fits: number;
}

const car = CLASS_PRIORS.find((p) => p.label === 'car')!;

/**
 * Which prior the fit gets for a vehicle:
 *  - 'class': the size prior of the class an annotator would have active for it (SIZE_PRIORS):
 *    car for cars (AV2 REGULAR_VEHICLE), van for vans, bus for buses, truck for every other large
 *    vehicle (AV2 BOX_TRUCK, TRUCK, TRUCK_CAB, LARGE_VEHICLE, VEHICULAR_TRAILER);
 *  - 'car': the car prior for every vehicle (an ontology with one vehicle class).
 */
export type PriorMode = 'class' | 'car';

/** The annotation class of a dataset's vehicle label. */
export function vehicleClass(label: string): 'car' | 'van' | 'truck' | 'bus' {
  if (/^(car|regular_vehicle)$/i.test(label)) return 'car';
  if (/^van$/i.test(label)) return 'van';
  if (/^bus$/i.test(label)) return 'bus';
  return 'truck';
}

/** The fit options an annotator's active class gives for a vehicle label (see evaluateFit). */
export function priorForVehicle(label: string, mode: PriorMode = 'class'): { prior?: readonly [number, number, number] } {
  return { prior: mode === 'car' ? car.size : sizePriorFor(vehicleClass(label)) };
}

/** Indices of the points inside a box (in cloud order), for clicks on a vehicle's own points. */
export function vehiclePoints(positions: Float32Array, count: number, box: Cuboid3D): number[] {
  const out: number[] = [];
  const c = Math.cos(-box.yaw), s = Math.sin(-box.yaw);
  for (let i = 0; i < count; i++) {
    const dx = positions[i * 3] - box.center[0], dy = positions[i * 3 + 1] - box.center[1], dz = positions[i * 3 + 2] - box.center[2];
    const lx = dx * c - dy * s, ly = dx * s + dy * c;
    if (Math.abs(lx) <= box.size[0] / 2 && Math.abs(ly) <= box.size[1] / 2 && Math.abs(dz) <= box.size[2] / 2) out.push(i);
  }
  return out;
}

export function evaluateFit(scenes: Array<VehicleScene | HardScene> = loadVehicleScenes(), minPoints = 50, mode: PriorMode = 'class'): FitRow[] {
  const rows = new Map<string, FitRow>();
  for (const s of scenes) {
    const index = buildFrameIndex(s.cloud.positions, s.cloud.count);
    const r = rows.get(s.dataset) ?? { dataset: s.dataset, n: 0, centre: 0, onPoints: 0, clicks: 0, sameBox: 0, region: 0, proposed: 0, proposalN: 0, fitMs: 0, fits: 0 };
    rows.set(s.dataset, r);
    const proposals = proposeBoxes(s.cloud.positions, s.cloud.count, { index });
    for (const v of s.vehicles) {
      if (v.points < minPoints) continue;
      r.n++;
      const { prior } = priorForVehicle(v.label, mode);
      const timedFit = (x: number, y: number) => {
        const t0 = performance.now();
        const f = fitBoxAtClick(s.cloud.positions, s.cloud.count, [x, y], { index, prior });
        r.fitMs += performance.now() - t0;
        r.fits++;
        return f;
      };
      const iouFrom = (x: number, y: number) => {
        const f = timedFit(x, y);
        return f ? bevIoU(f.box, v.box) : 0;
      };
      if (iouFrom(v.box.center[0], v.box.center[1]) >= 0.7) r.centre++;
      const b = v.box;
      const hx = (b.size[0] / 2) * Math.abs(Math.cos(b.yaw)) + (b.size[1] / 2) * Math.abs(Math.sin(b.yaw)) + 0.3;
      const hy = (b.size[0] / 2) * Math.abs(Math.sin(b.yaw)) + (b.size[1] / 2) * Math.abs(Math.cos(b.yaw)) + 0.3;
      const drawn = fitBoxInRegion(s.cloud.positions, s.cloud.count, { x0: b.center[0] - hx, y0: b.center[1] - hy, x1: b.center[0] + hx, y1: b.center[1] + hy }, { index, prior });
      if (drawn && bevIoU(drawn.box, b) >= 0.7) r.region++;
      const pts = vehiclePoints(s.cloud.positions, s.cloud.count, v.box);
      const boxes: Array<Cuboid3D | null> = [];
      for (const i of [pts[0], pts[pts.length >> 1], pts[pts.length - 1]]) {
        r.clicks++;
        const f = timedFit(s.cloud.positions[i * 3], s.cloud.positions[i * 3 + 1]);
        boxes.push(f?.box ?? null);
        if (f && bevIoU(f.box, v.box) >= 0.7) r.onPoints++;
      }
      // "Click anywhere on the car's points -> same box": all three boxes overlap at BEV IoU >= 0.9 (or none is made).
      const same = (a: Cuboid3D | null, b: Cuboid3D | null) => (a && b ? bevIoU(a, b) >= 0.9 : a === b);
      if (same(boxes[0], boxes[1]) && same(boxes[0], boxes[2]) && same(boxes[1], boxes[2])) r.sameBox++;
      if (Math.hypot(v.box.center[0], v.box.center[1]) <= 40) {
        r.proposalN++;
        if (proposals.some((p) => bevIoU(p.box, v.box) >= 0.5)) r.proposed++;
      }
    }
  }
  return [...rows.values()];
}

export function totalOf(rows: FitRow[]): FitRow {
  return rows.reduce(
    (t, r) => ({ dataset: 'all', n: t.n + r.n, centre: t.centre + r.centre, onPoints: t.onPoints + r.onPoints, clicks: t.clicks + r.clicks, sameBox: t.sameBox + r.sameBox, region: t.region + r.region, proposed: t.proposed + r.proposed, proposalN: t.proposalN + r.proposalN, fitMs: t.fitMs + r.fitMs, fits: t.fits + r.fits }),
    { dataset: 'all', n: 0, centre: 0, onPoints: 0, clicks: 0, sameBox: 0, region: 0, proposed: 0, proposalN: 0, fitMs: 0, fits: 0 },
  );
}
