/**
 * Per-failure dump of the one-click fit (what fit-eval.ts counts): for every vehicle with
 * >= minPoints points, real (../shared/data) and synthetic (hardScenes.ts), clicks on its first,
 * middle and last point; each click whose fit misses BEV IoU 0.7 prints dataset, frame, label,
 * range, points, IoU, heading error, size error, centre offset (along / across the true heading),
 * whether the box covers a neighbour, and a cause; then a count per cause and dataset.
 * `npx tsx tests/tools/fit-diagnose.ts [real|synth|all] [minPoints=50] [--quiet]`
 */
import { fitBoxAtClick, type FitOptions } from '../../core/lidar/fit';
import { buildFrameIndex } from '../../core/lidar/frameIndex';
import { bevIoU } from '../../core/lidar/iou';
import { normalizeAngle } from '../../core/lidar/box';
import { priorForVehicle, vehiclePoints } from '../support/fitEval';
import { loadHardScenes } from '../support/hardScenes';
import { loadVehicleScenes } from '../support/vehicleScenes';

const which = process.argv[2] ?? 'all';
const minPoints = Number(process.argv[3] ?? 50);
const quiet = process.argv.includes('--quiet');
const scenes = [...(which !== 'synth' ? loadVehicleScenes() : []), ...(which !== 'real' ? loadHardScenes(3) : [])];
const causes = new Map<string, Map<string, number>>();
const deg = (r: number) => (r * 180) / Math.PI;
for (const s of scenes) {
  const index = buildFrameIndex(s.cloud.positions, s.cloud.count);
  for (const v of s.vehicles) {
    if (v.points < minPoints) continue;
    const pts = vehiclePoints(s.cloud.positions, s.cloud.count, v.box);
    for (const [k, i] of [pts[0], pts[pts.length >> 1], pts[pts.length - 1]].entries()) {
      const x = s.cloud.positions[i * 3], y = s.cloud.positions[i * 3 + 1];
      const opts: FitOptions = { index, returnIndices: true, ...priorForVehicle(v.label, (process.env.PRIOR_MODE as 'class' | 'car' | undefined) ?? 'class') };
      const f = fitBoxAtClick(s.cloud.positions, s.cloud.count, [x, y], opts);
      const box = f && 'box' in f ? f.box : null;
      const iou = box ? bevIoU(box, v.box) : 0;
      const c = causes.get(s.dataset) ?? new Map<string, number>();
      causes.set(s.dataset, c);
      c.set('clicks', (c.get('clicks') ?? 0) + 1);
      if (iou >= 0.7) continue;
      const range = Math.hypot(v.box.center[0], v.box.center[1]);
      let cause: string;
      let line = `${s.dataset.padEnd(19)} ${s.frame.padEnd(14)} ${v.label.padEnd(16)} r=${range.toFixed(1).padStart(5)} pts=${String(v.points).padStart(5)} click${k}`;
      if (!box) {
        cause = 'no fit';
        line += ` no fit: ${f && 'reason' in f ? (f as { reason: string }).reason : 'null'}`;
      } else {
        const dyaw = Math.abs(normalizeAngle(box.yaw - v.box.yaw));
        const yawErr = deg(Math.min(dyaw, Math.PI - dyaw));
        // Sizes compared along the matching axes (a 90° swap shows as a heading error).
        const swapped = Math.min(dyaw, Math.PI - dyaw) > Math.PI / 4;
        const fl = swapped ? box.size[1] : box.size[0], fw = swapped ? box.size[0] : box.size[1];
        const dx = box.center[0] - v.box.center[0], dy = box.center[1] - v.box.center[1];
        const along = dx * Math.cos(v.box.yaw) + dy * Math.sin(v.box.yaw), across = -dx * Math.sin(v.box.yaw) + dy * Math.cos(v.box.yaw);
        const merged = s.vehicles.some((o) => o !== v && bevIoU(box, o.box) > 0.05);
        // Share of the vehicle's obstacle points the fitted cluster holds (low: a fragment was fitted).
        const own = new Set(pts);
        let held = 0, obstacleOwn = 0;
        for (const j of f && 'indices' in f && f.indices ? f.indices : []) if (own.has(j)) held++;
        for (let c = 0; c < index.sorted.length; c++) if (own.has(index.sorted[c])) obstacleOwn++;
        line += ` cover=${(held / Math.max(1, obstacleOwn)).toFixed(2)}`;
        cause = merged ? 'merged' : yawErr > 10 ? 'heading' : Math.abs(fl - v.box.size[0]) > 0.8 || Math.abs(fw - v.box.size[1]) > 0.4 ? 'size' : 'offset';
        line += ` IoU=${iou.toFixed(2)} yawErr=${yawErr.toFixed(1).padStart(5)}° size ${fl.toFixed(2)}x${fw.toFixed(2)} (gt ${v.box.size[0].toFixed(2)}x${v.box.size[1].toFixed(2)}) off along=${along.toFixed(2)} across=${across.toFixed(2)} h ${box.size[2].toFixed(2)}/${v.box.size[2].toFixed(2)}${merged ? ' MERGED' : ''} -> ${cause}`;
      }
      c.set(cause, (c.get(cause) ?? 0) + 1);
      if (!quiet) console.log(line);
    }
  }
}
for (const [d, c] of causes) console.log(d.padEnd(20), [...c].map(([k, n]) => `${k} ${n}`).join(', '));
