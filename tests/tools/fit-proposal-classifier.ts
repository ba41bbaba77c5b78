/**
 * Fits the proposal classifier (core/lidar/classify.ts) on every labelled frame in
 * ../shared/data and writes the weights to core/lidar/proposalWeights.ts. Reproducible: the data,
 * the candidate generation and the fit (L2-regularised logistic regression by Newton's method
 * from zero) are deterministic.
 *
 * Training examples: every candidate cluster of every clustering (proposeCandidates) of the
 * exhaustively labelled frames (KITTI, Argoverse 2, nuScenes; not SUSTech, see proposalScenes.ts), judged by
 * the same rule as the evaluation (proposalScenes.ts). Car target: its car-completed box reaches
 * BEV IoU >= 0.5 with a labelled car, van, truck, bus or trailer. Pedestrian/cyclist target: its
 * pedestrian- or cyclist-completed box reaches BEV IoU >= 0.5 with a labelled object of that class.
 *
 * Then: leave-one-dataset-out (KITTI's three folders are one dataset) — fit on the others, run
 * the whole pipeline on the held-out one — and print recall/precision per band with n, and a
 * reliability table (score bins vs share of proposals that matched, with n) for the held-out
 * scores and the final fit.
 *
 * `npx tsx tests/tools/fit-proposal-classifier.ts [--write]`; `LAMBDA=` sets the L2 strength, `DROP=name,name`
 * leaves features out, `BALANCE=1` weighs each dataset family equally (experiments);
 * `WITH_SYNTHETIC=1` also trains on (and holds
 * out, as one more dataset) the synthetic hard scenes — an experiment, not how the weights are made;
 * `VRU_LAMBDA=` / `VRU_DROP=` the pedestrian/cyclist model's own L2 strength and left-out features;
 * `EVAL_THIN=0.5` evaluates on every scene thinned to that share of its returns (a sparser sensor);
 * `SWEEP=0.01` prints the held-out figures at every threshold in that step. Also printed: held-out
 * recall / precision within 40 m per sensor, precision per proposal class, and a reliability table
 * per held-out dataset.
 */
import { writeFileSync } from 'node:fs';
import type { LogisticModel } from '../../core/lidar/logistic';
import { FEATURE_NAMES } from '../../core/lidar/proposalFeatures';
import { DEFAULT_PROPOSAL_THRESHOLD, proposeCandidates, type Candidate } from '../../core/lidar/propose';
import { evaluateProposals, formatEval, matchFrame, precisionWithin40, recallWithin40 } from '../support/proposalEval';
import { family, fitFolds, thinned } from '../support/proposalFit';
import { loadHardLabelledScenes, loadLabelledScenes, type LabelledScene } from '../support/proposalScenes';

function reliability(rows: Array<{ score: number; tp: boolean; dataset: string }>): string {
  const bins = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001];
  const lines = ['score bin    n     matched   mean score'];
  for (let b = 0; b + 1 < bins.length; b++) {
    const inBin = rows.filter((r) => r.score >= bins[b] && r.score < bins[b + 1]);
    if (!inBin.length) continue;
    const m = inBin.filter((r) => r.tp).length;
    const ms = inBin.reduce((s, r) => s + r.score, 0) / inBin.length;
    lines.push(`${bins[b].toFixed(1)}-${Math.min(1, bins[b + 1]).toFixed(1)}  ${String(inBin.length).padStart(5)}  ${((100 * m) / inBin.length).toFixed(1).padStart(6)}%   ${ms.toFixed(2)}`);
  }
  return lines.join('\n');
}

/** Final proposals of every scene (no threshold), with greedy-match outcomes, for reliability. */
function outcomes(scenes: LabelledScene[], models: (s: LabelledScene) => { carModel: LogisticModel; vruModel: LogisticModel }) {
  const rows: Array<{ score: number; tp: boolean; dataset: string; exhaustive: boolean }> = [];
  const props = new Map<LabelledScene, Candidate[]>();
  for (const s of scenes) {
    const c = proposeCandidates(s.cloud.positions, s.cloud.count, { ...models(s), minScore: 0.05 }).filter((x) => !x.dropped);
    props.set(s, c);
    // Reliability only where every object is labelled (a SUSTech "miss" may be an unlabelled car).
    // The pooled tables use only frames where every object is labelled (a SUSTech "miss" may be an
    // unlabelled car); SUSTech's own table is printed apart, as a lower bound.
    for (const o of matchFrame(s, c).outcome) rows.push({ score: o.proposal.score, tp: o.tp, dataset: s.dataset, exhaustive: s.exhaustive });
  }
  return { rows, props };
}

const withSynthetic = process.env.WITH_SYNTHETIC === '1';
const scenes = [...loadLabelledScenes(), ...(withSynthetic ? loadHardLabelledScenes(3) : [])];
// Only exhaustively labelled frames train the classifier (proposalFit.ts); SUSTech is held out
// entirely, as are the synthetic scenes.
const { car, vru, families, final, heldOutFor } = fitFolds(scenes);
console.log(`training examples: car ${car.length} (${car.filter((e) => e.y).length} positive), pedestrian/cyclist ${vru.length} (${vru.filter((e) => e.y).length} positive)`);

// EVAL_THIN=share: evaluate on the scenes thinned to that share of their points (a sparser sensor
// than any trained on; the objects' point counts stay the full scan's): robustness of the density
// normalisation, an experiment.
const evalThin = Number(process.env.EVAL_THIN ?? 0);
const evalScenes = evalThin ? scenes.map((s) => thinned(s, evalThin)) : scenes;
const held = outcomes(evalScenes, heldOutFor);
const heldEval = evaluateProposals(evalScenes, (s) => held.props.get(s)!, DEFAULT_PROPOSAL_THRESHOLD);
console.log(`\n== held out (each of ${families.join(', ')} scored by a model fitted without it; the rest by the final fit, which never saw them), threshold ${DEFAULT_PROPOSAL_THRESHOLD} ==`);
console.log(formatEval(heldEval));
const hr = recallWithin40(heldEval), hp = precisionWithin40(heldEval);
console.log(`within 40 m: recall ${hr.found}/${hr.n}, precision ${hp.tp}/${hp.n}`);
// SWEEP=0.01 prints every threshold from 0.1 to 0.6 in that step.
const sweep = Number(process.env.SWEEP ?? 0);
const thresholds = sweep ? Array.from({ length: Math.round(0.5 / sweep) + 1 }, (_, k) => Math.round((0.1 + k * sweep) * 1000) / 1000) : [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6];
for (const t of thresholds) {
  const e = evaluateProposals(evalScenes, (s) => held.props.get(s)!, t);
  const r = recallWithin40(e), p = precisionWithin40(e);
  console.log(`held out, threshold ${t}: recall <= 40 m ${r.found}/${r.n} = ${((100 * r.found) / r.n).toFixed(1)}%, precision <= 40 m ${p.tp}/${p.n} = ${((100 * p.tp) / p.n).toFixed(1)}%, cars >= 1000 pts ${e.denseFound}/${e.denseCars}`);
}
// Per sensor (KITTI's three folders together), within 40 m at the default threshold.
const groups: Array<[string, (d: string) => boolean]> = [
  ['KITTI (all folders)', (d) => d.startsWith('kitti')], ['KITTI tracking', (d) => d === 'kitti-tracking-0001'],
  ['Argoverse 2', (d) => d === 'argoverse2'], ['SUSTech', (d) => d === 'sustech'], ['nuScenes', (d) => d === 'nuscenes'],
];
for (const [name, keep] of groups) {
  const e = evaluateProposals(evalScenes.filter((s) => keep(s.dataset)), (s) => held.props.get(s)!, DEFAULT_PROPOSAL_THRESHOLD);
  const r = recallWithin40(e), p = precisionWithin40(e);
  console.log(`held out ${name.padEnd(20)} <= 40 m: recall ${r.found}/${r.n} = ${((100 * r.found) / Math.max(1, r.n)).toFixed(1)}%, precision ${p.tp}/${p.n} = ${((100 * p.tp) / Math.max(1, p.n)).toFixed(1)}%`);
}
// Precision by proposal class within 40 m (a pedestrian/cyclist proposal counts in precision too).
{
  const by = new Map<string, { tp: number; n: number }>();
  for (const s of evalScenes) {
    const props = held.props.get(s)!.filter((p) => p.score >= DEFAULT_PROPOSAL_THRESHOLD);
    for (const o of matchFrame(s, props).outcome) {
      if (Math.hypot(o.proposal.box.center[0], o.proposal.box.center[1]) >= 40) continue;
      const k = `${family(s.dataset)} ${o.proposal.label}`;
      const c = by.get(k) ?? { tp: 0, n: 0 };
      c.n++;
      if (o.tp) c.tp++;
      by.set(k, c);
    }
  }
  console.log(`held out precision <= 40 m by class: ${[...by].sort().map(([k, c]) => `${k} ${c.tp}/${c.n}`).join(', ')}`);
}
console.log('reliability, held out, exhaustively labelled frames (KITTI, AV2, nuScenes), proposals after NMS:');
console.log(reliability(held.rows.filter((r) => r.exhaustive)));
for (const [name, keep] of groups) {
  const rows = held.rows.filter((r) => keep(r.dataset));
  if (rows.length) console.log(`reliability, held out, ${name} (n = ${rows.length}${name === 'SUSTech' ? '; not exhaustively labelled: a lower bound' : ''}):\n${reliability(rows)}`);
}

const fin = outcomes(scenes, () => final);
const finEval = evaluateProposals(scenes, (s) => fin.props.get(s)!, DEFAULT_PROPOSAL_THRESHOLD);
console.log(`\n== final fit on all datasets (in-sample), threshold ${DEFAULT_PROPOSAL_THRESHOLD} ==`);
console.log(formatEval(finEval));
console.log('reliability, final fit (in-sample), exhaustively labelled frames, proposals after NMS:');
console.log(reliability(fin.rows.filter((r) => r.exhaustive)));
console.log('\ncar weights:', FEATURE_NAMES.map((n, i) => `${n}=${final.carModel.weights[i]}`).join(' '), `bias=${final.carModel.bias}`);
console.log('vru weights:', FEATURE_NAMES.map((n, i) => `${n}=${final.vruModel.weights[i]}`).join(' '), `bias=${final.vruModel.bias}`);

if (process.argv.includes('--write')) {
  const fmt = (m: LogisticModel) => JSON.stringify(m, null, 2).replace(/"(\w+)":/g, '$1:');
  writeFileSync(
    new URL('../../core/lidar/proposalWeights.ts', import.meta.url),
    `/**
 * Proposal classifier weights, fitted by tests/tools/fit-proposal-classifier.ts --write on every
 * labelled frame in the shared data (${car.length} car and ${vru.length} pedestrian/cyclist candidate clusters).
 * Do not edit by hand; rerun the script. Feature order: proposalFeatures.ts FEATURE_NAMES
 * (${FEATURE_NAMES.join(', ')}).
 */
import type { LogisticModel } from './logistic';

export const CAR_MODEL: LogisticModel = ${fmt(final.carModel)};

export const VRU_MODEL: LogisticModel = ${fmt(final.vruModel)};
`,
  );
  console.log('wrote core/lidar/proposalWeights.ts');
}
