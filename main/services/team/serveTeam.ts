/**
 * What `datum serve` needs to become a team server: the accounts and sessions of the project's
 * store, TLS material, and the rule that nothing is served to a network without TLS.
 */
import { promises as fs } from 'node:fs';
import { DatumError } from '../../rpc/errors';
import type { TeamAuth } from '../../server/headlessHost';
import type { ProjectStore } from '../store/types';
import { AccountService } from './accounts';
import { SessionService } from './sessions';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Binding anything but loopback without TLS is refused, with what to do instead. */
export function checkExposure(host: string, tls: boolean): void {
  if (isLoopbackHost(host) || tls) return;
  throw new DatumError(
    'BAD_REQUEST',
    `refusing to serve ${host} without TLS: passwords, session cookies and annotations would cross the network in clear. ` +
      'Pass --tls-cert FILE --tls-key FILE (a certificate for the name people will use), or keep the default 127.0.0.1 and reach it through an SSH tunnel or a TLS reverse proxy.',
  );
}

export async function readTls(certFile?: string, keyFile?: string): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new DatumError('BAD_REQUEST', '--tls-cert and --tls-key go together');
  const [cert, key] = await Promise.all([fs.readFile(certFile), fs.readFile(keyFile)]).catch((err: Error) => {
    throw new DatumError('NOT_FOUND', `cannot read the TLS files: ${err.message}`);
  });
  return { cert, key };
}

/**
 * Accounts and sessions in the served project's own store (the very instance the project service
 * uses: one process, one writer of a folder).
 */
export async function teamAuthFor(store: ProjectStore | null, projectDir: string | null): Promise<TeamAuth> {
  if (!store || !projectDir) throw new DatumError('BAD_REQUEST', 'a team server serves one project: name its folder (datum serve <project> --accounts)');
  const accounts = new AccountService(store);
  const active = (await accounts.list()).filter((a) => !a.disabled);
  if (!active.length) process.stderr.write(`note: nobody can sign in yet: datum team user add ${projectDir} <name> --role manager\n`);
  else if (!active.some((a) => a.role === 'manager')) process.stderr.write(`note: this team server has no manager account: datum team user add ${projectDir} <name> --role manager\n`);
  return { accounts, sessions: new SessionService(store) };
}
