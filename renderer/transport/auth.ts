/**
 * Sign-in on a team server (`datum serve --accounts`, main/server/headlessHost.ts): plain HTTP on
 * our own origin. The session cookie is HttpOnly, so scripts never see it; these calls only ask
 * the host to set or drop it. The desktop host and a single-user `datum serve` have no accounts.
 */
export type TeamRole = 'annotator' | 'reviewer' | 'manager';
export interface TeamAccount {
  accountId: string;
  name: string;
  role: TeamRole;
}
export interface TeamStatus {
  accounts: boolean;
  account: TeamAccount | null;
}

export async function teamStatus(): Promise<TeamStatus> {
  const res = await fetch('/auth/status', { credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) return { accounts: false, account: null };
  const body = (await res.json()) as Partial<TeamStatus>;
  return { accounts: !!body.accounts, account: body.account ?? null };
}

/** Resolves with the account, or rejects with the host's reason (wrong password, back-off ...). */
export async function signIn(name: string, password: string): Promise<TeamAccount> {
  const res = await fetch('/auth/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  const body = (await res.json().catch(() => ({}))) as { account?: TeamAccount; error?: string };
  if (!res.ok || !body.account) throw new Error(body.error ?? `sign-in failed (HTTP ${res.status})`);
  return body.account;
}

export async function signOut(): Promise<void> {
  await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin' });
}
