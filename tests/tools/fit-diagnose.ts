/**
 * Per-failure dump of the one-click fit (what fit-eval.ts counts): for every vehicle with
 * >= minPoints points, real (../shared/data) and synthetic (hardScenes.ts), clicks on its first,
 * middle and last point; each click whose fit misses BEV IoU 0.7 prints dataset, frame, label,
 * range, points, IoU, heading error, size error, centre offset (along / across the true heading),
 * whether the box covers a neighbour, whether the label sits on its own points (labelAudit.ts)
 * and a cause (merged, split, label-off-points, heading, size, offset); then a count per cause
 * and dataset, and the fitted share on all labels and on the labels that sit on their points.
 * `npx tsx tests/tools/fit-diagnose.ts [real|synth|all] [minPoints=50] [--quiet]`
 */
import { fitBoxAtClick, type FitOptions } from '../../core/lidar/fit';
import { buildFrameIndex } from '../../core/lidar/frameIndex';
import { bevIoU } from '../../core/lidar/iou';
import { normalizeAngle } from '../../core/lidar/box';
import { priorForVehicle, vehiclePoints } from '../support/fitEval';
import { loadHardScenes } from '../support/hardScenes';
import { loadVehicleScenes } from '../support/vehicleScenes';
import { auditLabel, type LabelAudit } from '../support/labelAudit';

const which = process.argv[2] ?? 'all';
const minPoints = Number(process.argv[3] ?? 50);
const quiet = process.argv.includes('--quiet');
const scenes = [...(which !== 'synth' ? loadVehicleScenes() : []), ...(which !== 'real' ? loadHardScenes(3) : [])];
const causes = new Map<string, Map<string, number>>();
/** Per dataset: labels, labels off their points (by rule), clicks and clicks fitted, on all labels and on those that sit on their points. */
const audits = new Map<string, { labels: number; cover: number; seeThrough: number; clicks: number; ok: number; onClicks: number; onOk: number }>();
const fmtShift = (v: [number, number]) => `(${v[0].toFixed(1)}, ${v[1].toFixed(1)})`;
const deg = (r: number) => (r * 180) / Math.PI;
for (const s of scenes) {
  const index = buildFrameIndex(s.cloud.positions, s.cloud.count);
  for (const v of s.vehicles) {
    if (v.points < minPoints) continue;
    const pts = vehiclePoints(s.cloud.positions, s.cloud.count, v.box);
    const opts: FitOptions = { index, returnIndices: true, ...priorForVehicle(v.label, (process.env.PRIOR_MODE as 'class' | 'car' | undefined) ?? 'class') };
    // Does the label sit on its points? Audited against the cluster fitted from the middle click (labelAudit.ts).
    const mid = pts[pts.length >> 1];
    const midFit = fitBoxAtClick(s.cloud.positions, s.cloud.count, [s.cloud.positions[mid * 3], s.cloud.positions[mid * 3 + 1]], opts);
    const audit: LabelAudit = auditLabel(index, v.box, midFit?.indices ?? [], v.points);
    const a = audits.get(s.dataset) ?? { labels: 0, cover: 0, seeThrough: 0, clicks: 0, ok: 0, onClicks: 0, onOk: 0 };
    audits.set(s.dataset, a);
    a.labels++;
    if (audit.off === 'cover') a.cover++;
    if (audit.off === 'see-through') a.seeThrough++;
    if (audit.off && !quiet)
      console.log(`${s.dataset.padEnd(19)} ${s.frame.padEnd(14)} ${v.label.padEnd(16)} r=${Math.hypot(v.box.center[0], v.box.center[1]).toFixed(1).padStart(5)} pts=${String(v.points).padStart(5)} LABEL OFF ITS POINTS (${audit.off}): holds ${(100 * audit.cover).toFixed(0)}% of its cluster, shifted ${fmtShift(audit.coverShift)} ${(100 * audit.shiftedCover).toFixed(0)}%; seen through by ${audit.seeThrough} returns, shifted ${fmtShift(audit.seeThroughShift)} by ${audit.seeThroughShifted}`);
    for (const [k, i] of [pts[0], pts[pts.length >> 1], pts[pts.length - 1]].entries()) {
      const x = s.cloud.positions[i * 3], y = s.cloud.positions[i * 3 + 1];
      const f = fitBoxAtClick(s.cloud.positions, s.cloud.count, [x, y], opts);
      const box = f && 'box' in f ? f.box : null;
      const iou = box ? bevIoU(box, v.box) : 0;
      const c = causes.get(s.dataset) ?? new Map<string, number>();
      causes.set(s.dataset, c);
      c.set('clicks', (c.get('clicks') ?? 0) + 1);
      a.clicks++;
      if (!audit.off) a.onClicks++;
      if (iou >= 0.7) {
        a.ok++;
        if (!audit.off) a.onOk++;
        continue;
      }
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
        const cover = held / Math.max(1, obstacleOwn);
        line += ` cover=${cover.toFixed(2)}`;
        // Merged with a neighbour; split (the fit holds under 60 % of the vehicle's points); the
        // label not on its points (labelAudit.ts: the fit cannot match it); else what is wrong with the box.
        cause = merged ? 'merged' : cover < 0.6 ? 'split' : audit.off ? 'label-off-points' : yawErr > 10 ? 'heading' : Math.abs(fl - v.box.size[0]) > 0.8 || Math.abs(fw - v.box.size[1]) > 0.4 ? 'size' : 'offset';
        line += ` label: holds ${(100 * audit.cover).toFixed(0)}% of its cluster (shifted ${fmtShift(audit.coverShift)} ${(100 * audit.shiftedCover).toFixed(0)}%), seen through by ${audit.seeThrough} (shifted ${fmtShift(audit.seeThroughShift)} ${audit.seeThroughShifted})${audit.off ? ` OFF(${audit.off})` : ''}`;
        line += ` IoU=${iou.toFixed(2)} yawErr=${yawErr.toFixed(1).padStart(5)}° size ${fl.toFixed(2)}x${fw.toFixed(2)} (gt ${v.box.size[0].toFixed(2)}x${v.box.size[1].toFixed(2)}) off along=${along.toFixed(2)} across=${across.toFixed(2)} h ${box.size[2].toFixed(2)}/${v.box.size[2].toFixed(2)}${merged ? ' MERGED' : ''} -> ${cause}`;
      }
      c.set(cause, (c.get(cause) ?? 0) + 1);
      if (!quiet) console.log(line);
    }
  }
}
for (const [d, c] of causes) console.log(d.padEnd(20), [...c].map(([k, n]) => `${k} ${n}`).join(', '));
const pct = (x: number, n: number) => `${((100 * x) / Math.max(1, n)).toFixed(1)}% (${x}/${n})`;
const sum = { labels: 0, cover: 0, seeThrough: 0, clicks: 0, ok: 0, onClicks: 0, onOk: 0 };
for (const [d, a] of audits) {
  for (const k of Object.keys(sum) as Array<keyof typeof sum>) sum[k] += a[k];
  console.log(`${d.padEnd(20)} labels ${a.labels}, off their points ${a.cover + a.seeThrough} (cover ${a.cover}, see-through ${a.seeThrough}); clicks fitted: all labels ${pct(a.ok, a.clicks)}, labels on their points ${pct(a.onOk, a.onClicks)}`);
}
console.log(`${'all'.padEnd(20)} labels ${sum.labels}, off their points ${sum.cover + sum.seeThrough} (cover ${sum.cover}, see-through ${sum.seeThrough}); clicks fitted: all labels ${pct(sum.ok, sum.clicks)}, labels on their points ${pct(sum.onOk, sum.onClicks)}`);
