/**
 * A real, throwaway PostgreSQL server for tests and benchmarks: a fresh cluster in a temporary
 * folder, listening on a free loopback port, started as a non-root user (PostgreSQL refuses to
 * run as root), removed when stopped. Debian's `postgresql` package provides the binaries
 * (.ci/run installs it when missing); without them `findPgBin()` says why and tests skip.
 *
 * One cluster serves a whole test run (started by the global set-ups, URL in DATUM_TEST_PG_URL);
 * each suite makes its own database with `freshDatabase()` so suites never see each other's rows.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const PG_URL_ENV = 'DATUM_TEST_PG_URL';

/** The folder holding initdb/pg_ctl, or a reason why there is none. */
export function findPgBin(): { dir: string } | { problem: string } {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    for (const v of readdirSync(debian).sort((a, b) => Number(b) - Number(a))) candidates.push(path.join(debian, v, 'bin'));
  }
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir) candidates.push(dir);
  for (const dir of candidates) {
    if (existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')) && existsSync(path.join(dir, 'postgres'))) return { dir };
  }
  return { problem: 'PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: install Debian\'s postgresql package (.ci/run does)' };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface PgCluster {
  /** postgres://datum@127.0.0.1:PORT/postgres (trust authentication on loopback only). */
  url: string;
  port: number;
  dataDir: string;
  stop(): void;
}

/** Starts a fresh cluster; throws with the server's log when it does not come up. */
export async function startPgCluster(): Promise<PgCluster> {
  const bin = findPgBin();
  if ('problem' in bin) throw new Error(bin.problem);
  const root = mkdtempSync(path.join(os.tmpdir(), 'datum-pg-'));
  const dataDir = path.join(root, 'data');
  const logFile = path.join(root, 'server.log');
  const port = await freePort();
  // As root, run the server as `nobody`: the folder must belong to it.
  const asRoot = process.getuid?.() === 0;
  const uid = 65534;
  const gid = 65534;
  if (asRoot) {
    chownSync(root, uid, gid);
    writeFileSync(logFile, '');
    chownSync(logFile, uid, gid);
  }
  const run = (cmd: string, args: string[]) => {
    const full = path.join(bin.dir, cmd);
    const r = asRoot
      ? spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', full, ...args], { encoding: 'utf8', env: { ...process.env, HOME: root } })
      : spawnSync(full, args, { encoding: 'utf8' });
    if (r.status !== 0) {
      let log = '';
      try { log = execFileSync('tail', ['-n', '30', logFile], { encoding: 'utf8' }); } catch { /* no log yet */ }
      throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}\n${log}`);
    }
  };
  run('initdb', ['-D', dataDir, '-U', 'datum', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  // fsync off: a throwaway cluster for tests; the kill -9 tests kill the *host*, not PostgreSQL.
  const opts = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=32MB`;
  run('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', opts, '-w', '-t', '60', 'start']);
  let stopped = false;
  return {
    url: `postgres://datum@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A new, empty database on the test cluster (URL from DATUM_TEST_PG_URL), or null with the reason
 * when no cluster runs (PostgreSQL not installed here: the caller skips and says so).
 */
export async function freshDatabase(prefix = 't'): Promise<{ url: string; drop(): Promise<void> } | { problem: string }> {
  const base = process.env[PG_URL_ENV];
  if (!base) {
    const bin = findPgBin();
    return { problem: 'problem' in bin ? bin.problem : `${PG_URL_ENV} is not set: the test run's global set-up did not start a cluster` };
  }
  const { default: pg } = await import('pg');
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
