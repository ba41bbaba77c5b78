/**
 * Pre-labelling throughput against a bare `session.run` loop (issue #19), shared by
 * `npm run bench inference` and the cold-start table (`npm run bench cold`).
 *
 * Arms, interleaved round by round so background load hits them alike (medians of the rounds):
 *  - bare: one in-process session with the same options and intra-op thread count, running on
 *    input tensors prepared beforehand: nothing but session.run.
 *  - pipeline: `predictMany` through the worker runtime: read + decode + letterbox (sharp) + tensor
 *    fill of image k + 1 while image k runs in the worker, then output decoding and NMS.
 *  - serial (optional): the same pipeline with no overlap (prepare, then infer, one at a time).
 *  - prelabel (optional): `ModelService.prelabel`, what `datum prelabel` runs (less the process
 *    start): the pipeline plus loading and writing each item's annotation document, on a project
 *    of the same images; its predictions are removed (untimed) between rounds.
 * Load: 'quiet' runs as the machine is; 'busy core' adds a child process spinning on one core
 * (pinned with taskset when there is one), started here and stopped by its pid.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { openPredictor, type BatchOptions } from '../../../main/services/inference/predictor';
import { preprocess } from '../../../main/services/inference/preprocess';
import { InferenceRuntime } from '../../../main/services/inference/runtime';
import { HAVE_YOLOX, YOLOX, entry, yoloxManifest } from '../../../main/services/inference/testing/fixtures';
import { ModelService } from '../../../main/services/models';
import { PathGuard } from '../../../main/services/pathGuard';
import { ProjectService } from '../../../main/services/projectService';
import { benchImages } from './images';

export type Load = 'quiet' | 'busy core';

export interface PrelabelFigures {
  threads: number;
  load: Load;
  rounds: number;
  images: number;
  boxes: number;
  /** images/s, medians over the rounds */
  bare: number;
  pipeline: number;
  serial?: number;
  prelabel?: number;
  /** process CPU ms per image (every thread: ONNX Runtime's, libvips', the worker's), medians */
  bareCpu: number;
  pipelineCpu: number;
  serialCpu?: number;
  prelabelCpu?: number;
  /** pipeline / bare of the medians */
  ratio: number;
  serialRatio?: number;
  prelabelRatio?: number;
  loadBefore: string;
  loadAfter: string;
}

const la = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** A busy loop on the machine's last core, as reproducible load; stop() kills it by pid. */
export function busyCore(): { pid: number; stop: () => void } {
  const core = availableParallelism() - 1;
  const hasTaskset = spawnSync('sh', ['-c', 'command -v taskset'], { stdio: 'ignore' }).status === 0;
  const child: ChildProcess = hasTaskset
    ? spawn('taskset', ['-c', String(core), process.execPath, '-e', 'for (;;) {}'], { stdio: 'ignore' })
    : spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  const pid = child.pid!;
  const stop = () => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', stop);
  return { pid, stop };
}

export const HAVE_PRELABEL_DATA = HAVE_YOLOX;

/** A project holding `copies` copies of the bench images, with YOLOX-nano imported into it. */
async function benchProject(images: string[], copies: number): Promise<{ dir: string; projects: ProjectService }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'datum-prelabel-bench-'));
  for (let c = 0; c < copies; c++) {
    mkdirSync(path.join(dir, `copy${c}`));
    images.forEach((f, i) => copyFileSync(f, path.join(dir, `copy${c}`, `${String(i).padStart(2, '0')}-${path.basename(f)}`)));
  }
  const projects = new ProjectService(new PathGuard());
  await projects.create(dir, 'prelabel bench');
  await projects.refreshIndex(() => {}, new AbortController().signal);
  const models = new ModelService(null);
  const yolox = path.dirname(YOLOX);
  await models.import(YOLOX, { preset: 'yolox', classesFile: path.join(yolox, 'coco_classes.txt'), id: 'yolox-nano', destRoot: path.join(dir, 'models') } as never);
  await models.close();
  return { dir, projects };
}

/** Remove the model's predictions again (untimed), so the next round pre-labels every image. */
async function unlabel(projects: ProjectService): Promise<void> {
  for (const item of projects.listItems({ offset: 0, limit: 1000, modality: ['image'] } as never).items) {
    const doc = await projects.loadAnnotations(item.id);
    if (doc.objects.length) await projects.saveAnnotations(item.id, { ...doc, objects: doc.objects.filter((o) => o.source.kind === 'human') });
  }
}

export async function measurePrelabel(opts: { threads: number[]; loads: Load[]; rounds?: number; serial?: boolean; prelabel?: boolean; copies?: number }): Promise<PrelabelFigures[]> {
  const rounds = Math.max(5, opts.rounds ?? 5);
  const images = benchImages();
  const sources = Array.from({ length: opts.copies ?? 2 }, () => images).flat(); // 20 images by default
  const m = entry(yoloxManifest(), YOLOX);
  const prepared = await Promise.all(sources.map((s) => preprocess(s, m.manifest.input!)));
  const out: PrelabelFigures[] = [];
  for (const threads of [...new Set(opts.threads)]) {
    const session = await ort.InferenceSession.create(YOLOX, { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
    const tensors = prepared.map((p) => new ort.Tensor('float32', p.tensor.data as Float32Array, p.tensor.dims));
    const runtime = new InferenceRuntime({ threads, providers: ['cpu'] });
    // ModelService takes its thread count from the environment, as the app does
    const envThreads = process.env.DATUM_INFERENCE_THREADS;
    process.env.DATUM_INFERENCE_THREADS = String(threads);
    const project = opts.prelabel ? await benchProject(images, opts.copies ?? 2) : null;
    const models = opts.prelabel ? new ModelService(null) : null;
    try {
      const predictor = await openPredictor(runtime, m);
      let boxes = 0;
      const cpu = { bare: [] as number[], pipeline: [] as number[], serial: [] as number[], prelabel: [] as number[] };
      let lastCpu = 0;
      const timed = async (fn: () => Promise<void>) => {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await fn();
        const wall = performance.now() - t0;
        const c = process.cpuUsage(c0);
        lastCpu = (c.user + c.system) / 1000 / sources.length;
        return (sources.length * 1000) / wall;
      };
      const bare = () => timed(async () => {
        for (const t of tensors) await session.run({ images: t });
      });
      const pipe = (o: BatchOptions) => timed(async () => {
        const items = await predictor.predictMany(sources, o);
        boxes = items.reduce((n, i) => n + (i.predictions?.length ?? 0), 0);
        const failed = items.find((i) => i.error);
        if (failed) throw new Error(`pre-labelling failed on ${sources[failed.index]}: ${failed.error}`);
      });
      const prelabel = async () => {
        await unlabel(project!.projects);
        return timed(async () => {
          const r = await models!.prelabel(project!.projects, 'yolox-nano');
          if (r.items !== sources.length || r.failed.length) throw new Error(`datum prelabel: ${r.items} items, failed ${JSON.stringify(r.failed)}`);
        });
      };
      for (const load of opts.loads) {
        const spinner = load === 'busy core' ? busyCore() : null;
        try {
          const loadBefore = la();
          await bare(); // warm-up, untimed
          await pipe({});
          if (opts.prelabel) await prelabel();
          const runs = { bare: [] as number[], pipeline: [] as number[], serial: [] as number[], prelabel: [] as number[] };
          for (const k of Object.values(cpu)) k.length = 0;
          for (let r = 0; r < rounds; r++) {
            runs.bare.push(await bare());
            cpu.bare.push(lastCpu);
            runs.pipeline.push(await pipe({}));
            cpu.pipeline.push(lastCpu);
            if (opts.serial) {
              runs.serial.push(await pipe({ overlap: false } as BatchOptions));
              cpu.serial.push(lastCpu);
            }
            if (opts.prelabel) {
              runs.prelabel.push(await prelabel());
              cpu.prelabel.push(lastCpu);
            }
          }
          const b = median(runs.bare), p = median(runs.pipeline), s = opts.serial ? median(runs.serial) : undefined;
          const pl = opts.prelabel ? median(runs.prelabel) : undefined;
          out.push({ threads, load, rounds, images: sources.length, boxes, bare: b, pipeline: p, serial: s, bareCpu: median(cpu.bare), pipelineCpu: median(cpu.pipeline), serialCpu: opts.serial ? median(cpu.serial) : undefined, prelabel: pl, prelabelCpu: opts.prelabel ? median(cpu.prelabel) : undefined, ratio: p / b, serialRatio: s === undefined ? undefined : s / b, prelabelRatio: pl === undefined ? undefined : pl / b, loadBefore, loadAfter: la() });
        } finally {
          spinner?.stop();
        }
      }
    } finally {
      if (envThreads === undefined) delete process.env.DATUM_INFERENCE_THREADS;
      else process.env.DATUM_INFERENCE_THREADS = envThreads;
      await models?.close();
      if (project) rmSync(project.dir, { recursive: true, force: true });
      await runtime.close();
      await session.release();
    }
  }
  return out;
}

/** One line per figure set, for logs and the README. */
export function describeFigures(f: PrelabelFigures): string {
  const serial = f.serial === undefined ? '' : `, serial ${f.serial.toFixed(1)} img/s (ratio ${f.serialRatio!.toFixed(2)}, CPU ${f.serialCpu!.toFixed(1)} ms/img)`;
  const pl = f.prelabel === undefined ? '' : `, datum prelabel ${f.prelabel.toFixed(1)} img/s (ratio ${f.prelabelRatio!.toFixed(2)}, CPU ${f.prelabelCpu!.toFixed(1)} ms/img)`;
  return `${f.threads} thread${f.threads > 1 ? 's' : ''}, ${f.load}: bare ${f.bare.toFixed(1)} img/s (CPU ${f.bareCpu.toFixed(1)} ms/img), pipeline ${f.pipeline.toFixed(1)} img/s (CPU ${f.pipelineCpu.toFixed(1)} ms/img), ratio ${f.ratio.toFixed(2)}${serial}${pl} (n = ${f.images} images x ${f.rounds} interleaved rounds, ${f.boxes} boxes; load average ${f.loadBefore} -> ${f.loadAfter})`;
}
