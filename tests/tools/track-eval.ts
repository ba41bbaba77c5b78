/**
 * Box propagation on every labelled sequence of ../shared/data and on the generated ones:
 * `npx tsx tests/tools/track-eval.ts [--first] [--real] [--two] [--people] [--joint]` prints, per sequence and N (frames ahead), the
 * share of propagated boxes at BEV IoU ≥ 0.7 with the label, identity switches and lost tracks,
 * with n (see tests/support/trackEval.ts for the protocol). --first: only from each track's first
 * labelled frame; --real: skip the generated sequences; --two: start from two labelled frames
 * (velocity from the previous frame's label).
 */
import { realSequences } from '../support/trackScenes';
import { syntheticSequences } from '../support/syntheticSequences';
import { evaluatePropagation, totalRows, type TrackEvalRow } from '../support/trackEval';

const firstOnly = process.argv.includes('--first');
const realOnly = process.argv.includes('--real');
const twoFrames = process.argv.includes('--two');
const joint = process.argv.includes('--joint');
// --people: pedestrians and cyclists instead of vehicles.
const labels = process.argv.includes('--people') ? /^(pedestrian|cyclist|rider|bicyclist|motorcyclist|person_sitting)$/i : undefined;
const pct = (a: number, n: number) => (n ? `${((100 * a) / n).toFixed(1)} %` : '—');
const show = (rows: TrackEvalRow[]) =>
  console.table(rows.map((r) => ({ sequence: r.sequence, N: r.n, n: r.samples, 'IoU≥0.7': pct(r.kept, r.samples), switches: r.switches, lost: r.lost })));

const t0 = Date.now();
const real = realSequences().flatMap((s) => evaluatePropagation(s, { firstOnly, twoFrames, labels, joint }));
show(real);
show(totalRows(real, 'all real'));
if (realOnly) process.exit(0);
const synth = syntheticSequences().flatMap((s) => evaluatePropagation(s, { firstOnly, twoFrames, labels, joint }));
show(synth);
show(totalRows(synth, 'all synthetic'));
console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s`);
