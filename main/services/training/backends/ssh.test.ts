/**
 * The ssh back end. No ssh server is reachable here, so the `ssh` and `scp` programs are replaced
 * by a local stand-in (testing/fakeRemote.ts) that runs the remote command line with `sh -c` in a
 * folder playing the server's home, and copies files for scp. The argv built for the real OpenSSH
 * client is checked separately.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainingContext, TrainingJobSpec, TrainingProgress } from '../../../../core/training/job';
import { hasKittiTracking, kittiImageProject, snapshotFor } from '../testing/kittiProject';
import { remoteKillLine, remoteRunLine, SshBackend, SshOptions, sshArgv } from './ssh';

const TSX = import.meta.resolve('tsx');
const FAKE_TRAINER = fileURLToPath(new URL('../testing/fakeUltralytics.ts', import.meta.url));
const FAKE_REMOTE = fileURLToPath(new URL('../testing/fakeRemote.ts', import.meta.url));
const node = [process.execPath, '--import', TSX];

const tmp = mkdtempSync(path.join(os.tmpdir(), 'datum-ssh-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('ssh argv (the real OpenSSH client)', () => {
  const opts = SshOptions.parse({ host: 'gpu@train-box' });

  it('uses BatchMode, the port, `--` before the host, and the remote line as one last word', () => {
    expect(sshArgv(opts, 'cd x && exec yolo')).toEqual(['ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=20', '-p', '22', '--', 'gpu@train-box', 'cd x && exec yolo']);
  });

  it('quotes every trainer word for the remote shell and records the pid for cancel', () => {
    const line = remoteRunLine('datum-jobs/j1', ['yolo', 'detect', 'train', "data=/x/it's $(reboot).yaml"], { YOLO_OFFLINE: '1' });
    expect(line).toBe(`cd datum-jobs/j1 && echo $$ > job.pid && exec env YOLO_OFFLINE=1 yolo detect train 'data=/x/it'\\''s $(reboot).yaml'`);
    // What a POSIX shell makes of it: the same words back, nothing run.
    const echoed = execFileSync('sh', ['-c', line.replace(/^cd .* && exec /, 'printf "%s\\n" ')], { encoding: 'utf8' });
    expect(echoed.split('\n').filter(Boolean)).toEqual(['env', 'YOLO_OFFLINE=1', 'yolo', 'detect', 'train', "data=/x/it's $(reboot).yaml"]);
    expect(remoteKillLine('datum-jobs/j1')).toContain('kill -TERM -$p');
  });

  it('refuses a host that could be read as an option, and bad env names', () => {
    expect(SshOptions.safeParse({ host: '-oProxyCommand=touch /tmp/x' }).success).toBe(false);
    expect(SshOptions.safeParse({ host: 'a b' }).success).toBe(false);
    expect(SshOptions.safeParse({ host: 'box', remoteDir: 'a;b' }).success).toBe(false);
    expect(() => remoteRunLine('d', ['x'], { 'A;B': '1' })).toThrow(/environment variable name/);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasKittiTracking)('ssh back end through a local stand-in for ssh and scp', () => {
  async function setup(name: string, extraEnv: Record<string, string> = {}) {
    const projects = await kittiImageProject(path.join(tmp, name, 'project'));
    const workDir = path.join(tmp, name, 'work');
    const snapshotDir = path.join(workDir, 'snapshot');
    const home = path.join(tmp, name, 'server-home');
    const { snapshot } = await snapshotFor(projects, { jobId: `job-${name}`, task: 'detect2d', backend: 'ssh', modelId: 'kitti-yolo' }, snapshotDir);
    mkdirSync(home, { recursive: true });
    const logFile = path.join(tmp, name, 'remote.log');
    process.env.FAKE_REMOTE_HOME = home;
    process.env.FAKE_REMOTE_LOG = logFile;
    const events: TrainingProgress[] = [];
    const abort = new AbortController();
    const ctx: TrainingContext = { workDir, snapshotDir, snapshot, signal: abort.signal, progress: (p) => events.push(p), log: () => {} };
    const options = {
      host: 'trainer',
      ssh: [...node, FAKE_REMOTE, 'ssh', '-o', 'BatchMode=yes', '-p', '{port}', '--', '{host}'],
      copyUp: [...node, FAKE_REMOTE, 'scp', '-B', '-q', '-r', '-P', '{port}', '{local}', '{host}:{remote}'],
      copyDown: [...node, FAKE_REMOTE, 'scp', '-B', '-q', '-P', '{port}', '{host}:{remote}', '{local}'],
      train: [...node, FAKE_TRAINER, 'detect', 'train', 'data={data}', 'epochs={epochs}', 'imgsz={imgsz}', 'project={workdir}', 'name=train'],
      export: [...node, FAKE_TRAINER, 'export', 'model={workdir}/train/weights/best.pt', 'format=onnx', 'imgsz={imgsz}'],
      epochs: 3,
      imgsz: 320,
      env: extraEnv,
    };
    const job: TrainingJobSpec = { jobId: `job-${name}`, task: 'detect2d', backend: 'ssh', modelId: 'kitti-yolo', options };
    return { backend: new SshBackend(), ctx, events, abort, job, home, logFile, workDir, snapshot };
  }

  it('copies the snapshot up, runs the trainer there, streams its progress and copies the ONNX and results back', async () => {
    const s = await setup('ok');
    const result = await s.backend.run(s.job, s.ctx);
    expect(result.onnxPath).toBe(path.join(s.workDir, 'model.onnx'));
    expect(readFileSync(result.onnxPath).length).toBeGreaterThan(100);
    expect(result.metrics).toMatchObject({ primary: { name: 'mAP50-95', value: 0.5 }, precision: 0.8 });
    expect(s.events.filter((e) => e.metrics?.recall !== undefined && e.phase === 'train').map((e) => e.epoch)).toEqual([1, 2, 3]);
    // The server's job folder is removed afterwards; the trainer saw relative paths under it.
    expect(readdirSync(path.join(s.home, 'datum-jobs'))).toEqual([]);
    const calls = readFileSync(s.logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
    expect(calls.map((c) => c[0])).toEqual(['ssh', 'scp', 'ssh', 'ssh', 'scp', 'scp', 'ssh']);
    expect(calls[2].at(-1)).toMatch(/^cd datum-jobs\/job-ok && echo \$\$ > job.pid && exec .* detect train data=snapshot\/data.yaml epochs=3/);
  }, 120_000);

  it('cancel stops the remote trainer and its worker (a second connection kills its process group)', async () => {
    const s = await setup('cancel', { FAKE_EPOCH_MS: '2000', FAKE_SPAWN_CHILD: '1' });
    const running = s.backend.run({ ...s.job, options: { ...s.job.options, epochs: 50 } }, s.ctx);
    const runDir = path.join(s.home, 'datum-jobs', 'job-cancel', 'work', 'train');
    for (let i = 0; i < 600 && !s.events.some((e) => e.epoch === 1); i++) await new Promise((r) => setTimeout(r, 50));
    const pids = [Number(readFileSync(path.join(runDir, 'trainer.pid'), 'utf8')), Number(readFileSync(path.join(runDir, 'child.pid'), 'utf8'))];
    expect(pids.every(alive)).toBe(true);
    s.abort.abort();
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
    for (let i = 0; i < 100 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 50));
    expect(pids.filter(alive)).toEqual([]);
    expect(existsSync(path.join(s.home, 'datum-jobs', 'job-cancel'))).toBe(false);
  }, 120_000);

  it('reports an unreachable host with ssh\'s own message', async () => {
    const s = await setup('nohost');
    await expect(s.backend.run({ ...s.job, options: { ...s.job.options, host: 'elsewhere' } }, s.ctx)).rejects.toThrow(/Could not resolve hostname elsewhere/);
  }, 60_000);
});
