/**
 * Global set-up for vitest and Playwright: one throwaway PostgreSQL cluster for the whole run
 * (tests/support/pgCluster.ts), its URL in DATUM_TEST_PG_URL for the workers, stopped at the end.
 * In CI a missing PostgreSQL fails the run (.ci/run installs it); elsewhere the PostgreSQL tests
 * skip and say why. A URL already set (a server you run yourself) is used as it is.
 */
import { PG_URL_ENV, findPgBin, startPgCluster } from '../support/pgCluster';

export default async function pgSetup(): Promise<(() => void) | undefined> {
  if (process.env[PG_URL_ENV]) return undefined;
  const bin = findPgBin();
  if ('problem' in bin) {
    if (process.env.CI) throw new Error(`CI needs PostgreSQL for the team back-end tests: ${bin.problem}`);
    console.warn(`[pg] ${bin.problem}; PostgreSQL tests will skip`);
    return undefined;
  }
  const cluster = await startPgCluster();
  process.env[PG_URL_ENV] = cluster.url;
  return () => cluster.stop();
}
