/**
 * The `ssh` back end: the `command` back end's trainer run on a training server. The snapshot is
 * copied up (`scp -r` by default), the train and export commands run there through the system
 * `ssh` client in BatchMode, their output streams back and is parsed like a local run, and the ONNX
 * and results.csv are copied back into the job's work folder. Everything is argv on this side; the
 * one string a shell reads is the remote command line, built from argv words each quoted for a
 * POSIX shell (`shellLine`), so a value can never become remote shell syntax.
 *
 * On the server a job lives in `<remoteDir>/<jobId>/` (relative paths are under the login's home):
 * `snapshot/` (data.yaml, images, labels) and `work/` (the trainer's output); the commands run
 * with that folder as the current one, so `{data}` is `snapshot/data.yaml` and `{workdir}` `work`.
 *
 * Cancel: killing the local ssh client does not stop a remote command that has no terminal, so
 * each remote command records its pid (`exec` keeps it; sshd made it a session and group leader)
 * and cancel runs `kill -- -<pid>` over a second connection before the job reports cancelled.
 */
import path from 'node:path';
import { z } from 'zod';
import { expandTemplate, shellLine, shellQuote, SSH_TEMPLATES, TemplateError, type TemplateValues } from '../../../../core/training/commandTemplate';
import type { TrainedArtifacts, TrainingBackend, TrainingContext, TrainingJobSpec, TrainingTask } from '../../../../core/training/job';
import { DatumError } from '../../../rpc/errors';
import { localRunner, yoloExporter, type SnapshotExporter } from './command';
import { parseOptions, runExternalTrainer, TrainerOptions, type TrainerHost } from './externalTrainer';

const Template = z.union([z.string().min(1), z.array(z.string()).min(1)]);

export const SshOptions = TrainerOptions.extend({
  /** `host` or `user@host` (or an alias of ~/.ssh/config); never starts with `-`. */
  host: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9._@-]*$/, 'a host name, user@host or ssh config alias'),
  port: z.number().int().min(1).max(65535).default(22),
  /** Folder on the server that holds the jobs (relative: under the login's home). */
  remoteDir: z.string().regex(/^[A-Za-z0-9._/-]+$/, 'letters, digits, . _ - and /').default('datum-jobs'),
  ssh: Template.default(SSH_TEMPLATES.ssh),
  copyUp: Template.default(SSH_TEMPLATES.copyUp),
  copyDown: Template.default(SSH_TEMPLATES.copyDown),
  /** Keep the job's folder on the server afterwards (default: removed). */
  keepRemote: z.boolean().default(false),
});
export type SshOptions = z.infer<typeof SshOptions>;

const JOB_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** argv of `ssh ... host <remote line>` (exported for the argument tests). */
export function sshArgv(opts: Pick<SshOptions, 'ssh' | 'host' | 'port'>, remoteLine: string): string[] {
  return [...fill(opts.ssh, { host: opts.host, port: opts.port }), remoteLine];
}

/** The remote line that runs one trainer command in the job folder, recording its pid for cancel. */
export function remoteRunLine(jobDir: string, argv: readonly string[], env: Record<string, string>): string {
  const envWords = Object.entries(env).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new DatumError('BAD_REQUEST', `environment variable name ${k}`);
    return `${k}=${v}`;
  });
  const command = envWords.length ? ['env', ...envWords, ...argv] : [...argv];
  return `cd ${shellQuote(jobDir)} && echo $$ > job.pid && exec ${shellLine(command)}`;
}

/** The remote line that stops the command recorded in job.pid: its whole process group. */
export function remoteKillLine(jobDir: string): string {
  const pidFile = shellQuote(`${jobDir}/job.pid`);
  // `kill -TERM -<pgid>`, not `kill -TERM -- -<pgid>`: dash (Debian's sh) refuses the latter.
  return `p=$(cat ${pidFile} 2>/dev/null) && kill -TERM -$p 2>/dev/null; sleep 2; [ -n "$p" ] && kill -KILL -$p 2>/dev/null; true`;
}

function fill(template: string | readonly string[], values: TemplateValues): string[] {
  try {
    return expandTemplate(template, values);
  } catch (err) {
    if (err instanceof TemplateError) throw new DatumError('BAD_REQUEST', `ssh back end template: ${err.message}`);
    throw err;
  }
}

export class SshBackend implements TrainingBackend {
  readonly kind = 'ssh' as const;

  constructor(private readonly exportSnapshot: SnapshotExporter = yoloExporter) {}

  supports(task: TrainingTask): boolean {
    return task === 'detect2d';
  }

  async run(job: TrainingJobSpec, ctx: TrainingContext): Promise<TrainedArtifacts> {
    if (!this.supports(job.task)) throw new DatumError('UNSUPPORTED', `the ssh back end trains detect2d (YOLO format), not ${job.task}`);
    if (!JOB_ID.test(job.jobId)) throw new DatumError('BAD_REQUEST', `job id ${job.jobId}: letters, digits, . _ - only`);
    const opts = parseOptions(SshOptions, job);
    const jobDir = `${opts.remoteDir.replace(/\/+$/, '')}/${job.jobId}`;
    const run = localRunner(ctx, {});
    const where = { host: opts.host, port: opts.port };
    // Housekeeping commands (mkdir, kill, rm) run even after a cancel, with their own deadline.
    const housekeeping = async (line: string) => {
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), 30_000);
      try {
        await localRunner({ ...ctx, signal: deadline.signal }, {})(sshArgv(opts, line), (c) => ctx.log(c.trimEnd()));
      } finally {
        clearTimeout(timer);
      }
    };

    ctx.progress({ phase: 'snapshot', fraction: 0.45, message: `YOLO export, copy to ${opts.host}` });
    const snap = await this.exportSnapshot(ctx.snapshot, ctx.snapshotDir);
    try {
      await run(sshArgv(opts, `mkdir -p ${shellQuote(jobDir)}`), (c) => ctx.log(c.trimEnd()));
      await run(fill(opts.copyUp, { ...where, local: ctx.snapshotDir, remote: `${jobDir}/snapshot` }), (c) => ctx.log(c.trimEnd()));
      const host: TrainerHost = {
        dataYaml: 'snapshot/data.yaml',
        snapshotDir: 'snapshot',
        workDir: 'work',
        run: async (argv, onOutput) => {
          let killing: Promise<void> | null = null;
          const onAbort = () => {
            killing = housekeeping(remoteKillLine(jobDir)).catch((err) => ctx.log(`could not stop the remote command: ${(err as Error).message}`));
          };
          ctx.signal.addEventListener('abort', onAbort, { once: true });
          try {
            await run(sshArgv(opts, remoteRunLine(jobDir, argv, opts.env)), onOutput);
          } finally {
            ctx.signal.removeEventListener('abort', onAbort);
            if (killing) await killing;
          }
        },
        fetch: async (remote, localName) => {
          const local = path.join(ctx.workDir, localName);
          const remotePath = remote.startsWith('/') ? remote : `${jobDir}/${remote}`;
          try {
            await run(fill(opts.copyDown, { ...where, remote: remotePath, local }), (c) => ctx.log(c.trimEnd()));
            return local;
          } catch (err) {
            if ((err as DatumError).code === 'CANCELLED' || (err as DatumError).code === 'BAD_REQUEST') throw err;
            ctx.log(`${remotePath}: not copied back (${(err as Error).message.split('\n')[0]})`);
            return null;
          }
        },
      };
      return await runExternalTrainer(job, ctx, host, opts, { classes: snap.classes, valObjects: snap.objects.val });
    } finally {
      if (!opts.keepRemote) await housekeeping(`rm -rf ${shellQuote(jobDir)}`).catch((err) => ctx.log(`could not remove ${jobDir} on ${opts.host}: ${(err as Error).message}`));
    }
  }
}
