/**
 * The `command` back end: an external trainer installed on this machine (Ultralytics by default),
 * run as a child process group with argv (no shell), its progress parsed from its output, cancel
 * killing the whole group, and the ONNX it exported returned with the metrics of its results.csv.
 * The runner installs the ONNX as a new model version (or throws the work folder away).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SnapshotDescription, TrainedArtifacts, TrainingBackend, TrainingContext, TrainingJobSpec, TrainingTask } from '../../../../core/training/job';
import { DatumError } from '../../../rpc/errors';
import { parseOptions, runExternalTrainer, TrainerOptions, type TrainerHost } from './externalTrainer';
import { runProcessGroup } from './processGroup';
import { yoloFromSnapshotDir } from '../yoloSnapshot';

/** Writes the snapshot in the trainer's layout into its folder (default: YOLO from the runner's table.json). */
export type SnapshotExporter = (snapshot: SnapshotDescription, snapshotDir: string) => Promise<{ dataYaml: string; classes: string[]; objects: { val: number } }>;
export const yoloExporter: SnapshotExporter = (_snapshot, dir) => yoloFromSnapshotDir(dir);

const TAIL_LINES = 20;

/** Runs commands here; keeps the output's last lines for the error message of a failed command. */
export function localRunner(ctx: TrainingContext, env: Record<string, string>, hooks: { onStart?(pgid: number): void } = {}) {
  return async (argv: string[], onOutput: (chunk: string) => void, cwd = ctx.workDir): Promise<void> => {
    let tail = '';
    const r = await runProcessGroup(argv, {
      cwd,
      env: { ...process.env, ...env },
      signal: ctx.signal,
      onStart: hooks.onStart,
      onOutput: (chunk) => {
        tail = (tail + chunk).split(/\r?\n|\r/).slice(-TAIL_LINES).join('\n');
        onOutput(chunk);
      },
    });
    if (r.code !== 0) {
      const how = r.signal ? `was killed by ${r.signal}` : `exited with code ${r.code}`;
      throw new DatumError('INTERNAL', `${path.basename(argv[0])} ${how}:\n${tail.trim()}`);
    }
  };
}

/** A file the trainer wrote, copied into the job's work folder when it is elsewhere. */
async function localFetch(workDir: string, file: string, localName: string): Promise<string | null> {
  const abs = path.resolve(workDir, file);
  const st = await fs.stat(abs).catch(() => null);
  if (!st?.isFile()) return null;
  if (abs.startsWith(path.resolve(workDir) + path.sep)) return abs;
  const target = path.join(workDir, localName);
  await fs.copyFile(abs, target);
  return target;
}

export class CommandBackend implements TrainingBackend {
  readonly kind = 'command' as const;

  constructor(
    private readonly exportSnapshot: SnapshotExporter = yoloExporter,
    private readonly hooks: { onStart?(pgid: number): void } = {},
  ) {}

  supports(task: TrainingTask): boolean {
    return task === 'detect2d';
  }

  async run(job: TrainingJobSpec, ctx: TrainingContext): Promise<TrainedArtifacts> {
    if (!this.supports(job.task)) throw new DatumError('UNSUPPORTED', `the command back end trains detect2d (YOLO format), not ${job.task}`);
    const opts = parseOptions(TrainerOptions, job);
    ctx.progress({ phase: 'snapshot', fraction: 0.45, message: 'YOLO export' });
    const snap = await this.exportSnapshot(ctx.snapshot, ctx.snapshotDir);
    const run = localRunner(ctx, opts.env, this.hooks);
    const host: TrainerHost = {
      dataYaml: snap.dataYaml,
      snapshotDir: ctx.snapshotDir,
      workDir: ctx.workDir,
      run: (argv, onOutput) => run(argv, onOutput),
      fetch: (file, name) => localFetch(ctx.workDir, file, name),
    };
    return runExternalTrainer(job, ctx, host, opts, { classes: snap.classes, valObjects: snap.objects.val });
  }
}
