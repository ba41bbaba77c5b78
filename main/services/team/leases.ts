/**
 * Item leases on the project store (core/team/leases.ts has the rules): one record per item in the
 * "leases" collection, changed only by compare-and-swap, so it works the same on the folder and on
 * PostgreSQL, across every host serving one team. Of two people taking one free item at the same
 * moment, the store lets exactly one write through; the other reads the winner back and is told
 * who holds it.
 */
import { DatumError } from '../../rpc/errors';
import type { ProjectStore, Revisioned } from '../store/types';
import { Lease, LeaseHeldError, LEASE_TTL_MS, leaseState, saveRefusal, takeLease } from '../../../core/team/leases';

export const LEASES = 'leases';

export interface LeaseAnswer {
  /** True when `who` holds the lease now (taken, renewed or taken over). */
  granted: boolean;
  /** The lease as stored: `who`'s own, or the holder's when refused. */
  lease: Lease;
}

const isConflict = (e: unknown) => e instanceof DatumError && e.code === 'CONFLICT';

export class LeaseService {
  constructor(
    private readonly store: () => Promise<ProjectStore> | ProjectStore,
    private readonly clock: () => number = Date.now,
    private readonly ttl = LEASE_TTL_MS,
  ) {}

  async get(itemId: string): Promise<Lease | null> {
    return (await this.read(itemId))?.value ?? null;
  }

  private async read(itemId: string): Promise<Revisioned<Lease> | null> {
    const rec = await (await this.store()).getRecord<unknown>(LEASES, itemId);
    if (!rec) return null;
    const parsed = Lease.safeParse(rec.value);
    // A record we cannot read is treated as an expired lease: it must not lock the item for ever.
    return { ...rec, value: parsed.success ? parsed.data : { itemId, holder: '?', takenAt: 0, renewedAt: 0, expiresAt: 0 } };
  }

  /**
   * Take (or renew, or take over when expired) the lease on `itemId` for `who`. Never throws for a
   * lease held by someone else: answers `granted: false` with their lease, so the editor opens
   * read-only with their name.
   */
  async acquire(itemId: string, who: string): Promise<LeaseAnswer> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const rec = await this.read(itemId);
      const now = this.clock();
      let next: Lease;
      try {
        next = takeLease(rec?.value, itemId, who, now, this.ttl);
      } catch (e) {
        if (e instanceof LeaseHeldError) return { granted: false, lease: e.lease };
        throw e;
      }
      try {
        await (await this.store()).putRecord(LEASES, itemId, next, rec?.revision ?? 0, who);
        return { granted: true, lease: next };
      } catch (e) {
        // Someone wrote meanwhile (another person took it, or our own heartbeat from another tab):
        // read again and decide on what is stored now.
        if (!isConflict(e)) throw e;
      }
    }
    const rec = await this.read(itemId);
    if (rec && leaseState(rec.value, who, this.clock()) === 'mine') return { granted: true, lease: rec.value };
    throw new DatumError('CONFLICT', `the lease on ${itemId} keeps changing; try again`);
  }

  /** Give the lease back (closing the item). Only the holder's release removes it; true if removed. */
  async release(itemId: string, who: string): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const rec = await this.read(itemId);
      if (!rec || rec.value.holder !== who) return false;
      try {
        await (await this.store()).deleteRecord(LEASES, itemId, rec.revision, who);
        return true;
      } catch (e) {
        if (isConflict(e)) continue;
        if (e instanceof DatumError && e.code === 'NOT_FOUND') return false;
        throw e;
      }
    }
    return false;
  }

  /** Live leases (expired ones are left out; they are replaced when someone opens the item). */
  async list(): Promise<Lease[]> {
    const now = this.clock();
    const out: Lease[] = [];
    for (const r of await (await this.store()).listRecords<unknown>(LEASES)) {
      const l = Lease.safeParse(r.value);
      if (l.success && l.data.expiresAt > now) out.push(l.data);
    }
    return out;
  }

  /**
   * The save path's check: CONFLICT naming the holder when someone else holds a live lease, and,
   * on a team server (`requireLease`), when `who` holds none.
   */
  async checkSave(itemId: string, who: string | undefined, requireLease: boolean): Promise<void> {
    const refusal = saveRefusal(await this.get(itemId), who, this.clock(), requireLease);
    if (refusal) throw new DatumError('CONFLICT', refusal);
  }
}
