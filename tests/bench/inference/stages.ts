/**
 * Where pre-labelling's time per image goes: each stage of the pipeline run alone, serially, over
 * the bench's images, timed in process CPU ms (process.cpuUsage counts every thread: libvips',
 * ONNX Runtime's, the worker's, so the figures hold under load much better than wall times) and
 * wall ms. Stages the pipeline changed are shown as before / now.
 * Run alone: npx tsx tests/bench/inference/stages.ts [threads]
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import ort from 'onnxruntime-node';
import { decodeYolox } from '../../../main/services/inference/adapters/yolo';
import { imageHeader as readImageHeader } from '../../../core/formats/2d/imageSize';
import type { ModelInput } from '../../../main/services/inference/manifest';
import { packTensor, planResize } from '../../../main/services/inference/preprocess';
import { YOLOX, entry, yoloxManifest } from '../../../main/services/inference/testing/fixtures';
import type { ImageTransform } from '../../../main/services/inference/types';
import { benchImages } from './images';

/** The tensor fill before this change (three passes, one per channel, into a fresh array), for the before / now rows. */
function packBefore(rgb: Uint8Array, rw: number, rh: number, t: ImageTransform, input: ModelInput): Float32Array {
  const W = t.inputWidth, H = t.inputHeight, plane = W * H;
  const out = new Float32Array(3 * plane);
  const order = input.channelOrder === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  for (let c = 0; c < 3; c++) {
    const k = input.scale / input.std[c], b = -input.mean[c] / input.std[c];
    const pad = input.padValue === 'mean' ? 0 : input.padValue * k + b;
    if (pad !== 0) out.fill(pad, c * plane, (c + 1) * plane);
    for (let y = 0; y < rh; y++) {
      let si = y * rw * 3 + order[c];
      let di = c * plane + (y + t.padY) * W + t.padX;
      for (let x = 0; x < rw; x++, si += 3) out[di++] = rgb[si] * k + b;
    }
  }
  return out;
}

export interface StageRow { stage: string; n: number; cpuMs: number; wallMs: number }

export async function stageProfile(threads: number, reps = 3): Promise<{ rows: StageRow[]; images: number; load: string }> {
  const m = entry(yoloxManifest(), YOLOX);
  const input = m.manifest.input!;
  const images = benchImages();
  const stages = new Map<string, { wall: number[]; cpu: number[] }>();
  const time = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await fn();
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    const s = stages.get(name) ?? { wall: [], cpu: [] };
    s.wall.push(wall);
    s.cpu.push((c.user + c.system) / 1000);
    stages.set(name, s);
    return r;
  };
  const previous = sharp.concurrency();
  sharp.concurrency(1); // as during a batch (preprocess.ts withSingleThreadedImaging)
  const session = await ort.InferenceSession.create(YOLOX, { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  const echo = new Worker(`const { parentPort } = require('node:worker_threads'); parentPort.on('message', (m) => parentPort.postMessage(m, [m.buffer]));`, { eval: true });
  const roundTrip = (a: Float32Array) => new Promise<Float32Array>((resolve) => { echo.once('message', resolve); echo.postMessage(a, [a.buffer as ArrayBuffer]); });
  let reused: Float32Array = new Float32Array(3 * input.width * input.height);
  const load0 = loadavg()[0].toFixed(2);
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const src of images) {
        const kind = src.endsWith('.png') ? 'PNG 1242x375' : 'JPEG';
        const bytes = await time('read the file', () => readFile(src));
        await time('image size: before, sharp metadata() of the path', () => sharp(src).metadata());
        const h = await time('image size: now, JPEG/PNG header in JS', () => readImageHeader(bytes))!;
        const plan = planResize(h!.width, h!.height, input);
        const raw = await time(`decode + resize (sharp, shrink-on-load), ${kind}`, () => sharp(bytes).removeAlpha().resize(plan.resizedWidth, plan.resizedHeight, { fit: 'fill', kernel: 'linear' }).raw().toBuffer());
        await time('tensor fill: before, 3 passes, fresh 2 MB array', () => packBefore(raw, plan.resizedWidth, plan.resizedHeight, plan, input));
        const t = await time('tensor fill: now, 1 pass, reused array', () => packTensor(raw, plan.resizedWidth, plan.resizedHeight, plan, input, reused));
        reused = await time('transfer to the worker and back (no copy)', () => roundTrip(t.data as Float32Array));
        const out = await time(`session.run, ${threads} intra-op thread${threads > 1 ? 's' : ''}`, () => session.run({ images: new ort.Tensor('float32', reused, t.dims) }));
        const o = out.output;
        await time('decode outputs + NMS', () => decodeYolox(o.data as Float32Array, o.dims, plan, { classes: m.manifest.classes, scoreThreshold: 0.3, nmsThreshold: 0.45 }));
      }
    }
  } finally {
    await echo.terminate();
    await session.release();
    sharp.concurrency(previous);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rows = [...stages].map(([stage, s]) => ({ stage, n: s.cpu.length, cpuMs: median(s.cpu), wallMs: median(s.wall) }));
  return { rows, images: images.length, load: `${load0} -> ${loadavg()[0].toFixed(2)}` };
}

export function stageTable(p: Awaited<ReturnType<typeof stageProfile>>): string {
  return [
    `Stage profile (each stage alone, serially; medians; load average ${p.load}):`,
    '',
    '| stage | n | CPU ms / image (all threads) | wall ms |',
    '|---|---|---|---|',
    ...p.rows.map((r) => `| ${r.stage} | ${r.n} | ${r.cpuMs.toFixed(2)} | ${r.wallMs.toFixed(2)} |`),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(stageTable(await stageProfile(Number(process.argv[2] ?? 1))));
}
