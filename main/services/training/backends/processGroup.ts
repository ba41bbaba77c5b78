/**
 * Runs one external command as the leader of its own process group (argv, never a shell), streams
 * its output, and on cancel kills the whole group: a trainer's data-loader workers, an `ssh`
 * client's helpers, a shell script's children. Killing only the direct child would leave those
 * running (and holding the GPU) after the job says it was cancelled.
 *
 * SIGTERM first, SIGKILL after `graceMs`. When the leader exits on its own, whatever it left
 * behind in its group is killed too, so a finished job leaves no process of its own.
 */
import { spawn } from 'node:child_process';
import { DatumError } from '../../../rpc/errors';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Each chunk of stdout or stderr, decoded as UTF-8. */
  onOutput(chunk: string): void;
  graceMs?: number;
  /** Called with the group's id once it runs (tests check that none of it survives). */
  onStart?(pgid: number): void;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function killGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Whether any process of the group is alive (signal 0 checks without sending). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export function runProcessGroup(argv: readonly string[], opts: RunOptions): Promise<RunResult> {
  const grace = opts.graceMs ?? 3000;
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) return reject(new DatumError('CANCELLED', 'cancelled'));
    const child = spawn(argv[0], argv.slice(1), { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let hardKill: NodeJS.Timeout | null = null;
    const pgid = child.pid;
    const onAbort = () => {
      if (!pgid) return;
      killGroup(pgid, 'SIGTERM');
      hardKill = setTimeout(() => killGroup(pgid, 'SIGKILL'), grace);
    };
    child.stdout.setEncoding('utf8').on('data', opts.onOutput);
    child.stderr.setEncoding('utf8').on('data', opts.onOutput);
    child.on('error', (err: NodeJS.ErrnoException) => {
      opts.signal.removeEventListener('abort', onAbort);
      reject(err.code === 'ENOENT' ? new DatumError('NOT_FOUND', `${argv[0]}: command not found (is it installed and on PATH?)`) : err);
    });
    // Anything the leader left behind (a worker it forked and forgot) goes with it; that also
    // closes the pipes such a process inherited, so 'close' below does not wait for it.
    child.on('exit', () => {
      if (pgid) killGroup(pgid, 'SIGKILL');
    });
    child.on('close', (code, signal) => {
      opts.signal.removeEventListener('abort', onAbort);
      if (hardKill) clearTimeout(hardKill);
      if (opts.signal.aborted) reject(new DatumError('CANCELLED', 'cancelled'));
      else resolve({ code, signal });
    });
    if (pgid) opts.onStart?.(pgid);
    opts.signal.addEventListener('abort', onAbort, { once: true });
  });
}
