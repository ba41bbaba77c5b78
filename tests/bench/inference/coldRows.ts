/**
 * The pre-labelling row of the issue #19 table, printed after the cold-start table by
 * `npm run bench cold` (tests/bench/run.ts calls it; cold.bench.ts is left to the CLI and
 * point-cloud rows): YOLOX-nano pre-labelling against a bare session.run loop at the default
 * thread count, quiet and with one core busy, with the load average. Written to
 * .bench/cold/prelabel.md as well.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultIntraOpThreads } from '../../../main/services/inference/threads';
import type { BenchRow } from '../types';
import { HAVE_PRELABEL_DATA, measurePrelabel } from './prelabelRatio';

const WORK = fileURLToPath(new URL('../../../.bench/cold/', import.meta.url));

export default async function coldRows(): Promise<BenchRow[]> {
  if (!HAVE_PRELABEL_DATA) {
    process.stdout.write('pre-labelling row skipped: ../shared/data/models/yolox-nano is absent\n');
    return [];
  }
  const threads = defaultIntraOpThreads();
  const rounds = Math.max(5, Number(process.env.COLD_ROUNDS ?? 5));
  const figures = await measurePrelabel({ threads: [threads], loads: ['quiet', 'busy core'], rounds });
  const lines = [
    `Pre-labelling, YOLOX-nano over ${figures[0].images} images (COCO 139, 6 nuScenes JPEGs, 3 KITTI PNGs, twice), ${threads} intra-op thread${threads > 1 ? 's' : ''} (the default here), medians of ${rounds} interleaved rounds:`,
    '',
    '| measure | Datum | peer | ratio | load average |',
    '|---|---|---|---|---|',
    ...figures.map((f) => `| YOLOX-nano pre-labelling / bare \`session.run\`, ${f.load} | ${f.pipeline.toFixed(1)} img/s (CPU ${f.pipelineCpu.toFixed(1)} ms/img) | ${f.bare.toFixed(1)} img/s (CPU ${f.bareCpu.toFixed(1)} ms/img) | ${f.ratio.toFixed(2)} | ${f.loadBefore} -> ${f.loadAfter} |`),
  ];
  mkdirSync(WORK, { recursive: true });
  writeFileSync(`${WORK}prelabel.md`, lines.join('\n') + '\n');
  process.stdout.write(lines.join('\n') + '\n\n');
  return figures.map((f) => ({ name: `YOLOX-nano pre-labelling / bare session.run (${threads} thread${threads > 1 ? 's' : ''}, ${f.load}, load ${f.loadBefore.split(' ')[0]} -> ${f.loadAfter.split(' ')[0]})`, value: Number(f.ratio.toFixed(3)), unit: 'ratio', target: '>= 0.9', pass: f.ratio >= 0.9 }));
}
