/**
 * Item workflow: new -> in_progress -> submitted -> accepted | rejected; rejected -> in_progress;
 * an annotator may recall a submitted item (-> in_progress) and a reviewer may reopen an accepted
 * one (-> in_progress). Pure functions over the document fields they touch; they return new
 * objects and never mutate.
 */
import type { IssueMarker, ItemStatus, Profile, Role, StatusChange } from './schema';

export interface Transition {
  from: ItemStatus;
  to: ItemStatus;
  /** Roles allowed to make it. */
  roles: readonly Role[];
}

export const TRANSITIONS: readonly Transition[] = [
  { from: 'new', to: 'in_progress', roles: ['annotator', 'reviewer'] },
  { from: 'in_progress', to: 'submitted', roles: ['annotator', 'reviewer'] },
  { from: 'submitted', to: 'in_progress', roles: ['annotator'] },
  { from: 'submitted', to: 'accepted', roles: ['reviewer'] },
  { from: 'submitted', to: 'rejected', roles: ['reviewer'] },
  { from: 'rejected', to: 'in_progress', roles: ['annotator', 'reviewer'] },
  { from: 'accepted', to: 'in_progress', roles: ['reviewer'] },
];

export class WorkflowError extends Error {
  override name = 'WorkflowError';
}

export function allowedTransitions(from: ItemStatus, profile: Pick<Profile, 'roles'>): ItemStatus[] {
  return TRANSITIONS.filter((t) => t.from === from && t.roles.some((r) => profile.roles.includes(r))).map((t) => t.to);
}

export function canTransition(from: ItemStatus, to: ItemStatus, profile: Pick<Profile, 'roles'>): boolean {
  return allowedTransitions(from, profile).includes(to);
}

/** The fields of an ItemDocument the workflow reads and writes. */
export interface ReviewFields {
  status: ItemStatus;
  assignee?: string;
  history?: StatusChange[];
  issues?: IssueMarker[];
}

export interface TransitionOptions {
  now: number;
  note?: string;
  /** Accept although issues are open (they stay open). */
  force?: boolean;
}

/**
 * Move the item to `to` as `profile`, appending to its history. Rules beyond the table: rejecting
 * needs a note or an open issue (the annotator must learn why); accepting with open issues needs
 * `force`. Starting work on a new item without an assignee assigns it to the profile.
 */
export function transition<D extends ReviewFields>(doc: D, to: ItemStatus, profile: Profile, opts: TransitionOptions): D {
  const from = doc.status;
  if (!canTransition(from, to, profile))
    throw new WorkflowError(`${profile.name} (${profile.roles.join(', ')}) cannot move an item from ${from} to ${to}`);
  const open = openIssues(doc).length;
  if (to === 'rejected' && !opts.note?.trim() && open === 0) throw new WorkflowError('rejecting needs a note or an open issue');
  if (to === 'accepted' && open > 0 && !opts.force) throw new WorkflowError(`${open} issue${open === 1 ? ' is' : 's are'} still open`);
  const change: StatusChange = { from, to, by: profile.name, at: opts.now, ...(opts.note ? { note: opts.note } : {}) };
  const next: D = { ...doc, status: to, history: [...(doc.history ?? []), change] };
  if (to === 'in_progress' && from === 'new' && !doc.assignee) next.assignee = profile.name;
  return next;
}

export function openIssues(doc: Pick<ReviewFields, 'issues'>): IssueMarker[] {
  return (doc.issues ?? []).filter((i) => i.status === 'open');
}

/** When the item last entered `status`, from its history. */
export function lastEntered(doc: Pick<ReviewFields, 'history'>, status: ItemStatus): number | undefined {
  const h = doc.history ?? [];
  for (let i = h.length - 1; i >= 0; i--) if (h[i].to === status) return h[i].at;
  return undefined;
}

// ---------------------------------------------------------------- issues

export interface NewIssue {
  id: string;
  itemId: string;
  frame?: number;
  objectId?: string;
  point3d?: [number, number, number];
  region2d?: { x1: number; y1: number; x2: number; y2: number };
  check?: string;
  text: string;
}

export function addIssue<D extends ReviewFields>(doc: D, input: NewIssue, author: string, now: number): D {
  const { text, ...where } = input;
  if ((doc.issues ?? []).some((i) => i.id === input.id)) throw new WorkflowError(`issue ${input.id} exists`);
  const issue: IssueMarker = { ...where, comments: [{ author, at: now, text }], status: 'open' };
  return { ...doc, issues: [...(doc.issues ?? []), issue] };
}

function updateIssue<D extends ReviewFields>(doc: D, id: string, f: (i: IssueMarker) => IssueMarker): D {
  const issues = doc.issues ?? [];
  if (!issues.some((i) => i.id === id)) throw new WorkflowError(`no issue ${id}`);
  return { ...doc, issues: issues.map((i) => (i.id === id ? f(i) : i)) };
}

export function commentIssue<D extends ReviewFields>(doc: D, id: string, author: string, text: string, now: number): D {
  return updateIssue(doc, id, (i) => ({ ...i, comments: [...i.comments, { author, at: now, text }] }));
}

export function resolveIssue<D extends ReviewFields>(doc: D, id: string, by: string, now: number, text?: string): D {
  return updateIssue(doc, id, (i) => ({
    ...i,
    status: 'resolved',
    resolvedBy: by,
    resolvedAt: now,
    comments: text ? [...i.comments, { author: by, at: now, text }] : i.comments,
  }));
}

export function reopenIssue<D extends ReviewFields>(doc: D, id: string, by: string, now: number, text?: string): D {
  return updateIssue(doc, id, (i) => {
    const { resolvedBy: _b, resolvedAt: _a, ...rest } = i;
    return { ...rest, status: 'open', comments: text ? [...i.comments, { author: by, at: now, text }] : i.comments };
  });
}

// ---------------------------------------------------------------- reviewer queue

export interface QueueEntry {
  itemId: string;
  status: ItemStatus;
  history?: StatusChange[];
  /** Fallback order when there is no history (e.g. the document's updatedAt). */
  updatedAt?: number;
}

/**
 * Submitted items in the order a reviewer should take them: resubmissions after a rejection
 * first (the reviewer knows what to look for), then oldest submission first; ties by id.
 */
export function reviewerQueue(entries: readonly QueueEntry[]): string[] {
  const rows = entries
    .filter((e) => e.status === 'submitted')
    .map((e) => ({
      id: e.itemId,
      at: lastEntered(e, 'submitted') ?? e.updatedAt ?? 0,
      resubmitted: (e.history ?? []).some((h) => h.to === 'rejected'),
    }));
  rows.sort((a, b) => Number(b.resubmitted) - Number(a.resubmitted) || a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return rows.map((r) => r.id);
}

/**
 * An issue marker input from a QA finding (the reviewer turns a finding into an issue for the
 * annotator). Geometry-free: the marker points at the frame and object the finding names.
 */
export function issueFromFinding(
  finding: { check: string; item: string; frame: number | null; object: string | null; message: string },
  id: string,
): NewIssue {
  return {
    id,
    itemId: finding.item,
    ...(finding.frame !== null ? { frame: finding.frame } : {}),
    ...(finding.object !== null ? { objectId: finding.object } : {}),
    check: finding.check,
    text: finding.message,
  };
}
