/**
 * Mutation fuzzing over the real sample files: every mutated input must give either a consistent
 * PointCloud or a PointCloudError naming the file — never another exception, a crash or a hang.
 * Seeded, with a fixed number of iterations, so failures reproduce and the run stays short.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAS_SHARED_DATA, SHARED_DATA } from '../../../tests/helpers/sharedData';
import { parsePointCloud, PointCloudError } from './index';
import { mulberry32 } from '../../random';


const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x30, 0x39, 0x20, 0x0a];

/** One random mutation; headers are hit more often since that is where parsers branch. */
function mutate(src: Uint8Array, rand: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(rand() * n);
  const headerish = () => (rand() < 0.7 ? pick(Math.min(src.length, 400)) : pick(src.length));
  const kind = pick(6);
  if (kind === 0) return src.slice(0, pick(src.length)); // truncate
  const out = src.slice();
  if (kind === 1) {
    for (let k = 1 + pick(8); k > 0; k--) out[headerish()] = pick(256); // random bytes
  } else if (kind === 2) {
    for (let k = 1 + pick(4); k > 0; k--) out[headerish()] = INTERESTING[pick(INTERESTING.length)];
  } else if (kind === 3) {
    const at = headerish(); // 32-bit extremes, e.g. counts and offsets in binary headers
    for (let k = 0; k < 4 && at + k < out.length; k++) out[at + k] = rand() < 0.5 ? 0xff : 0x7f;
  } else if (kind === 4) {
    // Digit run in a text header replaced by a large or zero number.
    const text = new TextDecoder('latin1').decode(out.subarray(0, Math.min(out.length, 400)));
    const runs = [...text.matchAll(/\d+/g)];
    if (runs.length) {
      const run = runs[pick(runs.length)];
      const replacement = new TextEncoder().encode(rand() < 0.5 ? '4294967295' : '0');
      const before = out.subarray(0, run.index!);
      const after = out.subarray(run.index! + run[0].length);
      const merged = new Uint8Array(before.length + replacement.length + after.length);
      merged.set(before);
      merged.set(replacement, before.length);
      merged.set(after, before.length + replacement.length);
      return merged;
    }
  } else {
    const at = pick(out.length); // delete a chunk
    return new Uint8Array([...out.subarray(0, at), ...out.subarray(Math.min(out.length, at + 1 + pick(64)))]);
  }
  return out;
}

const TARGETS: [string, number][] = [
  ['pcd/curve_close.pcd', 250],
  ['pcd/simple-ascii.pcd', 250],
  ['pcd/colored_cloud.pcd', 250],
  ['pcd/car6.pcd', 250],
  ['pcd/milk_color.pcd', 120],
  ['ply/cube_att.ply', 250],
  ['ply/bunny.ply', 80],
  ['las/points-1.4.las', 250],
  ['las/pdrf7-v4-1.4.las', 250],
  ['las/pdrf6-1.4.las', 200],
  ['las/pdrf6-1.4.laz', 40],
  ['kitti/velodyne/000000.bin', 30],
];

describe.skipIf(!HAS_SHARED_DATA)('fuzz: mutated real files', () => {
  it('always yields a consistent cloud or a clean PointCloudError', async () => {
    const rand = mulberry32(20261129);
    const outcomes = { ok: 0, error: 0 };
    const started = performance.now();
    for (const [rel, iterations] of TARGETS) {
      const original = new Uint8Array(readFileSync(join(SHARED_DATA, rel)));
      const name = rel.split('/').pop()!;
      for (let i = 0; i < iterations; i++) {
        const input = mutate(original, rand);
        const t0 = performance.now();
        try {
          const cloud = await parsePointCloud(input, name);
          expect(cloud.positions.length).toBe(cloud.count * 3);
          for (const f of cloud.fields) expect(f.data.length).toBe(cloud.count * f.count);
          outcomes.ok++;
        } catch (e) {
          if (!(e instanceof PointCloudError)) throw new Error(`${rel} iteration ${i}: not a PointCloudError: ${String(e)}`);
          expect(e.message.startsWith(`${name}: `)).toBe(true);
          outcomes.error++;
        }
        // A hang would show as one input taking far longer than a normal parse.
        expect(performance.now() - t0).toBeLessThan(5000);
      }
    }
    expect(outcomes.ok).toBeGreaterThan(100);
    expect(outcomes.error).toBeGreaterThan(100);
    expect(performance.now() - started).toBeLessThan(30_000);
    console.log(`fuzz: ${outcomes.ok} parsed, ${outcomes.error} clean errors in ${Math.round(performance.now() - started)} ms`);
  });
});
