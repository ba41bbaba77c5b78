import { it } from 'vitest';
import { loadVehicleScenes } from '../../tests/support/vehicleScenes';
import { buildFrameIndex } from './frameIndex';
import { fitBoxAtClick } from './fit';
import { bevIoU } from './iou';
import { pointsInBox } from './box';
it('explore', () => {
  let N = 0, ok = 0;
  for (const s of loadVehicleScenes().filter((x) => x.dataset === 'kitti-tracking-0001')) {
    const index = buildFrameIndex(s.cloud.positions, s.cloud.count);
    const row: string[] = [];
    for (const v of s.vehicles) {
      if (v.label !== 'Car') continue;
      const idx = new Uint32Array(v.points);
      pointsInBox(s.cloud.positions, s.cloud.count, v.box, idx);
      const r = Math.hypot(v.box.center[0], v.box.center[1]);
      if (v.points < 30) { row.push(`skip(${v.points}p ${r.toFixed(0)}m)`); continue; }
      let best = -1, bd = Infinity;
      for (const i of idx) { const d = Math.hypot(s.cloud.positions[i*3]-v.box.center[0], s.cloud.positions[i*3+1]-v.box.center[1]); if (d < bd) { bd = d; best = i; } }
      const fit = fitBoxAtClick(s.cloud.positions, s.cloud.count, [s.cloud.positions[best*3], s.cloud.positions[best*3+1]], { index, minSize: [3.9, 1.6] });
      const iou = fit ? bevIoU(fit.box, v.box) : 0;
      N++; if (iou >= 0.7) ok++;
      row.push(`${iou.toFixed(2)}(${v.points}p ${v.box.center[0].toFixed(0)},${v.box.center[1].toFixed(0)})`);
    }
    console.log(s.frame, row.join(' '));
  }
  console.log('N', N, 'ok', ok);
});
