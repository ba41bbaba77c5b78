/**
 * Propagation rows of the LiDAR bench (issue #14): boxes kept at BEV IoU ≥ 0.7 after N frames and
 * identity switches, on the labelled real sequences (SUSTech, KITTI tracking 0001, Argoverse 2)
 * and the generated ones with known motion (tests/support/trackEval.ts for the protocol), plus the
 * cost of the two per-frame steps: ego motion per frame pair and one track step.
 */
import { buildFrameIndex } from '../../core/lidar/frameIndex';
import { egoShiftFor, estimateEgoMotion } from '../../core/lidar/egoMotion';
import { startTrack, stepTrack } from '../../core/lidar/propagate';
import { kittiTrackingSequence, realSequences } from '../support/trackScenes';
import { syntheticSequences } from '../support/syntheticSequences';
import { evaluatePropagation, totalRows, type TrackEvalRow } from '../support/trackEval';
import { medianMs, type BenchRow } from './types';

const pct = (a: number, n: number) => Math.round((1000 * a) / Math.max(1, n)) / 10;

function summary(label: string, rows: TrackEvalRow[]): BenchRow[] {
  const t = rows.reduce((s, r) => ({ n: s.n + r.samples, kept: s.kept + r.kept, switches: s.switches + r.switches, lost: s.lost + r.lost }), { n: 0, kept: 0, switches: 0, lost: 0 });
  return [
    { name: `propagation, ${label}: kept at BEV IoU>=0.7, all N pooled (n=${t.n} box-frames)`, value: pct(t.kept, t.n), unit: '%' },
    { name: `propagation, ${label}: identity switches (n=${t.n})`, value: t.switches, unit: 'boxes' },
    { name: `propagation, ${label}: lost (n=${t.n})`, value: t.lost, unit: 'boxes' },
  ];
}

export async function propagationRows(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const real = realSequences().map((s) => ({ name: s.name, rows: evaluatePropagation(s) }));
  for (const s of real) rows.push(...summary(s.name, s.rows));
  const allReal = totalRows(real.flatMap((s) => s.rows), 'all real');
  for (const r of allReal) rows.push({ name: `propagation, all real vehicles, N=${r.n}: kept at BEV IoU>=0.7 (n=${r.samples}), switches ${r.switches}`, value: pct(r.kept, r.samples), unit: '%' });
  // "Label two key frames": velocity from the previous frame's label.
  const two = totalRows(realSequences().flatMap((s) => evaluatePropagation(s, { twoFrames: true })), 'two frames');
  for (const r of two.filter((r) => r.n <= 3))
    rows.push({ name: `propagation from two labelled frames, all real vehicles, N=${r.n}: kept at BEV IoU>=0.7 (n=${r.samples}), switches ${r.switches}`, value: pct(r.kept, r.samples), unit: '%' });
  // "Propagate all": every labelled object of a frame stepped together, conflicts resolved.
  const joint = totalRows(realSequences().flatMap((s) => evaluatePropagation(s, { joint: true })), 'joint');
  const j = joint.reduce((t, r) => ({ n: t.n + r.samples, kept: t.kept + r.kept, switches: t.switches + r.switches }), { n: 0, kept: 0, switches: 0 });
  rows.push({ name: `propagation of all boxes together, all real vehicles, all N pooled: kept at BEV IoU>=0.7 (n=${j.n}), switches ${j.switches}`, value: pct(j.kept, j.n), unit: '%' });
  const synth = syntheticSequences().map((s) => ({ name: s.name, rows: evaluatePropagation(s) }));
  for (const s of synth) rows.push(...summary(s.name, s.rows));
  for (const r of totalRows(synth.flatMap((s) => s.rows), 'all synthetic'))
    rows.push({ name: `propagation, generated sequences, N=${r.n}: kept at BEV IoU>=0.7 (n=${r.samples}), switches ${r.switches}`, value: pct(r.kept, r.samples), unit: '%' });

  // Cost per frame: ego motion between two KITTI frames (0.3 s apart), one track step.
  const k = kittiTrackingSequence();
  if (k) {
    const [a, b] = [k.frames[0], k.frames[1]].map((f) => buildFrameIndex(f.cloud.positions, f.cloud.count));
    const egoMs = await medianMs(() => estimateEgoMotion(a, b, { maxShift: egoShiftFor(3) }), 5, 1);
    rows.push({ name: `ego motion per frame pair, KITTI tracking (${k.frames[0].cloud.count} pts, ±${egoShiftFor(3)} m)`, value: Math.round(egoMs), unit: 'ms' });
    const ego = estimateEgoMotion(a, b, { maxShift: egoShiftFor(3) }).motion;
    const cars = k.frames[0].labels.filter((l) => l.points >= 10);
    const stepMs = (await medianMs(() => {
      for (const c of cars) stepTrack(startTrack(c.box, 0, a), b, 3, ego);
    }, 5, 1)) / Math.max(1, cars.length);
    rows.push({ name: `one track step (start + align), KITTI tracking (${cars.length} objects, per object)`, value: Math.round(stepMs * 10) / 10, unit: 'ms' });
  }
  return rows;
}
