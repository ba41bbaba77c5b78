import { proposeBoxes as mine } from '../../core/lidar/propose';
import { proposeBoxes as base } from '../../../main/core/lidar/propose';
import { readKittiCloud } from '../support/lidarData';
const frames = ['000000', '000001', '000002'].map((f) => readKittiCloud(f));
const t = { mine: [] as number[], base: [] as number[] };
for (let r = 0; r < 3; r++) for (const f of frames) { mine(f.positions, f.count); base(f.positions, f.count); }
for (let r = 0; r < 15; r++)
  for (const f of frames)
    for (const [k, fn] of [['mine', mine], ['base', base]] as const) {
      const t0 = performance.now();
      fn(f.positions, f.count);
      t[k].push(performance.now() - t0);
    }
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log(`n=${t.mine.length} runs (3 KITTI frames x 15): median prop3 ${med(t.mine).toFixed(1)} ms, main ${med(t.base).toFixed(1)} ms; min ${Math.min(...t.mine).toFixed(1)} / ${Math.min(...t.base).toFixed(1)} ms; points ${frames.map((f) => f.count).join(',')}`);
