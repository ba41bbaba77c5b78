/**
 * Item leases: who may edit an item right now, so two people never label one item at once.
 * Taken when an item is opened for editing, renewed by a heartbeat while it stays open, released
 * on close; one that was not renewed for LEASE_TTL_MS has expired and anyone may take it over (a
 * crashed browser or a lost network must not lock an item for ever). The host keeps one record per
 * item in the store's "leases" collection and changes it by compare-and-swap, so of two people
 * opening the same free item at the same moment exactly one gets it (main/services/team/leases.ts).
 */
import { z } from 'zod';

/** How often an open editor renews its lease, and how long a lease lives without a renewal. */
export const HEARTBEAT_MS = 20_000;
export const LEASE_TTL_MS = 60_000;

export const Lease = z.object({
  itemId: z.string().min(1),
  /** The person holding it: the team account's name, or the local profile's name. */
  holder: z.string().min(1),
  takenAt: z.number(),
  renewedAt: z.number(),
  expiresAt: z.number(),
});
export type Lease = z.infer<typeof Lease>;

/** free: nobody holds it; mine: `who` does; expired: someone did, and may be replaced; held: someone else has it. */
export type LeaseState = 'free' | 'mine' | 'expired' | 'held';

export function leaseState(lease: Lease | null | undefined, who: string, now: number): LeaseState {
  if (!lease) return 'free';
  if (lease.holder === who) return 'mine';
  return lease.expiresAt <= now ? 'expired' : 'held';
}

/** The lease `who` holds after taking or renewing (keeps takenAt when it was already theirs). */
export function takeLease(prev: Lease | null | undefined, itemId: string, who: string, now: number, ttl = LEASE_TTL_MS): Lease {
  const state = leaseState(prev, who, now);
  if (state === 'held') throw new LeaseHeldError(prev!);
  return { itemId, holder: who, takenAt: state === 'mine' && prev ? prev.takenAt : now, renewedAt: now, expiresAt: now + ttl };
}

export class LeaseHeldError extends Error {
  override name = 'LeaseHeldError';
  constructor(readonly lease: Lease) {
    super(`${lease.itemId} is being edited by ${lease.holder}`);
  }
}

/**
 * May `who` save this item? On a team server a save needs the lease (`requireLease`); on a
 * single-user host only someone else's live lease refuses it (scripts and older clients save
 * without taking one). Returns null when allowed, else why not.
 */
export function saveRefusal(lease: Lease | null | undefined, who: string | undefined, now: number, requireLease: boolean): string | null {
  const state = leaseState(lease, who ?? '', now);
  if (state === 'held') return `${lease!.itemId} is being edited by ${lease!.holder}; open it again when they are done`;
  if (requireLease && state !== 'mine') return `${lease?.itemId ?? 'this item'}: open the item for editing first (no lease held by ${who ?? 'you'})`;
  return null;
}
