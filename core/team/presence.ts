/**
 * Presence: who is on which item right now. Each open editor announces itself (with its lease
 * heartbeat, or when it opens read-only); an entry not refreshed within PRESENCE_TTL_MS is gone
 * (a closed laptop says nothing). Kept in memory by every host from the store's broadcast events,
 * never stored.
 */
export const PRESENCE_TTL_MS = 60_000;

export interface PresenceEntry {
  name: string;
  /** null: in the app, on no item. */
  itemId: string | null;
  mode: 'edit' | 'view';
  at: number;
}

/** Apply one announcement: the person's latest entry replaces their previous one. */
export function applyPresence(table: ReadonlyMap<string, PresenceEntry>, entry: PresenceEntry | { name: string; gone: true }): Map<string, PresenceEntry> {
  const next = new Map(table);
  if ('gone' in entry) next.delete(entry.name);
  else if ((table.get(entry.name)?.at ?? -Infinity) <= entry.at) next.set(entry.name, entry);
  return next;
}

/** Entries still alive at `now`, by item then name (stable for the UI). */
export function livePresence(table: ReadonlyMap<string, PresenceEntry>, now: number, ttl = PRESENCE_TTL_MS): PresenceEntry[] {
  return [...table.values()]
    .filter((e) => now - e.at < ttl)
    .sort((a, b) => (a.itemId ?? '').localeCompare(b.itemId ?? '') || a.name.localeCompare(b.name));
}

/** Who else is on `itemId` (for the editor's header). */
export function othersOn(entries: readonly PresenceEntry[], itemId: string, me: string | undefined): PresenceEntry[] {
  return entries.filter((e) => e.itemId === itemId && e.name !== me);
}
