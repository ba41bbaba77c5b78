/**
 * Presence: who is on which item, pushed live. Announcements go out with store.broadcast (every
 * host on the store hears them: in-process for the folder, NOTIFY for PostgreSQL); every host keeps
 * the table in memory (core/team/presence.ts) and tells its connections with `presence.changed`.
 * Lease changes (a record of the "leases" collection written or deleted, by any host) are told as
 * `lease.changed`, so a read-only viewer learns the moment an item becomes free; jobs written as
 * `work.changed`, so everyone's Jobs tab and progress follow without a refresh.
 */
import type { EventHub } from '../../rpc/events';
import type { ProjectStore, StoreEvent } from '../store/types';
import { applyPresence, livePresence, PRESENCE_TTL_MS, type PresenceEntry } from '../../../core/team/presence';
import { LEASES } from './leases';
import { JOBS } from './jobs';

export const PRESENCE_EVENT = 'presence';

export class PresenceService {
  private table = new Map<string, PresenceEntry>();
  private unsubscribe: (() => void) | null = null;
  private attached: ProjectStore | null = null;

  constructor(
    private readonly hub: EventHub,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Listen to one store directly (tests; a host uses `onEvent` from the project service's store events). */
  attach(store: ProjectStore | null): void {
    if (store === this.attached) return;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.table = new Map();
    this.attached = store;
    if (store) this.unsubscribe = store.subscribe((e) => this.onEvent(e));
  }

  /** One event of the open project's store, from this host or another. */
  onEvent(e: StoreEvent): void {
    if (e.kind === PRESENCE_EVENT && e.actor) {
      const d = e.data ?? {};
      this.table = d.gone
        ? applyPresence(this.table, { name: e.actor, gone: true })
        : applyPresence(this.table, {
            name: e.actor,
            itemId: typeof d.itemId === 'string' ? d.itemId : null,
            mode: d.mode === 'view' ? 'view' : 'edit',
            at: typeof d.at === 'number' ? d.at : e.at,
          });
      this.hub.publish('presence.changed', { people: this.list() });
      return;
    }
    if ((e.kind === 'record.put' || e.kind === 'record.deleted') && e.key.startsWith(`${LEASES}/`)) {
      const itemId = e.key.slice(LEASES.length + 1);
      this.hub.publish('lease.changed', { itemId, holder: e.kind === 'record.put' ? (e.actor ?? null) : null });
    } else if ((e.kind === 'record.put' || e.kind === 'record.deleted') && e.key.startsWith(`${JOBS}/`)) {
      this.hub.publish('work.changed', { jobId: e.key.slice(JOBS.length + 1) });
    }
  }

  /** Say where `name` is (itemId null: on no item), or that they left (`gone`). */
  async announce(store: ProjectStore, name: string, where: { itemId: string | null; mode: 'edit' | 'view' } | { gone: true }): Promise<PresenceEntry[]> {
    const at = this.clock();
    const data = 'gone' in where ? { gone: true, at } : { itemId: where.itemId, mode: where.mode, at };
    await store.broadcast({ kind: PRESENCE_EVENT, key: 'gone' in where ? '' : (where.itemId ?? ''), actor: name, data });
    return this.list();
  }

  list(): PresenceEntry[] {
    return livePresence(this.table, this.clock(), PRESENCE_TTL_MS);
  }
}
