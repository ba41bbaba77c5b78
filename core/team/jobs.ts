/**
 * Jobs: a manager's slice of a dataset, handed to one annotator and one reviewer (issue #21).
 * Pure data and rules (zod + functions): the host stores jobs as records in the project store's
 * "jobs" collection (main/services/team/jobs.ts) and runs these rules inside compare-and-swap
 * writes, so two managers editing one job at once get a CONFLICT, never a lost assignment.
 *
 * A job holds units: a whole item, or a range of frames of a sequence item (so a long LiDAR drive
 * can go to several annotators). Job status: open (not started) -> in_progress -> submitted ->
 * accepted | rejected; rejected -> in_progress (the annotator fixes) -> submitted again.
 */
import { z } from 'zod';

export const JobStatus = z.enum(['open', 'in_progress', 'submitted', 'accepted', 'rejected']);
export type JobStatus = z.infer<typeof JobStatus>;

/** A whole item, or frames [first, last] (inclusive, 0-based) of a sequence item. */
export const JobUnit = z.object({
  itemId: z.string().min(1),
  frames: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]).optional(),
});
export type JobUnit = z.infer<typeof JobUnit>;

export const JobChange = z.object({
  from: JobStatus,
  to: JobStatus,
  by: z.string().min(1),
  at: z.number(),
  note: z.string().optional(),
});
export type JobChange = z.infer<typeof JobChange>;

export const Job = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  units: z.array(JobUnit).min(1),
  /** How it was made, for the manager's table: "items", "frames" or "filter: <what>". */
  origin: z.string().max(400).default('items'),
  annotator: z.string().min(1).optional(),
  reviewer: z.string().min(1).optional(),
  status: JobStatus.default('open'),
  history: z.array(JobChange).default([]),
  createdBy: z.string().min(1),
  createdAt: z.number(),
});
export type Job = z.infer<typeof Job>;

export class JobRuleError extends Error {
  override name = 'JobRuleError';
}

/** What a splitter needs of an item (the host passes items.list rows). */
export interface SplitItem {
  id: string;
  name: string;
  /** Frames of a sequence item; absent or 0 for single items. */
  frames?: number;
}

export interface SplitOptions {
  /** Prefix of the job names ("Batch" -> "Batch 1", "Batch 2", ...). */
  name: string;
  by: string;
  now: number;
  /** Makes the job ids; the host passes a random one, tests a counter. */
  newId: () => string;
  origin?: string;
}

function makeJobs(chunks: JobUnit[][], o: SplitOptions, origin: string): Job[] {
  const width = String(chunks.length).length;
  return chunks.map((units, i) => ({
    id: o.newId(),
    name: chunks.length === 1 ? o.name : `${o.name} ${String(i + 1).padStart(width, '0')}`,
    units,
    origin: o.origin ?? origin,
    status: 'open',
    history: [],
    createdBy: o.by,
    createdAt: o.now,
  }));
}

/**
 * Split items into jobs of at most `perJob` items, in the order given (the browser's order, so a
 * job is a run of neighbouring items: consecutive camera frames stay with one annotator).
 */
export function splitByItems(items: readonly SplitItem[], perJob: number, o: SplitOptions): Job[] {
  if (!Number.isInteger(perJob) || perJob < 1) throw new JobRuleError('items per job must be a whole number of at least 1');
  if (!items.length) throw new JobRuleError('no items to split');
  const chunks: JobUnit[][] = [];
  for (let i = 0; i < items.length; i += perJob) chunks.push(items.slice(i, i + perJob).map((it) => ({ itemId: it.id })));
  return makeJobs(chunks, o, 'items');
}

/**
 * Split one sequence item into jobs of at most `perJob` frames. `overlap` frames are repeated at
 * the start of the next job (so a track crossing the boundary is seen by both annotators).
 */
export function splitByFrames(item: SplitItem, perJob: number, o: SplitOptions, overlap = 0): Job[] {
  const n = item.frames ?? 0;
  if (n < 1) throw new JobRuleError(`${item.name} is not a sequence (it has no frames)`);
  if (!Number.isInteger(perJob) || perJob < 1) throw new JobRuleError('frames per job must be a whole number of at least 1');
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= perJob) throw new JobRuleError('the overlap must be smaller than the frames per job');
  const chunks: JobUnit[][] = [];
  for (let first = 0; first < n; first += perJob - overlap) {
    const last = Math.min(n - 1, first + perJob - 1);
    chunks.push([{ itemId: item.id, frames: [first, last] }]);
    if (last === n - 1) break;
  }
  return makeJobs(chunks, o, 'frames');
}

/**
 * One job, or jobs of `perJob`, from the items a filter selected (the host runs the filter with
 * items.list: status, modality, name search). `describe` is kept as the job's origin.
 */
export function splitByFilter(items: readonly SplitItem[], describe: string, o: SplitOptions, perJob?: number): Job[] {
  if (!items.length) throw new JobRuleError(`the filter (${describe}) selects no items`);
  return splitByItems(items, perJob ?? items.length, { ...o, origin: `filter: ${describe}` });
}

/** Items that already belong to a job (whole items; frame ranges are allowed to share an item). */
export function itemsInJobs(jobs: readonly Job[]): Set<string> {
  const s = new Set<string>();
  for (const j of jobs) for (const u of j.units) if (!u.frames) s.add(u.itemId);
  return s;
}

/** Is `who` allowed to do `action` on this job? Managers may do everything; the rules say who else. */
export type JobAction = 'assign' | 'start' | 'submit' | 'accept' | 'reject' | 'delete';

export interface Actor {
  name: string;
  /** Team server: the account's role; single-user host: undefined (the local profile may do all). */
  role?: 'annotator' | 'reviewer' | 'manager';
}

export function checkJobAction(job: Job, action: JobAction, who: Actor): void {
  const manager = who.role === undefined || who.role === 'manager';
  switch (action) {
    case 'assign':
    case 'delete':
      if (!manager) throw new JobRuleError(`${who.name} (${who.role}) cannot ${action} jobs: managers do`);
      return;
    case 'start':
    case 'submit':
      if (job.annotator && job.annotator !== who.name && !(who.role === 'manager'))
        throw new JobRuleError(`${job.name} is assigned to ${job.annotator}, not ${who.name}`);
      if (who.role === 'reviewer') throw new JobRuleError(`${who.name} is a reviewer: annotators ${action} jobs`);
      return;
    case 'accept':
    case 'reject':
      if (who.role === 'annotator') throw new JobRuleError(`${who.name} is an annotator: reviewers ${action} jobs`);
      if (job.reviewer && job.reviewer !== who.name && who.role !== 'manager')
        throw new JobRuleError(`${job.name} is reviewed by ${job.reviewer}, not ${who.name}`);
      if (job.annotator === who.name && job.reviewer !== who.name)
        throw new JobRuleError(`${who.name} annotated ${job.name} and cannot review it`);
      return;
  }
}

const JOB_TRANSITIONS: Record<JobStatus, readonly JobStatus[]> = {
  open: ['in_progress', 'submitted'],
  in_progress: ['submitted'],
  submitted: ['accepted', 'rejected', 'in_progress'],
  rejected: ['in_progress', 'submitted'],
  accepted: ['in_progress'],
};

/** Move a job to `to` (rules: the table above; rejecting needs a note). Returns a new job. */
export function moveJob(job: Job, to: JobStatus, who: Actor, now: number, note?: string): Job {
  if (job.status === to) return job;
  if (!JOB_TRANSITIONS[job.status].includes(to)) throw new JobRuleError(`${job.name} cannot go from ${job.status} to ${to}`);
  if (to === 'rejected' && !note?.trim()) throw new JobRuleError('rejecting a job needs a note (what to fix)');
  const change: JobChange = { from: job.status, to, by: who.name, at: now, ...(note ? { note } : {}) };
  return { ...job, status: to, history: [...job.history, change] };
}

export function assignJob(job: Job, who: { annotator?: string | null; reviewer?: string | null }): Job {
  const next = { ...job };
  if (who.annotator !== undefined) {
    if (who.annotator) next.annotator = who.annotator;
    else delete next.annotator;
  }
  if (who.reviewer !== undefined) {
    if (who.reviewer) next.reviewer = who.reviewer;
    else delete next.reviewer;
  }
  if (next.annotator && next.reviewer && next.annotator === next.reviewer) throw new JobRuleError(`${next.annotator} cannot both annotate and review ${job.name}`);
  return next;
}

/** The reviewer's queue: submitted jobs for `who` (theirs, or with no reviewer), oldest submission first. */
export function reviewQueue(jobs: readonly Job[], who: Actor): Job[] {
  const submittedAt = (j: Job) => [...j.history].reverse().find((h) => h.to === 'submitted')?.at ?? j.createdAt;
  return jobs
    .filter((j) => j.status === 'submitted' && (!j.reviewer || j.reviewer === who.name || who.role === 'manager') && j.annotator !== who.name)
    .sort((a, b) => submittedAt(a) - submittedAt(b) || a.id.localeCompare(b.id));
}

/** The annotator's jobs: assigned to `who` and not accepted; rejected first (they wait on a fix), then in progress, then open. */
export function myJobs(jobs: readonly Job[], who: string): Job[] {
  const rank: Record<JobStatus, number> = { rejected: 0, in_progress: 1, open: 2, submitted: 3, accepted: 4 };
  return jobs.filter((j) => j.annotator === who && j.status !== 'accepted').sort((a, b) => rank[a.status] - rank[b.status] || a.createdAt - b.createdAt || a.name.localeCompare(b.name));
}
