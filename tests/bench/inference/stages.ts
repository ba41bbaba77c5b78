/**
 * Where pre-labelling's time per image goes: each stage of the pipeline run alone, serially, over
 * the bench's images, timed in wall ms and in process CPU ms (process.cpuUsage counts every thread:
 * libvips', ONNX Runtime's, the worker's), so the CPU figures hold under load too.
 * Run: npx tsx tests/bench/inference/stages.ts [threads]
 */
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import ort from 'onnxruntime-node';
import { imageSize, packTensor, planResize, preprocess } from '../../../main/services/inference/preprocess';
import { decodeYolox } from '../../../main/services/inference/adapters/yolo';
import { entry, yoloxManifest, YOLOX } from '../../../main/services/inference/testing/fixtures';
import { benchImages } from './images';

const threads = Number(process.argv[2] ?? 1);
const m = entry(yoloxManifest(), YOLOX);
const input = m.manifest.input!;
const images = benchImages();
const REPS = 3;

interface Stage { wall: number[]; cpu: number[] }
const stages = new Map<string, Stage>();
async function time<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
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
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

sharp.concurrency(1);
const session = await ort.InferenceSession.create(YOLOX, { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
const echo = new Worker(`const { parentPort } = require('node:worker_threads'); parentPort.on('message', (m) => parentPort.postMessage(m, [m.buffer]));`, { eval: true });
const roundTrip = (a: Float32Array) => new Promise<Float32Array>((resolve) => { echo.once('message', resolve); echo.postMessage(a, [a.buffer as ArrayBuffer]); });
const reused = new Float32Array(3 * input.width * input.height);

const la0 = loadavg()[0];
for (let rep = 0; rep < REPS; rep++) {
  for (const src of images) {
    const kind = src.endsWith('.png') ? 'png' : 'jpg';
    const bytes = await time(`read file`, () => readFileSync(src));
    const size = await time(`metadata (header)`, () => imageSize(src));
    const plan = planResize(size.width, size.height, input);
    await time(`decode only, full size (${kind})`, () => sharp(bytes).removeAlpha().raw().toBuffer());
    const raw = await time(`decode + resize, as today (${kind})`, () => sharp(src).removeAlpha().resize(plan.resizedWidth, plan.resizedHeight, { fit: 'fill', kernel: 'linear' }).raw().toBuffer());
    await time(`preprocess() whole (${kind})`, () => preprocess(src, input));
    const t = await time('tensor fill, fresh Float32Array', () => packTensor(raw, plan.resizedWidth, plan.resizedHeight, plan, input));
    await time('fresh 2 MB Float32Array alone', () => new Float32Array(3 * input.width * input.height).fill(0));
    await time('fill of a reused Float32Array', () => reused.fill(1));
    const data = t.data as Float32Array;
    const back = await time('transfer to a worker and back', () => roundTrip(data));
    const out = await time(`session.run (${threads} thread)`, () => session.run({ images: new ort.Tensor('float32', back, t.dims) }));
    const o = out.output;
    await time('copy of the output (1.2 MB)', () => (o.data as Float32Array).slice());
    await time('decode outputs + NMS', () => decodeYolox(o.data as Float32Array, o.dims, plan, { classes: m.manifest.classes, scoreThreshold: 0.3, nmsThreshold: 0.45 }));
  }
}
await echo.terminate();
console.log(`stages, ${threads} intra-op thread(s), n = ${images.length} images x ${REPS}; load average ${la0.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`);
console.log('| stage | n | wall ms (median) | CPU ms (median, all threads) |\n|---|---|---|---|');
for (const [name, s] of stages) console.log(`| ${name} | ${s.wall.length} | ${median(s.wall).toFixed(2)} | ${median(s.cpu).toFixed(2)} |`);
