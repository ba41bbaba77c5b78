/**
 * Which classifier features shift between sensors: per dataset family, the mean of every feature
 * over the car-positive candidates (and the negatives) in a range band, and the standardised gap
 * between families (difference of means over the pooled std). A feature whose positives differ
 * much between families while the negatives do not identifies the sensor more than the object.
 * Then, for each held-out miss with a right candidate scored low, the held-out model's per-feature
 * logit contributions relative to the mean held-in positive in the same band.
 *
 * `npx tsx tests/tools/prop-shift.ts [minRange] [maxRange]`
 */
import { FEATURE_NAMES, FEATURE_COUNT } from '../../core/lidar/proposalFeatures';
import { bevIoU } from '../../core/lidar/iou';
import { proposeCandidates } from '../../core/lidar/propose';
import { examples, family, fitFolds, type Example } from '../support/proposalFit';
import { loadLabelledScenes } from '../support/proposalScenes';

const lo = Number(process.argv[2] ?? 0), hi = Number(process.argv[3] ?? 40);
const scenes = loadLabelledScenes();
const rows: Example[] = [];
for (const s of scenes) for (const e of examples(s, 0.4).car) rows.push({ ...e, family: family(s.dataset) });
const inBand = rows.filter((e) => e.f[2] * 10 >= lo && e.f[2] * 10 < hi);
const fams = [...new Set(inBand.map((e) => e.family))];
const stat = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length));
  return { m, sd };
};
console.log(`band ${lo}-${hi} m; positives per family: ${fams.map((f) => `${f} ${inBand.filter((e) => e.family === f && e.y).length}`).join(', ')}; negatives: ${fams.map((f) => `${f} ${inBand.filter((e) => e.family === f && !e.y).length}`).join(', ')}`);
console.log(`${'feature'.padEnd(22)}${fams.map((f) => `pos ${f}`.padEnd(18)).join('')}${fams.map((f) => `neg ${f}`.padEnd(18)).join('')} gap(pos kitti-av2)/sd  sep(pos-neg)/sd`);
for (let i = 0; i < FEATURE_COUNT; i++) {
  const pos = fams.map((f) => stat(inBand.filter((e) => e.family === f && e.y).map((e) => e.f[i])));
  const neg = fams.map((f) => stat(inBand.filter((e) => e.family === f && !e.y).map((e) => e.f[i])));
  const all = stat(inBand.map((e) => e.f[i]));
  const k = fams.indexOf('kitti'), a = fams.indexOf('argoverse2');
  const allPos = stat(inBand.filter((e) => e.y).map((e) => e.f[i])), allNeg = stat(inBand.filter((e) => !e.y).map((e) => e.f[i]));
  console.log(
    `${FEATURE_NAMES[i].padEnd(22)}${pos.map((p) => `${p.m.toFixed(2)}±${p.sd.toFixed(2)}`.padEnd(18)).join('')}${neg.map((p) => `${p.m.toFixed(2)}±${p.sd.toFixed(2)}`.padEnd(18)).join('')} ${((pos[k].m - pos[a].m) / (all.sd || 1)).toFixed(2).padStart(6)}              ${((allPos.m - allNeg.m) / (all.sd || 1)).toFixed(2).padStart(6)}`,
  );
}

if (process.argv.includes('--contrib')) {
  const { heldOutFor, folds } = fitFolds(scenes);
  for (const s of scenes) {
    const fam = family(s.dataset);
    if (!folds.has(fam) && fam !== 'sustech') continue;
    const m = heldOutFor(s).carModel;
    const cands = proposeCandidates(s.cloud.positions, s.cloud.count, { ...heldOutFor(s), minScore: 0.3 });
    for (const o of s.objects) {
      const r = Math.hypot(o.box.center[0], o.box.center[1]);
      if (o.cls !== 'car' || o.points < 50 || r > 40) continue;
      const good = cands.filter((c) => c.carBox && bevIoU(c.carBox, o.box) >= 0.5).sort((a, b) => b.carScore! - a.carScore!);
      if (!good.length || good[0].carScore! >= 0.3) continue;
      const f = good[0].features!;
      // Reference: mean positive of the training families in the same 10 m band.
      const ref = rows.filter((e) => e.y && e.family !== fam && Math.abs(e.f[2] * 10 - r) < 5);
      const contrib = FEATURE_NAMES.map((n, i) => {
        const refMean = ref.reduce((a, e) => a + e.f[i], 0) / Math.max(1, ref.length);
        return { n, d: (m.weights[i] * (f[i] - refMean)) / m.std[i], v: f[i], refMean };
      }).filter((c) => Math.abs(c.d) > 0.3).sort((a, b) => a.d - b.d);
      console.log(`${s.dataset}/${s.frame} ${o.label} r=${r.toFixed(1)} pts=${o.points} p=${good[0].carScore!.toFixed(2)} (ref n=${ref.length}): ${contrib.map((c) => `${c.n} ${c.d.toFixed(2)} (${c.v.toFixed(2)} vs ${c.refMean.toFixed(2)})`).join('; ')}`);
    }
  }
}
