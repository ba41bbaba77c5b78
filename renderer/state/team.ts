/**
 * Team state in the renderer: who is where (presence, pushed live by the host as
 * `presence.changed`) and which person the calls speak for (the active local profile; on a team
 * server the host uses the signed-in account instead).
 */
import { create } from 'zustand';
import type { EventPayload } from '../../preload/contract';
import { rpc } from '../transport';
import { activeProfile, useProfiles } from './review';

export type PresencePerson = EventPayload<'presence.changed'>['people'][number];

interface PresenceState {
  people: PresencePerson[];
  set(people: PresencePerson[]): void;
}

export const usePresence = create<PresenceState>((set) => ({ people: [], set: (people) => set({ people }) }));

rpc.on('presence.changed', (data) => usePresence.getState().set((data as EventPayload<'presence.changed'>).people));

/** The name the team calls carry (`who`); undefined when no profile is chosen. */
export function myName(): string | undefined {
  return activeProfile(useProfiles.getState())?.name;
}

export async function refreshPresence(): Promise<void> {
  try {
    usePresence.getState().set((await rpc.call('presence.list', {})).people);
  } catch {
    // no project or no store: nobody to show
  }
}
