/**
 * QA bench: runQa over one generated sequence of 1,000 frames with 50 cuboid tracks each (cars and
 * pedestrians on smooth paths with label noise, one keyframe per frame), all checks on except the
 * points check (no clouds). Target: within 10 s. Ten boxes are moved by 3 m and ten keyframes
 * deleted (in different tracks); the rows report how many of them are found and what else is.
 *
 * npx tsx -e "import('./tests/bench/qa.bench.ts').then(m=>m.default()).then(r=>console.table(r))"
 */
import type { Track } from '../../core/document/schema';
import { runQa, type QaItem } from '../../core/qa';
import type { BenchRow } from './types';
import { mulberry32 as rng } from '../../core/random';


export function generateSequence(frames = 1000, objects = 50, seed = 1): QaItem {
  const r = rng(seed);
  const noise = (s: number) => (r() - 0.5) * 2 * s;
  const tracks: Track[] = [];
  for (let k = 0; k < objects; k++) {
    const ped = k % 5 === 0;
    const size: [number, number, number] = ped ? [0.6, 0.6, 1.7] : [4.2 + noise(0.3), 1.8 + noise(0.1), 1.6 + noise(0.1)];
    // one lane per object, 4 m apart, so nothing overlaps
    const y0 = k * 4 - 100;
    const x0 = noise(20);
    const speed = ped ? 0.12 : 0.3 + r() * 1.2; // metres per frame
    const yaw = 0;
    const keyframes = [];
    for (let f = 0; f < frames; f++) {
      const x = x0 + speed * f;
      keyframes.push({
        frame: f,
        geometry: { kind: 'cuboid3d' as const, center: [x + noise(0.05), y0 + noise(0.05), 0.85 + noise(0.02)] as [number, number, number], size, yaw: yaw + noise(0.02) },
        outside: false,
        occluded: false,
        attributes: {},
      });
    }
    tracks.push({ id: `t${k}`, label: ped ? 'pedestrian' : 'car', attributes: {}, keyframes, source: { kind: 'human' }, zOrder: 0 });
  }
  // injected errors: a 3 m shift on tracks 1..10, a deleted keyframe on tracks 11..20
  for (let k = 1; k <= 10; k++) {
    const kf = tracks[k].keyframes[500 + k];
    const g = kf.geometry as { center: [number, number, number] };
    g.center = [g.center[0], g.center[1] + 3, g.center[2]];
  }
  for (let k = 11; k <= 20; k++) tracks[k].keyframes.splice(300 + k, 1);
  return { id: 'bench', name: 'bench', frames: Array.from({ length: frames }, (_, frame) => ({ frame, objects: [] })), tracks };
}

export default async function bench(): Promise<BenchRow[]> {
  const item = generateSequence();
  const t0 = performance.now();
  const findings = runQa([item], { labels: [] });
  const ms = performance.now() - t0;
  const expected = new Set([
    ...Array.from({ length: 10 }, (_, i) => `track-jump:t${i + 1}:${501 + i}`),
    ...Array.from({ length: 10 }, (_, i) => `track-gap:t${i + 11}:${311 + i}`),
  ]);
  const keys = findings.map((f) => `${f.check}:${f.object}:${f.frame}`);
  const found = keys.filter((k) => expected.has(k)).length;
  const other = keys.length - found;
  return [
    { name: 'runQa, 1,000 frames × 50 cuboid tracks (all checks but points)', value: Math.round(ms), unit: 'ms', target: '<= 10000 ms', pass: ms <= 10_000 },
    { name: 'injected errors found (10 moved boxes, 10 deleted keyframes)', value: found, unit: 'of 20', target: '20', pass: found === 20 },
    { name: 'other findings on the generated sequence', value: other, unit: 'findings', target: '0', pass: other === 0 },
  ];
}
