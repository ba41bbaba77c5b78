/**
 * `npm run bench team`: 50 simulated annotators on one team project for 60 s (TEAM_BENCH_SECONDS
 * shortens it), each a WebSocket client speaking the real RPC to one of two `datum serve` processes
 * that share one PostgreSQL database (a throwaway cluster, loopback only) and one project folder.
 *
 * Each annotator loops: load an item (mostly one of "their" items, sometimes anyone's, so people
 * collide), think a little, add one object with a unique id, save with the revision it loaded
 * (`baseRevision`). A CONFLICT is counted, the item reloaded and the object added again. At the
 * end every item is read back through the other host:
 * - lost updates: acknowledged objects missing from the final documents (must be 0);
 * - every conflict reported: the final revisions add up to exactly the acknowledged saves (a save
 *   that overwrote another without a CONFLICT would leave one revision for two saves).
 * Then the same workload against one `datum serve` on the folder back end, for comparison.
 *
 * Needs `npm run build:main` (the hosts are the built CLI) and Debian's PostgreSQL binaries.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PG_URL_ENV, freshDatabase, startPgCluster } from '../support/pgCluster';
import { connectRpc, signInToken, RpcError, type RpcClient } from '../support/rpcClient';
import type { BenchRow } from './types';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(ROOT, 'bin', 'datum.js');
const ANNOTATORS = 50;
/** Copies of the demo's six images: the project's item count is 6 x this (plus the demo's sequences). */
const IMAGE_COPIES = 20;

interface Host {
  url: string;
  /** A team server's session (--database turns accounts on); the folder host uses its token. */
  session?: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

async function startHost(args: string[]): Promise<Host> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'datum-bench-home-'));
  const proc = spawn(process.execPath, [CLI, 'serve', ...args, '--json'], { env: { ...process.env, DATUM_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    proc.once('exit', (code) => reject(new Error(`datum serve exited with ${code}: ${stderr}`)));
  });
  return {
    url: (JSON.parse(line) as { url: string }).url,
    proc,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => {
          rmSync(home, { recursive: true, force: true });
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}

function cli(args: string[], env: Record<string, string> = {}): void {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`datum ${args.join(' ')} failed: ${r.stderr}`);
}

/** The demo project with its images copied IMAGE_COPIES times (more items, as a team has). */
function makeProject(root: string): string {
  const dir = path.join(root, 'project');
  cli(['demo', dir]);
  const images = path.join(dir, 'images');
  const pngs = readdirSync(images).filter((f) => f.endsWith('.png'));
  for (let k = 1; k < IMAGE_COPIES; k++) {
    const sub = path.join(images, `copy${String(k).padStart(2, '0')}`);
    for (const f of pngs) cpSync(path.join(images, f), path.join(sub, f));
  }
  return dir;
}

type Doc = { revision?: number; objects: Array<{ id: string }> } & Record<string, unknown>;

interface RunResult {
  saves: number;
  loads: number;
  conflicts: number;
  saveMs: number[];
  loadMs: number[];
  lost: number;
  revisionMismatch: number;
  items: number;
  seconds: number;
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The workload: ANNOTATORS clients spread over `hosts`, for `seconds`; checked through `checkHost`. */
async function workload(hosts: Host[], checkHost: Host, seconds: number): Promise<RunResult> {
  const setup = await connectRpc(hosts[0].url, hosts[0].session);
  await setup.call('index.refresh', { jobId: 'bench-index' });
  const { items } = await setup.call<{ items: Array<{ id: string; modality: string }> }>('items.list', { offset: 0, limit: 1000 });
  const ids = items.filter((i) => i.modality === 'image').map((i) => i.id);
  for (const h of hosts.slice(1)) {
    const c = await connectRpc(h.url, h.session);
    await c.call('index.refresh', { jobId: 'bench-index' });
    c.close();
  }
  const start = new Map<string, number>();
  for (const id of ids) start.set(id, (await setup.call<Doc>('annotations.load', { itemId: id })).revision ?? 0);
  // A team server takes a save only from the holder of the item's lease: the shared bench account
  // takes every item's lease and renews it (heartbeat) while the annotators work.
  const renew = async () => {
    for (const id of ids) await setup.call('lease.acquire', { itemId: id, who: 'bench' });
  };
  // Only a team server (a signed-in session) needs it; on a single-user host a lease held by
  // "bench" would refuse the annotators' saves, which name themselves.
  const team = !!hosts[0].session;
  if (team) await renew();
  const heartbeat = setInterval(() => team && void renew().catch(() => {}), 15_000);

  const clients: RpcClient[] = [];
  for (let a = 0; a < ANNOTATORS; a++) clients.push(await connectRpc(hosts[a % hosts.length].url, hosts[a % hosts.length].session));
  const acked = new Map<string, string[]>();
  const r: RunResult = { saves: 0, loads: 0, conflicts: 0, saveMs: [], loadMs: [], lost: 0, revisionMismatch: 0, items: ids.length, seconds };
  const deadline = performance.now() + seconds * 1000;

  const annotator = async (a: number) => {
    const rand = rng(a + 1);
    const client = clients[a];
    // Two "own" items per annotator; one pick in five is anyone's item (collisions happen there).
    const own = [ids[(2 * a) % ids.length], ids[(2 * a + 1) % ids.length]];
    let n = 0;
    while (performance.now() < deadline) {
      const itemId = rand() < 0.8 ? own[Math.floor(rand() * own.length)] : ids[Math.floor(rand() * ids.length)];
      const objectId = `a${a}-${n++}`;
      for (;;) {
        let t0 = performance.now();
        const doc = await client.call<Doc>('annotations.load', { itemId });
        r.loadMs.push(performance.now() - t0);
        r.loads++;
        await new Promise((res) => setTimeout(res, 20 + rand() * 80)); // "drawing"
        const x = rand() * 600;
        const next = { ...doc, objects: [...doc.objects, { id: objectId, label: 'square', geometry: { kind: 'box2d', x1: x, y1: 10, x2: x + 20, y2: 30 } }] };
        t0 = performance.now();
        try {
          const saved = await client.call<{ revision: number }>('annotations.save', { itemId, document: next, author: `annotator${a}`, baseRevision: doc.revision ?? 0 });
          r.saveMs.push(performance.now() - t0);
          r.saves++;
          if (saved.revision !== (doc.revision ?? 0) + 1) r.revisionMismatch++;
          const list = acked.get(itemId) ?? [];
          list.push(objectId);
          acked.set(itemId, list);
          break;
        } catch (e) {
          if (!(e instanceof RpcError) || e.code !== 'CONFLICT') throw e;
          r.conflicts++;
          if (performance.now() >= deadline) break;
        }
      }
    }
  };
  await Promise.all(clients.map((_, a) => annotator(a)));
  clearInterval(heartbeat);
  setup.close();
  for (const c of clients) c.close();

  const check = await connectRpc(checkHost.url, checkHost.session);
  let revisions = 0;
  for (const id of ids) {
    const doc = await check.call<Doc>('annotations.load', { itemId: id });
    const have = new Set(doc.objects.map((o) => o.id));
    for (const o of acked.get(id) ?? []) if (!have.has(o)) r.lost++;
    revisions += (doc.revision ?? 0) - start.get(id)!;
  }
  check.close();
  // One revision per acknowledged save, no more (an unreported overwrite) and no fewer.
  r.revisionMismatch += Math.abs(revisions - r.saves);
  return r;
}

function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function rows(label: string, r: RunResult): BenchRow[] {
  return [
    { name: `${label}: saves acknowledged (n, ${ANNOTATORS} annotators, ${r.items} items, ${r.seconds} s)`, value: r.saves, unit: 'saves' },
    { name: `${label}: save throughput`, value: r.saves / r.seconds, unit: 'saves/s' },
    { name: `${label}: save latency p50 (n=${r.saveMs.length})`, value: pct(r.saveMs, 50), unit: 'ms' },
    { name: `${label}: save latency p95 (n=${r.saveMs.length})`, value: pct(r.saveMs, 95), unit: 'ms' },
    { name: `${label}: load latency p50 (n=${r.loadMs.length})`, value: pct(r.loadMs, 50), unit: 'ms' },
    { name: `${label}: load latency p95 (n=${r.loadMs.length})`, value: pct(r.loadMs, 95), unit: 'ms' },
    { name: `${label}: conflicts reported (retried)`, value: r.conflicts, unit: 'conflicts' },
    { name: `${label}: lost updates (acknowledged objects missing at the end)`, value: r.lost, unit: 'objects', target: '0', pass: r.lost === 0 },
    { name: `${label}: saves not matched by exactly one revision (unreported conflicts)`, value: r.revisionMismatch, unit: 'saves', target: '0', pass: r.revisionMismatch === 0 },
  ];
}

export default async function teamBench(): Promise<BenchRow[]> {
  if (!existsSync(path.join(ROOT, 'dist', 'main', 'cli.js'))) throw new Error('dist/main is not built: run "npm run build:main" first');
  const seconds = Number(process.env.TEAM_BENCH_SECONDS ?? 60);
  const root = mkdtempSync(path.join(os.tmpdir(), 'datum-bench-team-'));
  let cluster: Awaited<ReturnType<typeof startPgCluster>> | null = null;
  const hosts: Host[] = [];
  try {
    if (!process.env[PG_URL_ENV]) {
      cluster = await startPgCluster();
      process.env[PG_URL_ENV] = cluster.url;
    }
    const db = await freshDatabase('bench_team');
    if ('problem' in db) throw new Error(db.problem);

    // PostgreSQL: two hosts, one database, one shared project folder.
    const project = makeProject(path.join(root, 'pg'));
    cli(['project', 'migrate', project, '--to', db.url]);
    // A database makes a team server: everyone signs in. One manager account, one session, valid
    // on both hosts (sessions live in the database); the 50 simulated annotators share it.
    cli(['team', 'user', 'add', project, 'bench', '--role', 'manager', '--database', db.url], { DATUM_PASSWORD: 'bench-password-1' });
    hosts.push(await startHost([project, '--database', db.url]), await startHost([project, '--database', db.url]));
    const session = await signInToken(hosts[0].url, 'bench', 'bench-password-1');
    for (const h of hosts) h.session = session;
    const pgRun = await workload(hosts, hosts[1], seconds);
    for (const h of hosts.splice(0)) await h.stop();
    await db.drop();

    // Folder: one host (a folder belongs to one process), same workload.
    const folder = makeProject(path.join(root, 'folder'));
    hosts.push(await startHost([folder]));
    const folderRun = await workload(hosts, hosts[0], seconds);
    for (const h of hosts.splice(0)) await h.stop();

    return [...rows('postgres, 2 hosts', pgRun), ...rows('folder, 1 host', folderRun)];
  } finally {
    for (const h of hosts) await h.stop();
    if (cluster) {
      cluster.stop();
      delete process.env[PG_URL_ENV];
    }
    rmSync(root, { recursive: true, force: true });
  }
}
