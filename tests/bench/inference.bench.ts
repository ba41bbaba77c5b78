/**
 * Pre-labelling throughput with YOLOX-nano (issue #19): the pipeline (`predictMany`: read, decode
 * and letterbox of image k + 1 with sharp while image k runs in the inference worker, output
 * decoding and NMS), `datum prelabel`'s service (`ModelService.prelabel`, the pipeline plus writing
 * the predictions) and the pipeline without overlap, each against a bare `session.run` loop on
 * tensors prepared beforehand with the same intra-op thread count: the app's default (from the
 * cores, main/services/inference/threads.ts) and 1; quiet (the machine as it is) and with a child
 * process spinning on one core. Arms alternate round by round; medians of INFERENCE_ROUNDS (>= 5).
 * First a stage profile says where the CPU time per image goes (tests/bench/inference/stages.ts).
 * Everything in tests/bench/inference/; the figures are in docs/performance.md and docs/models.md.
 */
import { loadavg } from 'node:os';
import { defaultIntraOpThreads } from '../../main/services/inference/threads';
import { HAVE_PRELABEL_DATA, describeFigures, measurePrelabel, type PrelabelFigures } from './inference/prelabelRatio';
import { stageProfile, stageTable } from './inference/stages';
import type { BenchRow } from './types';

const ROUNDS = Math.max(5, Number(process.env.INFERENCE_ROUNDS ?? 5));

export default async (): Promise<BenchRow[]> => {
  if (!HAVE_PRELABEL_DATA) {
    console.warn('inference bench skipped: ../shared/data/models/yolox-nano or the COCO image is absent (needs ../shared/data beside the repository)');
    return [];
  }
  const threads = [...new Set([defaultIntraOpThreads(), 1])];
  for (const t of threads) console.log(stageTable(await stageProfile(t)) + '\n');
  const before = loadavg().map((l) => l.toFixed(2)).join(' ');
  const figures = await measurePrelabel({ threads, loads: ['quiet', 'busy core'], rounds: ROUNDS, serial: true, prelabel: true });
  for (const f of figures) console.log(describeFigures(f));
  console.log(`inference bench: load average ${before} -> ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  return figures.flatMap(rows);
};

function rows(f: PrelabelFigures): BenchRow[] {
  const label = `${f.threads} intra-op thread${f.threads > 1 ? 's' : ''}${f.threads === defaultIntraOpThreads() ? ' (the default here)' : ''}, ${f.load}, ${f.images} images x ${f.rounds} rounds, load ${f.loadBefore.split(' ')[0]} -> ${f.loadAfter.split(' ')[0]}`;
  const out: BenchRow[] = [
    { name: `YOLOX-nano bare session.run (${label})`, value: Number(f.bare.toFixed(2)), unit: 'images/s' },
    { name: `YOLOX-nano pre-labelling pipeline (${f.boxes} boxes; ${label})`, value: Number(f.pipeline.toFixed(2)), unit: 'images/s' },
    { name: `YOLOX-nano pre-labelling / bare session.run (${label})`, value: Number(f.ratio.toFixed(3)), unit: 'ratio', target: '>= 0.9', pass: f.ratio >= 0.9 },
    // what the pipeline costs beyond session.run, whatever the neighbours do: the ratio one free core allows
    { name: `CPU per image: bare / pipeline (${label}; bare ${f.bareCpu.toFixed(1)} ms, pipeline ${f.pipelineCpu.toFixed(1)} ms)`, value: Number((f.bareCpu / f.pipelineCpu).toFixed(3)), unit: 'ratio' },
  ];
  if (f.prelabelRatio !== undefined) out.push({ name: `datum prelabel's service (writes the predictions) / bare session.run (${label}; CPU ${f.prelabelCpu!.toFixed(1)} ms/image)`, value: Number(f.prelabelRatio.toFixed(3)), unit: 'ratio' });
  if (f.serialRatio !== undefined) out.push({ name: `pipeline without overlap / bare session.run (${label}; CPU ${f.serialCpu!.toFixed(1)} ms/image)`, value: Number(f.serialRatio.toFixed(3)), unit: 'ratio' });
  return out;
}
