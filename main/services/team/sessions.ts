/**
 * Sign-in sessions of a team server. The browser holds a random 32-byte token in an HttpOnly
 * SameSite=Strict cookie; the store keeps only its SHA-256 (collection "sessions", id = the hex
 * digest), so a leaked database or project folder holds no usable session. Sessions live in the
 * store, not in memory, so a restarted host (or another host on the same database) still knows
 * them: a browser with unsaved drafts comes back signed in.
 *
 * Every lookup re-reads the account, so a role change or a disabled account takes effect on the
 * next request (and on the next connection for an open WebSocket, which the host also closes).
 */
import { createHash, randomBytes } from 'node:crypto';
import { DatumError } from '../../rpc/errors';
import type { Caller } from '../../rpc/router';
import type { ProjectStore } from '../store/types';
import { ACCOUNTS, type Account } from './accounts';

export const SESSIONS = 'sessions';
/** A working day and a half: long enough for a shift, short enough that a forgotten browser signs out. */
export const SESSION_TTL_MS = 12 * 3600_000;

export interface Session {
  accountId: string;
  createdAt: number;
  expiresAt: number;
  /** The client address at sign-in, for the manager's eyes only. */
  address?: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Session tokens are 32 random bytes, base64url (43 characters). */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export class SessionService {
  constructor(
    private readonly store: ProjectStore,
    private readonly ttlMs = SESSION_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session for a signed-in account; returns the token for the cookie (never stored). */
  async create(account: { id: string; name: string }, address?: string): Promise<{ token: string; expiresAt: number }> {
    const token = randomBytes(32).toString('base64url');
    const at = this.now();
    const session: Session = { accountId: account.id, createdAt: at, expiresAt: at + this.ttlMs, address };
    await this.store.putRecord(SESSIONS, hashToken(token), session, 0, account.name);
    // Housekeeping rides on sign-ins: expired sessions of anyone are dropped now and then.
    if (Math.random() < 0.1) void this.purgeExpired().catch(() => {});
    return { token, expiresAt: session.expiresAt };
  }

  /** The caller a token speaks for, or null (unknown, expired, revoked, account disabled or gone). */
  async resolve(token: string | null | undefined): Promise<(Caller & { sessionId: string; expiresAt: number }) | null> {
    if (!token || !TOKEN_SHAPE.test(token)) return null;
    const id = hashToken(token);
    const rec = await this.store.getRecord<Session>(SESSIONS, id);
    if (!rec || rec.value.expiresAt <= this.now()) return null;
    const account = await this.store.getRecord<Account>(ACCOUNTS, rec.value.accountId);
    if (!account || account.value.disabled) return null;
    return { accountId: account.value.id, name: account.value.name, role: account.value.role, sessionId: id, expiresAt: rec.value.expiresAt };
  }

  /** As `resolve`, by the stored id (the hash): the host re-checks open connections with it. */
  async resolveId(id: string): Promise<(Caller & { expiresAt: number }) | null> {
    const rec = await this.store.getRecord<Session>(SESSIONS, id);
    if (!rec || rec.value.expiresAt <= this.now()) return null;
    const account = await this.store.getRecord<Account>(ACCOUNTS, rec.value.accountId);
    if (!account || account.value.disabled) return null;
    return { accountId: account.value.id, name: account.value.name, role: account.value.role, expiresAt: rec.value.expiresAt };
  }

  /** Sign out: the session is deleted; a second sign-out of the same token is a no-op. */
  async revoke(token: string): Promise<void> {
    if (!TOKEN_SHAPE.test(token)) return;
    await this.revokeId(hashToken(token));
  }

  async revokeId(id: string, actor?: string): Promise<void> {
    const rec = await this.store.getRecord<Session>(SESSIONS, id);
    if (!rec) return;
    await this.store.deleteRecord(SESSIONS, id, rec.revision, actor).catch((err) => {
      if (!(err instanceof DatumError && (err.code === 'NOT_FOUND' || err.code === 'CONFLICT'))) throw err;
    });
  }

  /** Every session of an account (disable, password change): returns the ids revoked. */
  async revokeAccount(accountId: string, actor?: string): Promise<string[]> {
    const rows = await this.store.listRecords<Session>(SESSIONS);
    const ids = rows.filter((r) => r.value.accountId === accountId).map((r) => r.id);
    for (const id of ids) await this.revokeId(id, actor);
    return ids;
  }

  async purgeExpired(): Promise<number> {
    const now = this.now();
    const rows = await this.store.listRecords<Session>(SESSIONS);
    let n = 0;
    for (const r of rows) {
      if (r.value.expiresAt > now) continue;
      await this.store.deleteRecord(SESSIONS, r.id, r.revision).then(
        () => n++,
        () => {},
      );
    }
    return n;
  }
}
