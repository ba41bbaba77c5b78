/**
 * Progress per job and per person, from the jobs and the items' review status. A whole-item unit
 * is done when its item is submitted or accepted; a frame-range unit (several jobs share one
 * sequence item, whose status is one for all) is done when its job is submitted or accepted.
 */
import type { Job } from './jobs';

export type ItemStatusName = 'new' | 'in_progress' | 'submitted' | 'accepted' | 'rejected';

export interface JobProgress {
  jobId: string;
  name: string;
  status: Job['status'];
  annotator: string | null;
  reviewer: string | null;
  total: number;
  /** Units submitted or accepted. */
  done: number;
  accepted: number;
  rejected: number;
}

export interface PersonProgress {
  name: string;
  /** Units in jobs they annotate, and how many are done / accepted. */
  annotate: { jobs: number; total: number; done: number; accepted: number };
  /** Units in jobs they review; reviewed = in jobs they accepted or rejected. */
  review: { jobs: number; total: number; reviewed: number };
}

export interface TeamProgress {
  jobs: JobProgress[];
  people: PersonProgress[];
  totals: { jobs: number; units: number; done: number; accepted: number };
}

const DONE = new Set<string>(['submitted', 'accepted']);

export function unitStatus(job: Job, unit: Job['units'][number], status: (itemId: string) => ItemStatusName | undefined): ItemStatusName {
  if (unit.frames) {
    if (job.status === 'accepted' || job.status === 'submitted' || job.status === 'rejected') return job.status;
    return job.status === 'open' ? 'new' : 'in_progress';
  }
  return status(unit.itemId) ?? 'new';
}

export function jobProgress(job: Job, status: (itemId: string) => ItemStatusName | undefined): JobProgress {
  let done = 0;
  let accepted = 0;
  let rejected = 0;
  for (const u of job.units) {
    const s = unitStatus(job, u, status);
    if (DONE.has(s)) done++;
    if (s === 'accepted') accepted++;
    if (s === 'rejected') rejected++;
  }
  return {
    jobId: job.id,
    name: job.name,
    status: job.status,
    annotator: job.annotator ?? null,
    reviewer: job.reviewer ?? null,
    total: job.units.length,
    done,
    accepted,
    rejected,
  };
}

export function teamProgress(jobs: readonly Job[], status: (itemId: string) => ItemStatusName | undefined): TeamProgress {
  const rows = jobs.map((j) => jobProgress(j, status));
  const people = new Map<string, PersonProgress>();
  const person = (name: string) => {
    let p = people.get(name);
    if (!p) people.set(name, (p = { name, annotate: { jobs: 0, total: 0, done: 0, accepted: 0 }, review: { jobs: 0, total: 0, reviewed: 0 } }));
    return p;
  };
  for (const r of rows) {
    if (r.annotator) {
      const a = person(r.annotator).annotate;
      a.jobs++;
      a.total += r.total;
      a.done += r.done;
      a.accepted += r.accepted;
    }
    if (r.reviewer) {
      const v = person(r.reviewer).review;
      v.jobs++;
      v.total += r.total;
      if (r.status === 'accepted' || r.status === 'rejected') v.reviewed += r.total;
    }
  }
  return {
    jobs: rows,
    people: [...people.values()].sort((a, b) => a.name.localeCompare(b.name)),
    totals: {
      jobs: rows.length,
      units: rows.reduce((s, r) => s + r.total, 0),
      done: rows.reduce((s, r) => s + r.done, 0),
      accepted: rows.reduce((s, r) => s + r.accepted, 0),
    },
  };
}

/**
 * The next unit of a job for its annotator: the first one not done whose item nobody else is
 * editing (`heldByOther`), rejected units first (they wait on a fix). Null when none is left.
 */
export function nextUnit(job: Job, status: (itemId: string) => ItemStatusName | undefined, heldByOther: (itemId: string) => boolean, after?: string): Job['units'][number] | null {
  const open = job.units.filter((u) => !DONE.has(unitStatus(job, u, status)) && !heldByOther(u.itemId));
  if (!open.length) return null;
  const rejected = open.find((u) => unitStatus(job, u, status) === 'rejected');
  if (rejected) return rejected;
  if (after) {
    const i = job.units.findIndex((u) => u.itemId === after);
    const later = open.find((u) => job.units.indexOf(u) > i);
    if (later) return later;
  }
  return open[0];
}
