/**
 * Per-frame time of the 3D proposals (preprocessing included) on the shared KITTI frames, this
 * checkout against another copy of core/ (BASE=/path/with/core), interleaved so both see the same
 * machine load: medians over ROUNDS rounds of one call per frame each.
 *
 * `BASE=/tmp/base npx tsx tests/tools/prop-time.ts [rounds]`
 */
import { proposeBoxes } from '../../core/lidar/propose';
import { readKittiCloud, KITTI_FRAMES } from '../support/lidarData';

const rounds = Number(process.argv[2] ?? 20);
const base = process.env.BASE ? ((await import(`${process.env.BASE}/core/lidar/propose.ts`)) as { proposeBoxes: typeof proposeBoxes }).proposeBoxes : undefined;
const clouds = KITTI_FRAMES.map(readKittiCloud);
const times = { new: [] as number[], base: [] as number[] };
for (let r = 0; r < rounds + 2; r++)
  for (const c of clouds)
    // Alternating which goes first each round, so neither always runs on the other's garbage.
    for (const [k, f] of (r % 2 ? [['base', base], ['new', proposeBoxes]] : [['new', proposeBoxes], ['base', base]]) as Array<readonly ['new' | 'base', typeof proposeBoxes | undefined]>) {
      if (!f) continue;
      const t = performance.now();
      f(c.positions, c.count);
      if (r >= 2) times[k].push(performance.now() - t);
    }
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(`per KITTI frame (${clouds[0].count} points), median of ${times.new.length}: this checkout ${med(times.new).toFixed(1)} ms${base ? `, base ${med(times.base).toFixed(1)} ms` : ''}`);
