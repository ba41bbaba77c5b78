import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FolderStore } from '../store/folderStore';
import { PgStore } from '../store/pgStore';
import type { ProjectStore } from '../store/types';
import { freshDatabase } from '../../../tests/support/pgCluster';
import { ACCOUNTS, AccountService, Backoff, DEFAULT_SCRYPT, hashPassword, needsRehash, parseHash, verifyPassword, type Account } from './accounts';
import { SESSIONS, SessionService, hashToken } from './sessions';

// Hashing at the real cost (N=2^15) is checked once; the service tests use a cheaper N so the
// suite stays quick on a shared machine (the code path is the same, only the cost differs).
const CHEAP = { N: 2 ** 10, r: 8, p: 1 };

describe('password hashes', () => {
  it('scrypt with N=2^15 r=8 p=1, a 16-byte salt and the parameters kept beside the hash', async () => {
    const h = await hashPassword('correct horse battery');
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    const parsed = parseHash(h)!;
    expect(parsed.salt.length).toBe(16);
    expect(parsed.key.length).toBe(32);
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('correct horse batterY', h)).toBe(false);
    expect(await hashPassword('correct horse battery')).not.toBe(h); // salted
    expect(needsRehash(h)).toBe(false);
    expect(needsRehash(await hashPassword('x', CHEAP))).toBe(true);
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
  });
});

const pgDb = await freshDatabase('accounts');
const pgSkip = 'problem' in pgDb ? pgDb.problem : null;

describe('accounts and sessions on the folder store', () => accountSuite(async () => FolderStore.open(mkdtempSync(path.join(os.tmpdir(), 'acct-')))));
describe.skipIf(!!pgSkip)(`accounts and sessions on PostgreSQL${pgSkip ? ` (skipped: ${pgSkip})` : ''}`, () => {
  afterAll(async () => {
    if ('drop' in pgDb) await pgDb.drop();
  });
  accountSuite(async () => PgStore.open('url' in pgDb ? pgDb.url : ''));
});

function accountSuite(make: () => Promise<ProjectStore>) {
  let store: ProjectStore;
  let dir = '';
  let accounts: AccountService;
  let now = 1_000_000;
  const backoff = new Backoff(3, 1000, 60_000, () => now);

  beforeAll(async () => {
    store = await make();
    dir = store instanceof FolderStore ? store.dir : '';
    accounts = new AccountService(store, { backoff, scrypt: CHEAP });
  });
  afterAll(async () => store.close());

  it('adds, lists, changes roles; names are unique case-insensitively; no hash leaves the service', async () => {
    const ann = await accounts.add('Ann Lee', 'annotator-pass-1', 'annotator');
    expect(ann).toMatchObject({ id: 'ann lee', name: 'Ann Lee', role: 'annotator', disabled: false });
    expect(ann).not.toHaveProperty('passwordHash');
    await accounts.add('rev', 'reviewer-pass-1', 'reviewer');
    await expect(accounts.add('ANN LEE', 'another-pass-1', 'manager')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(accounts.add('bob', 'short', 'annotator')).rejects.toThrow(/at least 10 characters/);
    await expect(accounts.add('bob', 'long-enough-pass', 'admin' as never)).rejects.toThrow(/role must be one of annotator, reviewer, manager/);
    await expect(accounts.add('../etc', 'long-enough-pass', 'annotator')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await accounts.list()).map((a) => [a.name, a.role])).toEqual([
      ['Ann Lee', 'annotator'],
      ['rev', 'reviewer'],
    ]);
    expect((await accounts.setRole('ann lee', 'reviewer')).role).toBe('reviewer');
    await accounts.setRole('Ann Lee', 'annotator');
    // Stored as a record of the project store, hash and all, in the folder.
    const rec = await store.getRecord<Account>(ACCOUNTS, 'ann lee');
    expect(rec!.revision).toBe(3);
    expect(rec!.value.passwordHash).toMatch(/^scrypt\$1024\$/);
    if (dir) expect(readdirSync(path.join(dir, '.datum', 'store', ACCOUNTS)).length).toBe(2);
  });

  it('authenticates; every failure reads the same; back-off per account and per address', async () => {
    expect((await accounts.authenticate('ANN LEE', 'annotator-pass-1', '10.0.0.1')).name).toBe('Ann Lee');
    const same = 'wrong name or password, or the account is disabled';
    await expect(accounts.authenticate('nobody', 'annotator-pass-1', '10.0.0.9')).rejects.toThrow(same);
    await expect(accounts.authenticate('rev', 'nope-nope-nope', '10.0.0.9')).rejects.toThrow(same);
    // 3 free failures for rev (one above), then waits that double: 1 s, 2 s ...
    await expect(accounts.authenticate('rev', 'nope', '10.0.0.2')).rejects.toThrow(same);
    await expect(accounts.authenticate('rev', 'nope', '10.0.0.3')).rejects.toThrow(same);
    await expect(accounts.authenticate('rev', 'nope', '10.0.0.4')).rejects.toThrow(same);
    // Even the right password waits now, from any address.
    await expect(accounts.authenticate('rev', 'reviewer-pass-1', '10.0.0.5')).rejects.toThrow(/too many failed sign-ins: try again in 1 s/);
    now += 1001;
    await expect(accounts.authenticate('rev', 'nope', '10.0.0.6')).rejects.toThrow(same);
    await expect(accounts.authenticate('rev', 'reviewer-pass-1', '10.0.0.6')).rejects.toThrow(/try again in 2 s/);
    now += 2001;
    expect((await accounts.authenticate('rev', 'reviewer-pass-1', '10.0.0.6')).role).toBe('reviewer');
    // The address 10.0.0.9 failed twice (two accounts); a third and fourth failure from it back it off for every name.
    await expect(accounts.authenticate('x1', 'nope', '10.0.0.9')).rejects.toThrow(same);
    await expect(accounts.authenticate('x2', 'nope', '10.0.0.9')).rejects.toThrow(same);
    await expect(accounts.authenticate('Ann Lee', 'annotator-pass-1', '10.0.0.9')).rejects.toThrow(/too many failed sign-ins/);
    now += 5000;
  });

  it('a disabled account cannot sign in; raised parameters re-hash on the next sign-in', async () => {
    await accounts.add('old', 'old-password-1', 'annotator');
    await accounts.setDisabled('old', true);
    await expect(accounts.authenticate('old', 'old-password-1', '10.1.0.1')).rejects.toThrow(/wrong name or password, or the account is disabled/);
    await accounts.setDisabled('old', false);
    const stronger = new AccountService(store, { scrypt: { ...CHEAP, N: 2 ** 11 } });
    await stronger.authenticate('old', 'old-password-1', '10.1.0.1');
    expect((await store.getRecord<Account>(ACCOUNTS, 'old'))!.value.passwordHash).toMatch(/^scrypt\$2048\$/);
    expect((await stronger.authenticate('old', 'old-password-1', '10.1.0.1')).name).toBe('old');
    expect(DEFAULT_SCRYPT).toEqual({ N: 32768, r: 8, p: 1 });
  });

  it('sessions: only the hash is stored, expiry, sign-out, role changes and disabling take effect at once', async () => {
    let t = 5_000_000;
    const sessions = new SessionService(store, 3600_000, () => t);
    const { token, expiresAt } = await sessions.create({ id: 'ann lee', name: 'Ann Lee' }, '10.0.0.1');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toBe(t + 3600_000);
    expect(await store.getRecord(SESSIONS, token)).toBeNull();
    expect(await store.getRecord(SESSIONS, hashToken(token))).not.toBeNull();
    if (dir) {
      const files = readdirSync(path.join(dir, '.datum', 'store', SESSIONS));
      expect(files.some((f) => readFileSync(path.join(dir, '.datum', 'store', SESSIONS, f), 'utf8').includes(token))).toBe(false);
    }
    expect(JSON.stringify(await store.listRecords(SESSIONS))).not.toContain(token);
    expect(await sessions.resolve(token)).toMatchObject({ accountId: 'ann lee', name: 'Ann Lee', role: 'annotator' });
    expect(await sessions.resolve(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).toBeNull();
    expect(await sessions.resolve('../../etc/passwd')).toBeNull();
    await accounts.setRole('Ann Lee', 'reviewer');
    expect((await sessions.resolve(token))!.role).toBe('reviewer');
    await accounts.setRole('Ann Lee', 'annotator');
    // A second host (a restart) knows the session: it is in the store, not in memory.
    expect(await new SessionService(store, 3600_000, () => t).resolve(token)).not.toBeNull();
    t += 3600_000;
    expect(await sessions.resolve(token)).toBeNull();
    expect(await sessions.purgeExpired()).toBe(1);
    const second = await sessions.create({ id: 'ann lee', name: 'Ann Lee' });
    await sessions.revoke(second.token);
    expect(await sessions.resolve(second.token)).toBeNull();
    await sessions.revoke(second.token); // twice is fine
    const third = await sessions.create({ id: 'ann lee', name: 'Ann Lee' });
    await accounts.setDisabled('ann lee', true);
    expect(await sessions.resolve(third.token)).toBeNull();
    expect(await sessions.revokeAccount('ann lee')).toHaveLength(1);
    await accounts.setDisabled('ann lee', false);
  });
}
