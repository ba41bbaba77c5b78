/**
 * Explains every missed car and every false positive of the 3D proposals on the labelled frames
 * in ../shared/data: for a missed car, how many of its points are obstacle points (ground
 * problem), which clusters they fall into (split), what else each cluster holds (merged with
 * other labelled objects or unlabelled clutter), and what the proposal made of it (dropped for
 * size / score, or a box with too low IoU). For a false positive: class, score, size, range, and
 * the nearest labelled object.
 *
 * Each miss gets a cause, counted per dataset at the end: `merged` (no candidate car box at
 * IoU >= 0.5, and the car's main component also holds another labelled object or far more points
 * than the car), `split` (no such box, the car's obstacle points spread over components none of
 * which holds 70 %), `box-off` (no such box otherwise: heading, size or completion wrong),
 * `low-score` (a right box exists, scored below the threshold), `suppressed` (a right box above
 * the threshold lost the NMS to a wrong one).
 *
 * `npx tsx tests/tools/prop-diag.ts [threshold] [dataset-filter] [--fp] [--synthetic] [--held-out]`
 * (--synthetic: the hard scenes; --held-out: each dataset scored by the classifier fitted without
 * it, proposalFit.ts, as the leave-one-dataset-out figures are)
 */
import { pointsInBox } from '../../core/lidar/box';
import { labelAllClusters } from '../../core/lidar/cluster';
import { buildFrameIndex } from '../../core/lidar/frameIndex';
import { bevIoU } from '../../core/lidar/iou';
import { proposeCandidates } from '../../core/lidar/propose';
import { matchFrame, evaluateProposals, formatEval } from '../support/proposalEval';
import { fitFolds } from '../support/proposalFit';
import { loadHardLabelledScenes, loadLabelledScenes } from '../support/proposalScenes';

const threshold = Number(process.argv[2] ?? 0.4);
const filter = process.argv[3] && !process.argv[3].startsWith('--') ? process.argv[3] : '';
const showFp = process.argv.includes('--fp');
const all = process.argv.includes('--synthetic') ? loadHardLabelledScenes(3) : loadLabelledScenes();
const scenes = all.filter((s) => s.dataset.includes(filter));
const heldOut = process.argv.includes('--held-out') ? fitFolds(all).heldOutFor : undefined;
const f1 = (v: number) => v.toFixed(1);

const cache = new Map<string, ReturnType<typeof proposeCandidates>>();
const candidatesOf = (s: (typeof scenes)[number]) => {
  const k = `${s.dataset}/${s.frame}`;
  if (!cache.has(k)) cache.set(k, proposeCandidates(s.cloud.positions, s.cloud.count, { minScore: threshold, ...heldOut?.(s) }));
  return cache.get(k)!;
};

const causes = new Map<string, Map<string, number>>();
const tally = (dataset: string, cause: string) => {
  const m = causes.get(dataset) ?? new Map<string, number>();
  m.set(cause, (m.get(cause) ?? 0) + 1);
  causes.set(dataset, m);
};
for (const s of scenes) {
  const index = buildFrameIndex(s.cloud.positions, s.cloud.count);
  const { labels, pointCounts } = labelAllClusters(index);
  const isObstacle = new Uint8Array(s.cloud.count);
  const cellOf = new Int32Array(s.cloud.count).fill(-1);
  for (let c = 0; c < index.nx * index.ny; c++)
    for (let j = index.cellStart[c]; j < index.cellStart[c + 1]; j++) {
      isObstacle[index.sorted[j]] = 1;
      cellOf[index.sorted[j]] = c;
    }
  const cands = candidatesOf(s);
  const props = cands.filter((c) => !c.dropped && c.score >= threshold);
  const { outcome, matchedBy } = matchFrame(s, props);
  const idx = new Uint32Array(s.cloud.count);
  // Which labelled objects each component touches.
  const compObjects = new Map<number, string[]>();
  s.objects.forEach((o, k) => {
    const n = pointsInBox(s.cloud.positions, s.cloud.count, o.box, idx);
    const seen = new Set<number>();
    for (let j = 0; j < n; j++) if (cellOf[idx[j]] >= 0) seen.add(labels[cellOf[idx[j]]]);
    for (const c of seen) compObjects.set(c, [...(compObjects.get(c) ?? []), `${o.label}#${k}`]);
  });
  s.objects.forEach((o, k) => {
    const r = Math.hypot(o.box.center[0], o.box.center[1]);
    if (o.cls !== 'car' || o.points < 50 || r > 40) return;
    if (matchedBy[k] >= 0 && props[matchedBy[k]].label === 'car') return;
    const n = pointsInBox(s.cloud.positions, s.cloud.count, o.box, idx);
    const comps = new Map<number, number>();
    let obst = 0;
    for (let j = 0; j < n; j++) {
      if (!isObstacle[idx[j]]) continue;
      obst++;
      const c = labels[cellOf[idx[j]]];
      comps.set(c, (comps.get(c) ?? 0) + 1);
    }
    const parts = [...comps.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([c, m]) => {
      const cand = cands.find((x) => x.level === 0 && x.component === c);
      const others = (compObjects.get(c) ?? []).filter((x) => x !== `${o.label}#${k}`);
      const what = cand
        ? cand.dropped === 'extent'
          ? `dropped(${cand.dropped})`
          : `${cand.dropped ?? ''} ${cand.label} s=${cand.score.toFixed(2)} iou=${bevIoU(cand.box, o.box).toFixed(2)} box ${cand.box.size.map(f1).join('x')}`
        : 'no candidate';
      return `comp ${c}: ${m} of its pts, comp ${pointCounts[c]} pts [${others.join(',')}] ${what}`;
    });
    const good = cands.filter((x) => x.carBox && bevIoU(x.carBox, o.box) >= 0.5).sort((a, b) => b.carScore! - a.carScore!);
    parts.push(good.length ? `best car box at IoU>=0.5: level ${good[0].level}, p=${good[0].carScore!.toFixed(2)}, ${good[0].dropped ?? 'kept'}` : 'no candidate car box at IoU>=0.5 at any level');
    const [mainComp, mainPts] = [...comps.entries()].sort((a, b) => b[1] - a[1])[0] ?? [0, 0];
    const mainOthers = (compObjects.get(mainComp) ?? []).filter((x) => x !== `${o.label}#${k}`).length;
    const cause = good.length
      ? good[0].carScore! >= threshold ? 'suppressed' : 'low-score'
      : mainPts < 0.7 * obst ? 'split'
        : mainOthers > 0 || pointCounts[mainComp] > 1.5 * obst ? 'merged' : 'box-off';
    tally(s.dataset, cause);
    console.log(
      `MISS [${cause}] ${s.dataset}/${s.frame} ${o.label}#${k} r=${f1(r)} pts=${o.points} obstacle=${obst} size=${o.box.size.map(f1).join('x')}\n    ${parts.join('\n    ')}`,
    );
  });
  if (showFp)
    for (const o of outcome) {
      if (o.tp) continue;
      const p = o.proposal;
      console.log(
        `FP   ${s.dataset}/${s.frame} ${p.label} s=${p.score.toFixed(2)} r=${f1(Math.hypot(p.box.center[0], p.box.center[1]))} pts=${p.pointCount} box ${p.box.size.map(f1).join('x')} best=${o.gt ? `${o.gt.label} iou=${o.iou.toFixed(2)}` : 'none'} feats=${p.features ? Array.from(p.features, (v) => v.toFixed(2)).join(',') : ''}`,
      );
    }
}
console.log(formatEval(evaluateProposals(scenes, (s) => candidatesOf(s).filter((c) => !c.dropped), threshold)));

// Ceiling: cars (>= 50 points, <= 40 m) for which some candidate of either clustering has a car
// box at BEV IoU >= 0.5, whatever its score.
let oracleN = 0, oracleHit = 0;
for (const s of scenes) {
  const cands = candidatesOf(s);
  for (const o of s.objects) {
    if (o.cls !== 'car' || o.points < 50 || Math.hypot(o.box.center[0], o.box.center[1]) > 40) continue;
    oracleN++;
    if (cands.some((c) => c.carBox && bevIoU(c.carBox, o.box) >= 0.5)) oracleHit++;
  }
}
console.log(`ceiling: a candidate car box at IoU >= 0.5 exists for ${oracleHit} of ${oracleN} cars`);
console.log(`misses within 40 m by cause${heldOut ? ' (held out)' : ''}:`);
for (const [d, m] of causes) console.log(`  ${d.padEnd(22)} ${[...m].map(([c, n]) => `${c} ${n}`).join(', ')}`);
