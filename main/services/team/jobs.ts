/**
 * Jobs on the project store (rules in core/team/jobs.ts): records of the "jobs" collection, each
 * change a compare-and-swap that re-reads and re-applies the rule on a CONFLICT (so two managers
 * assigning at once both land, or the second is refused by the rule, never silently lost).
 *
 * Submitting, rejecting and accepting a job move its items through the existing review workflow
 * (ReviewService.transition: history, who and when, issues), so the item-level review screens,
 * queue and metrics keep working; the job is the unit people are handed and the reviewer pulls.
 */
import { randomUUID } from 'node:crypto';
import { DatumError } from '../../rpc/errors';
import type { ProjectStore } from '../store/types';
import type { ProjectService } from '../projectService';
import type { ReviewService } from '../review';
import type { ItemDocument, ItemStatus } from '../../../core/document/schema';
import type { Profile } from '../../../core/review/schema';
import {
  Job,
  JobRuleError,
  assignJob,
  checkJobAction,
  itemsInJobs,
  moveJob,
  myJobs,
  reviewQueue,
  splitByFilter,
  splitByFrames,
  splitByItems,
  type Actor,
  type JobAction,
  type SplitItem,
} from '../../../core/team/jobs';
import { nextUnit, teamProgress, type ItemStatusName, type TeamProgress } from '../../../core/team/progress';
import { openIssues } from '../../../core/review/workflow';
import type { LeaseService } from './leases';
import { leaseState } from '../../../core/team/leases';

export const JOBS = 'jobs';

export type SplitRequest =
  | { by: 'items'; name: string; perJob: number; itemIds?: string[]; skipAssigned?: boolean }
  | { by: 'frames'; name: string; perJob: number; itemId: string; overlap?: number }
  | { by: 'filter'; name: string; perJob?: number; filter: { status?: ItemStatus[]; modality?: string[]; search?: string }; skipAssigned?: boolean };

const rule = (e: unknown): never => {
  if (e instanceof JobRuleError) throw new DatumError('CONFLICT', e.message);
  throw e;
};
const isConflict = (e: unknown) => e instanceof DatumError && e.code === 'CONFLICT';

function describeFilter(f: { status?: string[]; modality?: string[]; search?: string }): string {
  const parts: string[] = [];
  if (f.status?.length) parts.push(`status ${f.status.join('|')}`);
  if (f.modality?.length) parts.push(`modality ${f.modality.join('|')}`);
  if (f.search) parts.push(`name contains "${f.search}"`);
  return parts.join(', ') || 'all items';
}

export class JobService {
  constructor(
    private readonly store: () => Promise<ProjectStore> | ProjectStore,
    private readonly projects: ProjectService,
    private readonly review: ReviewService,
    private readonly leases: LeaseService,
    private readonly clock: () => number = Date.now,
  ) {}

  async list(): Promise<Job[]> {
    const out: Job[] = [];
    for (const r of await (await this.store()).listRecords<unknown>(JOBS)) {
      const j = Job.safeParse(r.value);
      if (j.success) out.push(j.data);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name, undefined, { numeric: true }));
  }

  async get(jobId: string): Promise<Job> {
    const rec = await (await this.store()).getRecord<unknown>(JOBS, jobId);
    if (!rec) throw new DatumError('NOT_FOUND', `no job ${jobId}`);
    return Job.parse(rec.value);
  }

  /** Re-read, apply, write by compare-and-swap; re-apply on a CONFLICT (the rule decides again). */
  private async update(jobId: string, who: Actor, f: (job: Job) => Job): Promise<Job> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const rec = await (await this.store()).getRecord<unknown>(JOBS, jobId);
      if (!rec) throw new DatumError('NOT_FOUND', `no job ${jobId}`);
      let next: Job;
      try {
        next = f(Job.parse(rec.value));
      } catch (e) {
        return rule(e);
      }
      try {
        await (await this.store()).putRecord(JOBS, jobId, next, rec.revision, who.name);
        return next;
      } catch (e) {
        if (!isConflict(e)) throw e;
      }
    }
    throw new DatumError('CONFLICT', `job ${jobId} keeps changing; try again`);
  }

  private allItems(filter?: { status?: ItemStatus[]; modality?: string[]; search?: string }) {
    return this.projects.listItems({ offset: 0, limit: Number.MAX_SAFE_INTEGER, ...(filter ?? {}) } as never).items;
  }

  /** A manager splits items (or a sequence's frames, or a filter's items) into new open jobs. */
  async split(req: SplitRequest, who: Actor): Promise<Job[]> {
    if (who.role && who.role !== 'manager') throw new DatumError('FORBIDDEN', `${who.name} (${who.role}) cannot split jobs: managers do`);
    const o = { name: req.name, by: who.name, now: this.clock(), newId: () => `job-${randomUUID().slice(0, 8)}` };
    const taken = 'skipAssigned' in req && req.skipAssigned ? itemsInJobs(await this.list()) : new Set<string>();
    const asSplit = (rows: { id: string; name: string; frames?: number }[]): SplitItem[] => rows.filter((r) => !taken.has(r.id)).map((r) => ({ id: r.id, name: r.name, frames: r.frames }));
    let jobs: Job[];
    try {
      if (req.by === 'frames') {
        const item = this.projects.getItem(req.itemId);
        jobs = splitByFrames({ id: item.id, name: item.name, frames: item.frames }, req.perJob, o, req.overlap ?? 0);
      } else if (req.by === 'items') {
        const all = this.allItems();
        const rows = req.itemIds ? req.itemIds.map((id) => this.projects.getItem(id)) : all;
        jobs = splitByItems(asSplit(rows), req.perJob, o);
      } else {
        jobs = splitByFilter(asSplit(this.allItems(req.filter)), describeFilter(req.filter), o, req.perJob);
      }
    } catch (e) {
      if (e instanceof JobRuleError) throw new DatumError('BAD_REQUEST', e.message);
      throw e;
    }
    for (const j of jobs) await (await this.store()).putRecord(JOBS, j.id, j, 0, who.name);
    return jobs;
  }

  async assign(jobId: string, to: { annotator?: string | null; reviewer?: string | null }, who: Actor): Promise<Job> {
    return this.update(jobId, who, (j) => {
      checkJobAction(j, 'assign', who);
      return assignJob(j, to);
    });
  }

  async remove(jobId: string, who: Actor): Promise<void> {
    const rec = await (await this.store()).getRecord<unknown>(JOBS, jobId);
    if (!rec) throw new DatumError('NOT_FOUND', `no job ${jobId}`);
    try {
      checkJobAction(Job.parse(rec.value), 'delete', who);
    } catch (e) {
      rule(e);
    }
    await (await this.store()).deleteRecord(JOBS, jobId, rec.revision, who.name);
  }

  private check(job: Job, action: JobAction, who: Actor): void {
    try {
      checkJobAction(job, action, who);
    } catch (e) {
      if (e instanceof JobRuleError) throw new DatumError('FORBIDDEN', e.message);
      throw e;
    }
  }

  private profile(who: Actor, role: 'annotator' | 'reviewer'): Profile {
    return { id: `team:${who.name}`, name: who.name, roles: [role] };
  }

  private wholeItems(job: Job): string[] {
    return job.units.filter((u) => !u.frames).map((u) => u.itemId);
  }

  /** The annotator starts the job (opening its first item does this too). */
  async start(jobId: string, who: Actor): Promise<Job> {
    this.check(await this.get(jobId), 'start', who);
    return this.update(jobId, who, (j) => (j.status === 'open' || j.status === 'rejected' ? moveJob(j, 'in_progress', who, this.clock()) : j));
  }

  /**
   * The annotator hands the job in: each of its items goes to `submitted` through the review
   * workflow (new -> in_progress -> submitted; rejected -> in_progress -> submitted), then the job.
   */
  async submit(jobId: string, who: Actor): Promise<Job> {
    const job = await this.get(jobId);
    this.check(job, 'submit', who);
    if (job.status === 'submitted' || job.status === 'accepted') throw new DatumError('CONFLICT', `${job.name} is already ${job.status}`);
    const profile = this.profile(who, 'annotator');
    const now = this.clock();
    for (const itemId of this.wholeItems(job)) {
      const lease = await this.leases.get(itemId);
      if (leaseState(lease, who.name, now) === 'held') throw new DatumError('CONFLICT', `${this.projects.getItem(itemId).name} is being edited by ${lease!.holder}; submit when they are done`);
    }
    for (const itemId of this.wholeItems(job)) {
      let status = this.projects.getItem(itemId).status;
      if (status === 'new' || status === 'rejected') status = (await this.review.transition(itemId, 'in_progress', profile)).status;
      if (status === 'in_progress') await this.review.transition(itemId, 'submitted', profile);
    }
    return this.update(jobId, who, (j) => moveJob(j.status === 'open' ? moveJob(j, 'in_progress', who, now) : j, 'submitted', who, now));
  }

  /**
   * The reviewer sends the job back. Items with open issues (pinned with the review tools) are
   * rejected with the note; when none has an issue, every submitted item is.
   */
  async reject(jobId: string, note: string, who: Actor): Promise<{ job: Job; rejectedItems: string[] }> {
    const job = await this.get(jobId);
    this.check(job, 'reject', who);
    if (job.status !== 'submitted') throw new DatumError('CONFLICT', `${job.name} is ${job.status}, not submitted`);
    if (!note.trim()) throw new DatumError('BAD_REQUEST', 'rejecting a job needs a note (what to fix)');
    const profile = this.profile(who, 'reviewer');
    const docs = await this.submittedDocs(job);
    const withIssues = docs.filter((d) => openIssues(d).length > 0);
    const targets = withIssues.length ? withIssues : docs;
    for (const d of targets) await this.review.transition(d.itemId, 'rejected', profile, { note });
    const next = await this.update(jobId, who, (j) => moveJob(j, 'rejected', who, this.clock(), note));
    return { job: next, rejectedItems: targets.map((d) => d.itemId) };
  }

  /** The reviewer accepts: every submitted item is accepted (open issues refuse unless `force`). */
  async accept(jobId: string, who: Actor, force = false): Promise<Job> {
    const job = await this.get(jobId);
    this.check(job, 'accept', who);
    if (job.status !== 'submitted') throw new DatumError('CONFLICT', `${job.name} is ${job.status}, not submitted`);
    const docs = await this.submittedDocs(job);
    const open = docs.filter((d) => openIssues(d).length > 0);
    if (open.length && !force) throw new DatumError('CONFLICT', `${open.length} item(s) of ${job.name} still have open issues: ${open.map((d) => this.projects.getItem(d.itemId).name).join(', ')}`);
    const profile = this.profile(who, 'reviewer');
    for (const d of docs) await this.review.transition(d.itemId, 'accepted', profile, { force });
    return this.update(jobId, who, (j) => moveJob(j, 'accepted', who, this.clock()));
  }

  private async submittedDocs(job: Job): Promise<ItemDocument[]> {
    const out: ItemDocument[] = [];
    for (const itemId of this.wholeItems(job)) {
      if (this.projects.getItem(itemId).status !== 'submitted') continue;
      out.push(await this.projects.loadAnnotations(itemId));
    }
    return out;
  }

  private status = (itemId: string): ItemStatusName | undefined => {
    try {
      return this.projects.getItem(itemId).status;
    } catch {
      return undefined; // an item removed from the dataset since the split counts as not done
    }
  };

  /** The annotator's next item of a job: not done, not being edited by someone else. */
  async next(jobId: string, who: Actor, after?: string): Promise<{ itemId: string; frames?: [number, number] } | null> {
    const job = await this.get(jobId);
    const now = this.clock();
    const held = new Set((await this.leases.list()).filter((l) => leaseState(l, who.name, now) === 'held').map((l) => l.itemId));
    const u = nextUnit(job, this.status, (id) => held.has(id), after);
    return u ? { itemId: u.itemId, ...(u.frames ? { frames: u.frames } : {}) } : null;
  }

  async mine(who: Actor): Promise<Job[]> {
    return myJobs(await this.list(), who.name);
  }

  async queue(who: Actor): Promise<Job[]> {
    return reviewQueue(await this.list(), who);
  }

  async progress(): Promise<TeamProgress> {
    return teamProgress(await this.list(), this.status);
  }
}
