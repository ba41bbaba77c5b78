/**
 * The `work.*`, `lease.*` and `presence.*` handlers (issue #21, jobs, leases and presence), spread
 * into createHandlers (handlers.ts). Who acts: on a team server the signed-in account
 * (CallContext.caller, with its role); on a single-user host the local profile named in `who`.
 */
import type { CallContext, Handlers } from './router';
import { DatumError } from './errors';
import type { ProjectService } from '../services/projectService';
import type { ReviewService } from '../services/review';
import type { ProjectStore } from '../services/store/types';
import { JobService } from '../services/team/jobs';
import { LeaseService } from '../services/team/leases';
import { PresenceService } from '../services/team/presence';
import type { Actor } from '../../core/team/jobs';
import { HEARTBEAT_MS, LEASE_TTL_MS } from '../../core/team/leases';

type TeamMethod = Extract<keyof Handlers, `work.${string}` | `lease.${string}` | `presence.${string}`>;

export interface TeamServices {
  jobs: JobService;
  leases: LeaseService;
  presence: PresenceService;
  /** The save path's lease check (annotations.save). */
  checkSave(itemId: string, author: string | undefined, ctx: CallContext): Promise<void>;
}

export function actorOf(ctx: CallContext, who: string | undefined): Actor {
  if (ctx.caller) return { name: ctx.caller.name, role: ctx.caller.role };
  if (who?.trim()) return { name: who.trim() };
  throw new DatumError('BAD_REQUEST', 'choose who you are first (the profile menu in the top bar)');
}

export function createTeamServices(projects: ProjectService, review: ReviewService, store: () => ProjectStore): TeamServices {
  const leases = new LeaseService(store);
  const jobs = new JobService(store, projects, review, leases);
  const presence = new PresenceService(projects.events);
  // Presence, lease and job events of the open project's store (this host's and other hosts').
  projects.onStoreEvent((e) => presence.onEvent(e));
  return {
    jobs,
    leases,
    presence,
    async checkSave(itemId, author, ctx) {
      // On a team server a save needs the saver's own lease; on a single-user host only someone
      // else's live lease refuses it (scripts and older clients save without one).
      await leases.checkSave(itemId, ctx.caller?.name ?? author, !!ctx.caller);
    },
  };
}

export function createTeamHandlers(team: TeamServices, store: () => ProjectStore): Pick<Handlers, TeamMethod> {
  const { jobs, leases, presence } = team;
  // NO_PROJECT before anything else when no project is open.
  const s = async () => store();
  return {
    'work.split': async ({ who, ...req }, ctx) => (await s(), { jobs: await jobs.split(req, actorOf(ctx, who)) }),
    'work.list': async () => (await s(), { jobs: await jobs.list() }),
    'work.mine': async ({ who }, ctx) => (await s(), { jobs: await jobs.mine(actorOf(ctx, who)) }),
    'work.queue': async ({ who }, ctx) => (await s(), { jobs: await jobs.queue(actorOf(ctx, who)) }),
    'work.assign': async ({ job: jobId, annotator, reviewer, who }, ctx) => (await s(), { job: await jobs.assign(jobId, { annotator, reviewer }, actorOf(ctx, who)) }),
    'work.delete': async ({ job: jobId, who }, ctx) => {
      await s();
      await jobs.remove(jobId, actorOf(ctx, who));
      return { ok: true as const };
    },
    'work.start': async ({ job: jobId, who }, ctx) => (await s(), { job: await jobs.start(jobId, actorOf(ctx, who)) }),
    'work.submit': async ({ job: jobId, who }, ctx) => (await s(), { job: await jobs.submit(jobId, actorOf(ctx, who)) }),
    'work.reject': async ({ job: jobId, note, who }, ctx) => (await s(), jobs.reject(jobId, note, actorOf(ctx, who))),
    'work.accept': async ({ job: jobId, force, who }, ctx) => (await s(), { job: await jobs.accept(jobId, actorOf(ctx, who), force) }),
    'work.next': async ({ job: jobId, after, who }, ctx) => (await s(), { next: await jobs.next(jobId, actorOf(ctx, who), after) }),
    'work.progress': async () => (await s(), jobs.progress()),
    'lease.acquire': async ({ itemId, who }, ctx) => {
      const st = await s();
      const me = actorOf(ctx, who).name;
      const answer = await leases.acquire(itemId, me);
      // The heartbeat doubles as presence: editing when granted, viewing read-only otherwise.
      await presence.announce(st, me, { itemId, mode: answer.granted ? 'edit' : 'view' });
      return { ...answer, heartbeatMs: HEARTBEAT_MS, ttlMs: LEASE_TTL_MS };
    },
    'lease.release': async ({ itemId, who }, ctx) => (await s(), { released: await leases.release(itemId, actorOf(ctx, who).name) }),
    'lease.get': async ({ itemId }) => (await s(), { lease: await leases.get(itemId) }),
    'presence.update': async ({ itemId, mode, gone, who }, ctx) => {
      const me = actorOf(ctx, who).name;
      return { people: await presence.announce(await s(), me, gone ? { gone: true } : { itemId, mode }) };
    },
    'presence.list': async () => (await s(), { people: presence.list() }),
  };
}
