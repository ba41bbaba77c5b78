/**
 * The signed-in account on a team server. Its name and role become the active review profile
 * (the workflow buttons follow the role), though the host signs every call with the account
 * anyway: what a client claims about itself decides nothing there.
 */
import { create } from 'zustand';
import type { Role } from '../../core/review/schema';
import { signOut as postSignOut, teamStatus, type TeamAccount, type TeamRole } from '../transport/auth';
import { rpc } from '../transport';
import { useProfiles } from './review';
import { setPref } from '../persistence/db';

interface TeamState {
  account: TeamAccount | null;
  set(p: Partial<Omit<TeamState, 'set'>>): void;
}

export const useTeam = create<TeamState>((set) => ({ account: null, set: (p) => set(p) }));

export function workflowRoles(role: TeamRole): Role[] {
  if (role === 'manager') return ['annotator', 'reviewer', 'manager'];
  if (role === 'reviewer') return ['annotator', 'reviewer'];
  return ['annotator'];
}

/** Make the account the active profile on this machine (kept with the other local profiles). */
export async function adoptAccount(account: TeamAccount): Promise<void> {
  useTeam.getState().set({ account });
  const profiles = useProfiles.getState();
  if (!profiles.loaded) await profiles.load();
  const id = `team:${account.accountId}`;
  const mine = { id, name: account.name, roles: workflowRoles(account.role) };
  const next = { profiles: [...useProfiles.getState().profiles.filter((p) => p.id !== id), mine], active: id };
  useProfiles.setState(next);
  await setPref('review.profiles', next);
}

/**
 * While the socket is down, ask every few seconds whether the session still holds: signed out
 * elsewhere, expired or disabled, the page goes back to the sign-in screen (unsaved edits stay in
 * IndexedDB and are saved after signing in again). A server that is simply away answers nothing,
 * and the page keeps waiting for it.
 */
export function watchTeamSession(everyMs = 4000): void {
  let timer: ReturnType<typeof setInterval> | null = null;
  rpc.on('connection' as never, (d) => {
    const connected = (d as { connected?: boolean }).connected;
    if (connected && timer) {
      clearInterval(timer);
      timer = null;
    } else if (!connected && !timer) {
      timer = setInterval(() => {
        void teamStatus().then(
          (s) => {
            if (s.accounts && !s.account) location.reload();
          },
          () => {},
        );
      }, everyMs);
    }
  });
}

export async function signOutOfTeam(): Promise<void> {
  await postSignOut();
  useTeam.getState().set({ account: null });
  location.reload();
}
