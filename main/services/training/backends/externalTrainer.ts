/**
 * What the `command` and `ssh` back ends share: options, the train-then-export run of an
 * Ultralytics-style trainer with its progress parsed from the output, and turning what it wrote
 * (an ONNX file and results.csv) into TrainedArtifacts. Where the commands run and how files get
 * there is the `TrainerHost`'s business (this machine, or a server over ssh).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { expandTemplate, ULTRALYTICS_DEFAULTS, ULTRALYTICS_TEMPLATES, TemplateError, type TemplateValues } from '../../../../core/training/commandTemplate';
import type { TrainedArtifacts, TrainingContext, TrainingJobSpec, ValidationMetrics } from '../../../../core/training/job';
import { UltralyticsLogParser, metricsFromResults, parseResultsCsv } from '../../../../core/training/ultralyticsLog';
import { DatumError } from '../../../rpc/errors';
import { PRESETS } from '../../models';

const Template = z.union([z.string().min(1), z.array(z.string()).min(1)]);

export const TrainerOptions = z.object({
  /** The training command (a command line, or argv words). */
  train: Template.default(ULTRALYTICS_TEMPLATES.train),
  /** The export command; null when the training command writes the ONNX itself. */
  export: Template.nullable().default(ULTRALYTICS_TEMPLATES.export),
  /** Where the ONNX file is once both commands ran (a template). */
  onnx: z.string().min(1).default(ULTRALYTICS_TEMPLATES.onnx),
  /** The trainer's per-epoch results.csv (a template); metrics come from its best epoch. */
  results: z.string().min(1).default(ULTRALYTICS_TEMPLATES.results),
  epochs: z.number().int().min(1).max(100_000).default(ULTRALYTICS_DEFAULTS.epochs),
  imgsz: z.number().int().min(32).max(8192).default(ULTRALYTICS_DEFAULTS.imgsz),
  batch: z.number().int().min(-1).max(4096).default(ULTRALYTICS_DEFAULTS.batch),
  /** Starting weights or model config, as the trainer names them (a local file when offline). */
  model: z.string().min(1).default(ULTRALYTICS_DEFAULTS.model),
  device: z.string().min(1).default(ULTRALYTICS_DEFAULTS.device),
  /** Extra environment variables for the commands (e.g. YOLO_OFFLINE=1). */
  env: z.record(z.string(), z.string()).default({}),
});
export type TrainerOptions = z.infer<typeof TrainerOptions>;

export function parseOptions<T extends z.ZodTypeAny>(schema: T, job: TrainingJobSpec): z.infer<T> {
  const r = schema.safeParse(job.options ?? {});
  if (!r.success) throw new DatumError('BAD_REQUEST', `${job.backend} back end options: ${r.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** Where and how the trainer runs. Paths it hands out are as the trainer sees them. */
export interface TrainerHost {
  /** data.yaml and the work folder as the commands see them. */
  dataYaml: string;
  snapshotDir: string;
  workDir: string;
  /** Runs one command to its end; rejects on a non-zero exit (with the output's tail) or cancel. */
  run(argv: string[], onOutput: (chunk: string) => void): Promise<void>;
  /** Makes the trainer's file available locally inside ctx.workDir and returns its local path (null when it does not exist). */
  fetch(trainerPath: string, localName: string): Promise<string | null>;
}

/**
 * Where this back end's work sits on the job's progress bar (0..1 over the whole job): the runner
 * takes 0–0.45 for the snapshot and 0.85–1 for evaluation and installation, as with `local`.
 */
const BAR = { train: 0.45, export: 0.8, done: 0.85 };

export async function runExternalTrainer(
  job: TrainingJobSpec,
  ctx: TrainingContext,
  host: TrainerHost,
  opts: TrainerOptions,
  snapshot: { classes: string[]; valObjects: number },
): Promise<TrainedArtifacts> {
  const values: TemplateValues = {
    data: host.dataYaml,
    snapshot: host.snapshotDir,
    workdir: host.workDir,
    epochs: opts.epochs,
    imgsz: opts.imgsz,
    batch: opts.batch,
    model: opts.model,
    device: opts.device,
  };
  let onnxAt: string;
  let resultsAt: string;
  let trainArgv: string[];
  let exportArgv: string[] | null;
  try {
    onnxAt = expandTemplate([opts.onnx], values)[0];
    resultsAt = expandTemplate([opts.results], values)[0];
    Object.assign(values, { onnx: onnxAt, results: resultsAt });
    trainArgv = expandTemplate(opts.train, values);
    exportArgv = opts.export === null ? null : expandTemplate(opts.export, values);
  } catch (err) {
    if (err instanceof TemplateError) throw new DatumError('BAD_REQUEST', `command template: ${err.message}`);
    throw err;
  }

  ctx.progress({ phase: 'train', fraction: BAR.train, epochs: opts.epochs, message: trainArgv.join(' ') });
  const parser = new UltralyticsLogParser(
    (r) => {
      const done = (r.epoch - 1 + (r.batchFraction ?? 0)) / r.epochs;
      const losses = Object.entries(r.metrics).filter(([k]) => k.endsWith('_loss'));
      const metrics = { ...r.metrics };
      if (losses.length) metrics.loss = losses.reduce((s, [, v]) => s + v, 0);
      ctx.progress({ phase: 'train', fraction: BAR.train + (BAR.export - BAR.train) * Math.min(1, done), epoch: r.epoch, epochs: r.epochs, metrics });
    },
    (line) => ctx.log(line),
  );
  await host.run(trainArgv, (c) => parser.push(c));
  parser.end();

  if (exportArgv) {
    ctx.progress({ phase: 'export', fraction: BAR.export, message: exportArgv.join(' ') });
    const exportLog = new UltralyticsLogParser(() => {}, (line) => ctx.log(line));
    await host.run(exportArgv, (c) => exportLog.push(c));
    exportLog.end();
  }

  const onnxPath = await host.fetch(onnxAt, 'model.onnx');
  if (!onnxPath) throw new DatumError('NOT_FOUND', `the trainer finished but wrote no ONNX file at ${onnxAt} (check the export command and the onnx path option)`);
  const resultsPath = await host.fetch(resultsAt, 'results.csv');
  let metrics: ValidationMetrics | null = null;
  if (resultsPath) metrics = metricsFromResults(parseResultsCsv(await fs.readFile(resultsPath, 'utf8')), snapshot.valObjects);
  if (!metrics) {
    // No results.csv (another trainer): the last validation line it printed.
    const last = parser.latest();
    if (last?.validated) {
      metrics = {
        primary: { name: 'mAP50-95', value: last.metrics['mAP50-95'] },
        precision: last.metrics.precision,
        recall: last.metrics.recall,
        mAP50: last.metrics.mAP50,
        n: snapshot.valObjects,
      };
    }
  }
  if (!metrics) throw new DatumError('BAD_FILE', `the trainer reported no validation metrics (no readable ${path.basename(resultsAt)} and no validation line in its output)`);
  const final: Record<string, number> = { [metrics.primary.name]: metrics.primary.value };
  if (metrics.precision !== undefined) final.precision = metrics.precision;
  if (metrics.recall !== undefined) final.recall = metrics.recall;
  ctx.progress({ phase: 'export', fraction: BAR.done, metrics: final });

  const preset = PRESETS.yolov8;
  return {
    onnxPath,
    manifest: {
      name: `${job.modelId} (${job.backend}, ${opts.epochs} epochs)`,
      task: 'detect2d',
      adapter: preset.adapter,
      input: { ...preset.input, width: opts.imgsz, height: opts.imgsz },
      classes: snapshot.classes,
      thresholds: preset.thresholds,
    },
    metrics,
  };
}
