/**
 * The least team role for each `work.*`, `lease.*` and `presence.*` method, for the team server's
 * permission table (branch tacct's main/services/team/permissions.ts: spread this into PERMISSIONS
 * when the two meet). The services check the finer rules themselves (an annotator submits only
 * their own job, a reviewer accepts only jobs they review, nobody reviews their own work).
 */
import type { MethodName } from '../../../preload/contract';

type TeamMethod = Extract<MethodName, `work.${string}` | `lease.${string}` | `presence.${string}`>;
type Min = { min: 'annotator' | 'reviewer' | 'manager' };

const read: Min = { min: 'annotator' };
const annotate: Min = { min: 'annotator' };
const review: Min = { min: 'reviewer' };
const manage: Min = { min: 'manager' };

export const WORK_PERMISSIONS: { readonly [M in TeamMethod]: Min } = {
  'work.split': manage,
  'work.assign': manage,
  'work.delete': manage,
  'work.list': read,
  'work.mine': read,
  'work.queue': read,
  'work.next': read,
  'work.progress': read,
  'work.start': annotate,
  'work.submit': annotate,
  'work.reject': review,
  'work.accept': review,
  // Opening an item read-only still asks for the lease (and is told who holds it).
  'lease.acquire': read,
  'lease.release': read,
  'lease.get': read,
  'presence.update': read,
  'presence.list': read,
};
