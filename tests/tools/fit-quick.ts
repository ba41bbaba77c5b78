/**
 * Quick one-click fit figure for tuning: share of clicks (first, middle, last point of every
 * vehicle with >= 50 points) fitted at BEV IoU >= 0.7, class prior, per dataset / family, real and
 * synthetic. Extra fit options as JSON in FIT_OPTS; PER_CLICK=1 prints every click's IoU. `npx tsx tests/tools/fit-quick.ts [real|synth|all]`
 */
import { fitBoxAtClick } from '../../core/lidar/fit';
import { buildFrameIndex } from '../../core/lidar/frameIndex';
import { bevIoU } from '../../core/lidar/iou';
import { priorForVehicle, vehiclePoints } from '../support/fitEval';
import { loadHardScenes } from '../support/hardScenes';
import { loadVehicleScenes } from '../support/vehicleScenes';

const which = process.argv[2] ?? 'all';
const extra = JSON.parse(process.env.FIT_OPTS ?? '{}');
const scenes = [...(which !== 'synth' ? loadVehicleScenes() : []), ...(which !== 'real' ? loadHardScenes(3) : [])];
// PRIOR_<CLASS>="l,w,h" overrides a class prior (tuning).
const priorOf = (label: string) => {
  const p = priorForVehicle(label, 'class');
  const cls = p.prior === priorForVehicle('car').prior ? 'CAR' : p.prior === priorForVehicle('Truck').prior ? 'TRUCK' : '';
  const o = cls && process.env[`PRIOR_${cls}`];
  return o ? { prior: o.split(',').map(Number) as [number, number, number] } : p;
};
const rows = new Map<string, { n: number; ok: number; clicks: number }>();
let real = { ok: 0, clicks: 0 }, synth = { ok: 0, clicks: 0 };
for (const s of scenes) {
  const index = buildFrameIndex(s.cloud.positions, s.cloud.count);
  const r = rows.get(s.dataset) ?? { n: 0, ok: 0, clicks: 0 };
  rows.set(s.dataset, r);
  for (const v of s.vehicles) {
    if (v.points < 50) continue;
    r.n++;
    const pts = vehiclePoints(s.cloud.positions, s.cloud.count, v.box);
    for (const i of [pts[0], pts[pts.length >> 1], pts[pts.length - 1]]) {
      const f = fitBoxAtClick(s.cloud.positions, s.cloud.count, [s.cloud.positions[i * 3], s.cloud.positions[i * 3 + 1]], { index, ...priorOf(v.label), ...extra });
      const ok = f && bevIoU(f.box, v.box) >= 0.7 ? 1 : 0;
      // PER_CLICK=1: one line per click (diff two runs to see which clicks a change moves).
      if (process.env.PER_CLICK) console.log(`click ${s.dataset} ${s.frame} r=${Math.hypot(v.box.center[0], v.box.center[1]).toFixed(1)} ${i} IoU=${f ? bevIoU(f.box, v.box).toFixed(2) : 'none'}`);
      r.clicks++;
      r.ok += ok;
      const t = s.dataset.startsWith('synth') ? synth : real;
      t.clicks++;
      t.ok += ok;
    }
  }
}
for (const [d, r] of rows) console.log(`${d.padEnd(20)} n=${String(r.n).padStart(3)} ${(100 * r.ok / r.clicks).toFixed(1)}% (${r.ok}/${r.clicks})`);
if (real.clicks) console.log(`REAL  ${(100 * real.ok / real.clicks).toFixed(1)}% (${real.ok}/${real.clicks})`);
if (synth.clicks) console.log(`SYNTH ${(100 * synth.ok / synth.clicks).toFixed(1)}% (${synth.ok}/${synth.clicks})`);
