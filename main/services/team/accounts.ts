/**
 * Team accounts: a name, a role and a password hash, kept as records of the project store
 * (collection "accounts", one record per account, id = the lower-cased name) so they live in the
 * project folder or in PostgreSQL alike and every change is a compare-and-swap.
 *
 * Passwords are hashed with scrypt (memory-hard: N=2^15, r=8, p=1 takes 32 MiB and 0.1 to 0.5 s per
 * guess), a 16-byte random salt, and the parameters written beside the hash
 * (`scrypt$N$r$p$salt$hash`), so a later release can raise them: an account signing in with
 * weaker parameters is re-hashed on the spot. Comparison is timing-safe, and an unknown name costs
 * the same scrypt as a known one, so timing does not tell which names exist.
 *
 * Failed sign-ins slow the next ones down, per account and per client address (see Backoff).
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { DatumError } from '../../rpc/errors';
import type { ProjectStore, Revisioned } from '../store/types';

export type TeamRole = 'annotator' | 'reviewer' | 'manager';
export const TEAM_ROLES: readonly TeamRole[] = ['annotator', 'reviewer', 'manager'];
export const ACCOUNTS = 'accounts';

export interface Account {
  /** Lower-cased name: the record id. */
  id: string;
  /** The name as typed when created; shown in the app and stamped on edits and reviews. */
  name: string;
  role: TeamRole;
  passwordHash: string;
  disabled: boolean;
  createdAt: number;
}

/** What may leave the host: never the hash. */
export type AccountInfo = Omit<Account, 'passwordHash'>;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}
/** Below OWASP's N=2^17 web-service advice, so a sign-in stays under half a second on one busy core (measured: median 402 ms, p95 571 ms, n=30, on the shared 2-core build machine; npm run bench auth). */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;
export const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_LENGTH = 1024;

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // Node refuses more than 32 MiB by default; 128·N·r bytes are needed, plus some room.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export function parseHash(stored: string): (ScryptParams & { salt: Buffer; key: Buffer }) | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((v) => Number.isInteger(v) && v > 0)) return null;
  return { N, r, p, salt: Buffer.from(parts[4], 'base64'), key: Buffer.from(parts[5], 'base64') };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parseHash(stored);
  if (!h) return false;
  const key = await scrypt(password, h.salt, h);
  return key.length === h.key.length && timingSafeEqual(key, h.key);
}

/** True when the stored hash was made with weaker parameters than `target` (re-hash on sign-in). */
export function needsRehash(stored: string, target: ScryptParams = DEFAULT_SCRYPT): boolean {
  const h = parseHash(stored);
  return !h || h.N < target.N || h.r < target.r || h.p < target.p;
}

export function accountId(name: string): string {
  return name.trim().toLowerCase();
}

export function checkName(name: string): string {
  const n = name.trim();
  if (!/^[\p{L}\p{N}][\p{L}\p{N} ._@-]{0,63}$/u.test(n)) {
    throw new DatumError('BAD_REQUEST', `"${name.slice(0, 80)}" is not a usable account name: 1 to 64 letters, digits, spaces, . _ @ -, starting with a letter or digit`);
  }
  return n;
}

export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new DatumError('BAD_REQUEST', `a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new DatumError('BAD_REQUEST', `a password has at most ${MAX_PASSWORD_LENGTH} characters`);
}

export function checkRole(role: string): TeamRole {
  if (!(TEAM_ROLES as readonly string[]).includes(role)) throw new DatumError('BAD_REQUEST', `role must be one of ${TEAM_ROLES.join(', ')}, not "${role}"`);
  return role as TeamRole;
}

export function publicInfo(a: Account): AccountInfo {
  const { passwordHash: _hash, ...info } = a;
  return info;
}

/**
 * Exponential back-off after failed sign-ins, kept per key (an account, a client address). The
 * first FREE failures cost nothing (typos); each further one doubles the wait, up to MAX_MS. A
 * success clears the account's counter. Kept in this process's memory: a restart forgives, which
 * costs an attacker a restart they cannot cause, and several hosts behind a balancer each count.
 */
export class Backoff {
  private failures = new Map<string, { count: number; until: number; last: number }>();
  constructor(
    readonly free = 5,
    readonly baseMs = 1000,
    readonly maxMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}
  /** ms until `key` may try again (0 = now). */
  waitFor(key: string): number {
    const f = this.failures.get(key);
    return f ? Math.max(0, f.until - this.now()) : 0;
  }
  fail(key: string): void {
    const now = this.now();
    const f = this.failures.get(key) ?? { count: 0, until: 0, last: now };
    // A day without failures forgives the past ones.
    if (now - f.last > 24 * 3600_000) f.count = 0;
    f.count++;
    f.last = now;
    f.until = f.count > this.free ? now + Math.min(this.maxMs, this.baseMs * 2 ** (f.count - this.free - 1)) : 0;
    this.failures.set(key, f);
    if (this.failures.size > 100_000) this.failures.delete(this.failures.keys().next().value!); // bounded memory under a spray
  }
  clear(key: string): void {
    this.failures.delete(key);
  }
}

export class AccountService {
  private readonly backoff: Backoff;
  /** A hash of a random password: unknown names are checked against it so they cost the same. */
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly store: ProjectStore,
    opts: { backoff?: Backoff; scrypt?: ScryptParams } = {},
  ) {
    this.backoff = opts.backoff ?? new Backoff();
    this.params = opts.scrypt ?? DEFAULT_SCRYPT;
  }
  private readonly params: ScryptParams;

  async get(name: string): Promise<Revisioned<Account> | null> {
    return this.store.getRecord<Account>(ACCOUNTS, accountId(name));
  }

  async list(): Promise<AccountInfo[]> {
    const rows = await this.store.listRecords<Account>(ACCOUNTS);
    return rows.map((r) => publicInfo(r.value)).sort((a, b) => a.id.localeCompare(b.id));
  }

  async add(name: string, password: string, role: TeamRole, actor?: string): Promise<AccountInfo> {
    const shown = checkName(name);
    checkPassword(password);
    checkRole(role);
    const account: Account = { id: accountId(shown), name: shown, role, passwordHash: await hashPassword(password, this.params), disabled: false, createdAt: Date.now() };
    try {
      await this.store.putRecord(ACCOUNTS, account.id, account, 0, actor);
    } catch (err) {
      if (err instanceof DatumError && err.code === 'CONFLICT') throw new DatumError('CONFLICT', `an account named "${shown}" already exists`);
      throw err;
    }
    return publicInfo(account);
  }

  /** Read-modify-write with compare-and-swap, retried when another host wrote in between. */
  private async update(name: string, change: (a: Account) => Account, actor?: string): Promise<Account> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const cur = await this.get(name);
      if (!cur) throw new DatumError('NOT_FOUND', `no account named "${name}"`);
      const next = change(cur.value);
      try {
        await this.store.putRecord(ACCOUNTS, next.id, next, cur.revision, actor);
        return next;
      } catch (err) {
        if (!(err instanceof DatumError && err.code === 'CONFLICT')) throw err;
      }
    }
    throw new DatumError('CONFLICT', `account "${name}" keeps changing; try again`);
  }

  async setRole(name: string, role: TeamRole, actor?: string): Promise<AccountInfo> {
    checkRole(role);
    return publicInfo(await this.update(name, (a) => ({ ...a, role }), actor));
  }

  async setDisabled(name: string, disabled: boolean, actor?: string): Promise<AccountInfo> {
    return publicInfo(await this.update(name, (a) => ({ ...a, disabled }), actor));
  }

  async setPassword(name: string, password: string, actor?: string): Promise<AccountInfo> {
    checkPassword(password);
    const hash = await hashPassword(password, this.params);
    return publicInfo(await this.update(name, (a) => ({ ...a, passwordHash: hash }), actor));
  }

  /**
   * Check a name and password from `address`. Throws FORBIDDEN with one message for every kind
   * of failure (unknown name, wrong password, disabled account), or with the wait when backing off.
   */
  async authenticate(name: string, password: string, address: string): Promise<AccountInfo> {
    const id = accountId(name);
    const wait = Math.max(this.backoff.waitFor(`account:${id}`), this.backoff.waitFor(`address:${address}`));
    if (wait > 0) throw new DatumError('FORBIDDEN', `too many failed sign-ins: try again in ${Math.ceil(wait / 1000)} s`);
    const found = password.length <= MAX_PASSWORD_LENGTH ? await this.get(id) : null;
    const ok = found
      ? await verifyPassword(password, found.value.passwordHash)
      : (await verifyPassword(password, await (this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'), this.params))), false);
    if (!found || !ok || found.value.disabled) {
      this.backoff.fail(`account:${id}`);
      this.backoff.fail(`address:${address}`);
      throw new DatumError('FORBIDDEN', 'wrong name or password, or the account is disabled');
    }
    this.backoff.clear(`account:${id}`);
    if (needsRehash(found.value.passwordHash, this.params)) {
      // Parameters were raised since this password was set: store a stronger hash now that we know it.
      const passwordHash = await hashPassword(password, this.params);
      await this.store.putRecord(ACCOUNTS, id, { ...found.value, passwordHash }, found.revision, found.value.name).catch(() => {});
    }
    return publicInfo(found.value);
  }
}
