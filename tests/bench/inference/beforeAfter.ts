/**
 * Before / after: an older checkout's pre-labelling pipeline and this one's, in the same interleaved rounds
 * against the same bare session.run loop (1 thread), quiet and with one busy core; medians.
 *   git archive <commit> main core | tar -x -C /tmp/before && ln -s "$PWD/node_modules" /tmp/before/node_modules
 *   BEFORE=/tmp/before npx tsx tests/bench/inference/beforeAfter.ts
 */
import { loadavg } from 'node:os';
import ort from 'onnxruntime-node';
import { openPredictor } from '../../../main/services/inference/predictor';
import { preprocess } from '../../../main/services/inference/preprocess';
import { InferenceRuntime } from '../../../main/services/inference/runtime';
import { YOLOX, entry, yoloxManifest } from '../../../main/services/inference/testing/fixtures';
import { benchImages } from './images';
import { busyCore } from './prelabelRatio';
const BEFORE = process.env.BEFORE;
if (!BEFORE) throw new Error('set BEFORE to an extracted older checkout (see the comment at the top)');
const old = {
  pred: await import(`${BEFORE}/main/services/inference/predictor.ts`),
  rt: await import(`${BEFORE}/main/services/inference/runtime.ts`),
};
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const sources = [...benchImages(), ...benchImages()];
const m = entry(yoloxManifest(), YOLOX);
const prepared = await Promise.all(sources.map((s) => preprocess(s, m.manifest.input!)));
const session = await ort.InferenceSession.create(YOLOX, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
const tensors = prepared.map((p) => new ort.Tensor('float32', p.tensor.data as Float32Array, p.tensor.dims));
const rtNew = new InferenceRuntime({ threads: 1, providers: ['cpu'] });
const rtOld = new old.rt.InferenceRuntime({ threads: 1, providers: ['cpu'] });
const pNew = await openPredictor(rtNew, m);
const pOld = await old.pred.openPredictor(rtOld, m);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
async function timed(fn: () => Promise<unknown>) { const c0 = process.cpuUsage(); const t0 = performance.now(); await fn(); const w = performance.now() - t0; const c = process.cpuUsage(c0); return { fps: sources.length * 1000 / w, cpu: (c.user + c.system) / 1000 / sources.length }; }
const arms: Record<string, () => Promise<unknown>> = {
  bare: async () => { for (const t of tensors) await session.run({ images: t }); },
  before: () => pOld.predictMany(sources),
  now: () => pNew.predictMany(sources),
};
for (const load of ['quiet', 'busy core']) {
  const spin = load === 'busy core' ? busyCore() : null;
  const la0 = loadavg().map((l) => l.toFixed(2)).join(' ');
  for (const f of Object.values(arms)) await f();
  const r: Record<string, { fps: number[]; cpu: number[] }> = {};
  for (let i = 0; i < ROUNDS; i++) for (const [k, f] of Object.entries(arms)) { const x = await timed(f); (r[k] ??= { fps: [], cpu: [] }).fps.push(x.fps); r[k].cpu.push(x.cpu); }
  spin?.stop();
  const b = median(r.bare.fps);
  console.log(`${load} (n = ${sources.length} images x ${ROUNDS} interleaved rounds, load average ${la0} -> ${loadavg().map((l) => l.toFixed(2)).join(' ')}):`);
  for (const k of Object.keys(arms)) console.log(`  ${k.padEnd(7)} ${median(r[k].fps).toFixed(1)} img/s  ratio ${(median(r[k].fps) / b).toFixed(2)}  CPU ${median(r[k].cpu).toFixed(1)} ms/img  (rounds: ${r[k].fps.map((x) => (x / 1).toFixed(1)).join(' ')})`);
}
await rtNew.close(); await rtOld.close(); await session.release();
