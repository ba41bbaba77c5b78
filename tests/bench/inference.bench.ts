/**
 * Pre-labelling throughput with YOLOX-nano: end to end (decode, letterbox, tensor packing,
 * inference in the worker, decoding and NMS, with image k + 1 prepared while image k is inferred)
 * against bare `session.run` on the same, already prepared, input tensors, with the same intra-op
 * thread count: the app's default (decided from the cores, main/services/inference/threads.ts) and
 * 1 thread. Rounds alternate the two arms; medians of 5; the load average is printed.
 */
import { loadavg } from 'node:os';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { openPredictor } from '../../main/services/inference/predictor';
import { preprocess } from '../../main/services/inference/preprocess';
import { InferenceRuntime } from '../../main/services/inference/runtime';
import { entry, yoloxManifest } from '../../main/services/inference/testing/fixtures';
import { defaultIntraOpThreads } from '../../main/services/inference/threads';
import { medianMs, type BenchRow } from './types';

const DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));

export default async (): Promise<BenchRow[]> => {
  const model = `${DATA}models/yolox-nano/yolox_nano.onnx`;
  if (!existsSync(model)) {
    console.warn(`inference bench skipped: ${model} is absent (needs ../shared/data beside the repository)`);
    return [];
  }
  const images = [
    `${DATA}images/coco139/000000000139.jpg`,
    ...readdirSync(`${DATA}nuscenes`).filter((f) => f.endsWith('.jpg')).map((f) => `${DATA}nuscenes/${f}`),
    ...readdirSync(`${DATA}kitti/image_2`).filter((f) => f.endsWith('.png')).map((f) => `${DATA}kitti/image_2/${f}`),
  ];
  const sources = [...images, ...images]; // 20 images
  const m = entry(yoloxManifest(), model);
  const prepared = await Promise.all(sources.map((s) => preprocess(s, m.manifest.input!)));
  const rows: BenchRow[] = [];
  const before = loadavg().map((l) => l.toFixed(2)).join(' ');
  for (const threads of [...new Set([defaultIntraOpThreads(), 1])]) rows.push(...(await compare(model, m, sources, prepared, threads)));
  console.log(`inference bench: load average ${before} -> ${loadavg().map((l) => l.toFixed(2)).join(' ')}; n = 5 interleaved rounds of ${sources.length} images per figure`);
  return rows;
};

async function compare(model: string, m: ReturnType<typeof entry>, sources: string[], prepared: Awaited<ReturnType<typeof preprocess>>[], threads: number): Promise<BenchRow[]> {
  // bare: one in-process session, inputs prepared beforehand, nothing but session.run
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  const tensors = prepared.map((p) => new ort.Tensor('float32', p.tensor.data as Float32Array, p.tensor.dims));
  const bare = async () => {
    for (const t of tensors) await session.run({ images: t });
  };

  // end to end through the worker runtime and the pipelined predictor
  const runtime = new InferenceRuntime({ threads, providers: ['cpu'] });
  let boxes = 0;
  try {
    const predictor = await openPredictor(runtime, m);
    const e2e = async () => {
      const items = await predictor.predictMany(sources);
      boxes = items.reduce((n, i) => n + (i.predictions?.length ?? 0), 0);
    };
    // the machine is shared: alternate the two so both see the same background load
    await bare();
    await e2e();
    const bareRuns: number[] = [], e2eRuns: number[] = [];
    for (let round = 0; round < 5; round++) {
      bareRuns.push(await medianMs(bare, 1, 0));
      e2eRuns.push(await medianMs(e2e, 1, 0));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const bareMs = median(bareRuns), e2eMs = median(e2eRuns);
    const bareFps = (sources.length * 1000) / bareMs;
    const e2eFps = (sources.length * 1000) / e2eMs;
    const ratio = e2eFps / bareFps;
    const label = `${threads} intra-op thread${threads > 1 ? 's' : ''}${threads === defaultIntraOpThreads() ? ', the default here' : ''}`;
    return [
      { name: `YOLOX-nano bare session.run throughput (${sources.length} images, ${label}, ${runtime.providerFor(m.manifest.id)})`, value: Number(bareFps.toFixed(2)), unit: 'images/s' },
      { name: `YOLOX-nano end-to-end pre-labelling throughput (decode+letterbox+infer+decode+NMS, ${boxes} boxes, ${label})`, value: Number(e2eFps.toFixed(2)), unit: 'images/s' },
      { name: `YOLOX-nano pre-labelling throughput vs bare session.run (${label})`, value: Number(ratio.toFixed(3)), unit: 'ratio', target: '>= 0.9', pass: ratio >= 0.9 },
    ];
  } finally {
    await runtime.close();
    await session.release();
  }
}
