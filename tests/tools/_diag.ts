import { fitBoxAtClick } from '../../core/lidar/fit';
import { buildFrameIndex } from '../../core/lidar/frameIndex';
import { bevIoU } from '../../core/lidar/iou';
import { CLASS_PRIORS } from '../../core/lidar/sizePrior';
import { loadVehicleScenes } from '../support/vehicleScenes';
const car = CLASS_PRIORS.find((p) => p.label === 'car')!;
const minSize: [number, number] = [car.size[0], car.size[1]];
const cats: Record<string, number> = {};
for (const s of loadVehicleScenes()) {
  const index = buildFrameIndex(s.cloud.positions, s.cloud.count);
  for (const v of s.vehicles) {
    if (v.points < 50) continue;
    const f = fitBoxAtClick(s.cloud.positions, s.cloud.count, [v.box.center[0], v.box.center[1]], { index, minSize, returnIndices: true });
    const iou = f ? bevIoU(f.box, v.box) : 0;
    if (iou >= 0.7) continue;
    const g = v.box;
    let why = 'none';
    if (f) {
      const b = f.box;
      const dyaw = Math.abs(((b.yaw - g.yaw) % Math.PI + Math.PI * 1.5) % Math.PI - Math.PI / 2);
      const big = b.size[0] * b.size[1] > 1.5 * g.size[0] * g.size[1];
      const small = b.size[0] * b.size[1] < 0.6 * g.size[0] * g.size[1];
      why = big ? 'too big' : small ? 'too small' : dyaw > 0.17 ? 'yaw' : 'offset';
      console.log(`${s.dataset}/${s.frame} ${v.label} pts=${v.points} cl=${f.pointCount} d=${Math.hypot(g.center[0], g.center[1]).toFixed(0)}m iou=${iou.toFixed(2)} gt=${g.size.map((x) => x.toFixed(1)).join('x')} fit=${b.size.map((x) => x.toFixed(1)).join('x')} dyaw=${(dyaw * 57.3).toFixed(0)} off=${Math.hypot(b.center[0] - g.center[0], b.center[1] - g.center[1]).toFixed(2)} ${why} ${f.method}`);
    }
    cats[why] = (cats[why] ?? 0) + 1;
  }
}
console.log(cats);
