/**
 * One-click fit on every labelled vehicle in ../shared/data: BEV IoU >= 0.7 from a click at the
 * true centre and from clicks on the vehicle's own points (first, middle and last point inside
 * its box), per dataset, with n. `npx tsx tests/tools/fit-eval.ts [minPoints=50]`
 */
import { fitBoxAtClick } from '../../core/lidar/fit';
import { buildFrameIndex } from '../../core/lidar/frameIndex';
import { bevIoU } from '../../core/lidar/iou';
import { CLASS_PRIORS } from '../../core/lidar/sizePrior';
import { loadVehicleScenes } from '../support/vehicleScenes';

const minPoints = Number(process.argv[2] ?? 50);
const car = CLASS_PRIORS.find((p) => p.label === 'car')!;
const minSize: [number, number] = [car.size[0], car.size[1]];

function pointsOf(positions: Float32Array, count: number, box: { center: number[]; size: number[]; yaw: number }): number[] {
  const out: number[] = [];
  const c = Math.cos(-box.yaw), s = Math.sin(-box.yaw);
  for (let i = 0; i < count; i++) {
    const dx = positions[i * 3] - box.center[0], dy = positions[i * 3 + 1] - box.center[1], dz = positions[i * 3 + 2] - box.center[2];
    const lx = dx * c - dy * s, ly = dx * s + dy * c;
    if (Math.abs(lx) <= box.size[0] / 2 && Math.abs(ly) <= box.size[1] / 2 && Math.abs(dz) <= box.size[2] / 2) out.push(i);
  }
  return out;
}

const rows: Record<string, { n: number; centre: number; onPoints: number; clicks: number; ious: number[] }> = {};
for (const s of loadVehicleScenes()) {
  const index = buildFrameIndex(s.cloud.positions, s.cloud.count);
  const r = (rows[s.dataset] ??= { n: 0, centre: 0, onPoints: 0, clicks: 0, ious: [] });
  for (const v of s.vehicles) {
    if (v.points < minPoints) continue;
    r.n++;
    const fit = (x: number, y: number) => {
      const f = fitBoxAtClick(s.cloud.positions, s.cloud.count, [x, y], { index, minSize });
      return f ? bevIoU(f.box, v.box) : 0;
    };
    const c = fit(v.box.center[0], v.box.center[1]);
    if (c >= 0.7) r.centre++;
    const pts = pointsOf(s.cloud.positions, s.cloud.count, v.box);
    for (const i of [pts[0], pts[pts.length >> 1], pts[pts.length - 1]]) {
      const iou = fit(s.cloud.positions[i * 3], s.cloud.positions[i * 3 + 1]);
      r.clicks++;
      r.ious.push(iou);
      if (iou >= 0.7) r.onPoints++;
    }
  }
}
let N = 0, C = 0, P = 0, K = 0;
for (const [name, r] of Object.entries(rows)) {
  N += r.n; C += r.centre; P += r.onPoints; K += r.clicks;
  console.log(`${name.padEnd(22)} n=${String(r.n).padStart(3)}  centre click ${(100 * r.centre / Math.max(1, r.n)).toFixed(1)}%   click on its points ${(100 * r.onPoints / Math.max(1, r.clicks)).toFixed(1)}% (${r.clicks} clicks)`);
}
console.log(`${'all'.padEnd(22)} n=${String(N).padStart(3)}  centre click ${(100 * C / N).toFixed(1)}%   click on its points ${(100 * P / K).toFixed(1)}% (${K} clicks)  [vehicles with >= ${minPoints} points]`);
