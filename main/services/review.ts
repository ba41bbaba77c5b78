/**
 * Review passes and AI QA on the host: workflow transitions and issue markers saved atomically
 * into the item's annotation document (core/review holds the rules), the reviewer queue,
 * per-annotator and per-label metrics, and QA runs (main/services/qa.ts, shared with `datum qa`).
 *
 * Writes to one item are serialized, and every operation reads the stored document first, so
 * two windows (or an editor autosave racing a review action) never lose each other's changes:
 * the review fields (status, assignee, history, issues) belong to this service, and
 * `mergeEditorSave` keeps them when an editor saves a document loaded before the review action.
 * Another host on the same store (a team on PostgreSQL) is not serialized with this one: its write
 * in between makes the save a CONFLICT, and the operation is run again on the new revision.
 */
import { stampProvenance } from '../../core/document/provenance';
import { randomUUID } from 'node:crypto';
import { DatumError } from '../rpc/errors';
import type { ProjectService } from './projectService';
import { allItems, loadQaConfig, runQaOnProject, type QaReport } from './qa';
import { emptyDocument, type ItemDocument, type ItemStatus } from '../../core/document/schema';
import type { IssueMarker, Profile } from '../../core/review/schema';
import {
  WorkflowError,
  addIssue,
  commentIssue,
  lastEntered,
  openIssues,
  reopenIssue,
  resolveIssue,
  reviewerQueue,
  transition,
  type NewIssue,
} from '../../core/review';

export interface QueueRow {
  itemId: string;
  name: string;
  modality: string;
  assignee: string | null;
  submittedAt: number | null;
  submittedBy: string | null;
  resubmitted: boolean;
  openIssues: number;
}

export interface MetricsRow {
  /** Annotator name, or label id. */
  key: string;
  /** Display name (the label's name for labels). */
  name: string;
  color?: string;
  objects: number;
  items: number;
  /** Reviews (accept or reject of a submission) and how many were rejections. */
  reviews: number;
  rejections: number;
  rejectionRate: number | null;
  openIssues: number;
}

export interface Metrics {
  annotators: MetricsRow[];
  labels: MetricsRow[];
  totals: { items: number; objects: number; reviews: number; rejections: number; openIssues: number; byStatus: Record<ItemStatus, number> };
  /** Annotation files that could not be read (named, with the problem); their items are not counted. */
  unreadable: string[];
}

export type IssueWhere = Omit<NewIssue, 'id' | 'itemId' | 'text'>;

function conflict(e: unknown): never {
  if (e instanceof WorkflowError) throw new DatumError('CONFLICT', e.message);
  throw e;
}

/** Who submitted before each review (accept / reject) in a history: [submitter, reviewed-as]. */
function reviewsOf(doc: ItemDocument): Array<{ submitter: string; rejected: boolean }> {
  const out: Array<{ submitter: string; rejected: boolean }> = [];
  let submitter: string | null = null;
  for (const h of doc.history ?? []) {
    if (h.to === 'submitted') submitter = h.by;
    else if (h.from === 'submitted' && (h.to === 'accepted' || h.to === 'rejected')) out.push({ submitter: submitter ?? doc.assignee ?? h.by, rejected: h.to === 'rejected' });
  }
  return out;
}

/** The annotator an item is credited to: its assignee, else whoever submitted it last. */
function annotatorOf(doc: ItemDocument): string | null {
  if (doc.assignee) return doc.assignee;
  const h = doc.history ?? [];
  for (let i = h.length - 1; i >= 0; i--) if (h[i].to === 'submitted') return h[i].by;
  return null;
}

/** Saves retried after another host's write in between (each retry reloads; 8 is far past any real race). */
const MAX_RETRIES = 8;

export class ReviewService {
  private locks = new Map<string, Promise<unknown>>();

  constructor(private readonly projects: ProjectService) {}

  /**
   * Run `f` on the freshly loaded document of one item, save what it returns as the next revision;
   * one at a time per item (in this process), again on the newer revision when another host saved
   * in between (the store's CONFLICT; `f` itself decides whether that newer revision is acceptable).
   */
  private async update(itemId: string, f: (doc: ItemDocument) => ItemDocument, unreadable?: () => ItemDocument, actor?: string): Promise<ItemDocument> {
    const prev = this.locks.get(itemId) ?? Promise.resolve();
    const job = prev
      .catch(() => {})
      .then(async () => {
        for (let attempt = 0; ; attempt++) {
          // An unreadable document on disk must not block an editor from saving over it; its bytes
          // are kept beside it first (<id>.json.corrupt-<time>).
          let quarantined = false;
          const doc = await this.projects.loadAnnotations(itemId).catch(async (e) => {
            // Only a corrupt file is replaced; one written by a newer Datum (UNSUPPORTED) never is.
            if (!unreadable || !(e instanceof DatumError) || e.code !== 'BAD_FILE') throw e;
            quarantined = true;
            return unreadable();
          });
          let next: ItemDocument;
          try {
            next = f(doc);
          } catch (e) {
            conflict(e);
          }
          if (quarantined) await this.projects.quarantineAnnotations(itemId);
          try {
            const savedAt = await this.projects.saveAnnotations(itemId, { ...next, revision: doc.revision ?? 0 }, actor);
            return { ...next, updatedAt: savedAt, revision: (doc.revision ?? 0) + 1 };
          } catch (e) {
            if (!(e instanceof DatumError && e.code === 'CONFLICT') || attempt >= MAX_RETRIES) throw e;
          }
        }
      });
    this.locks.set(itemId, job);
    try {
      return await job;
    } finally {
      if (this.locks.get(itemId) === job) this.locks.delete(itemId);
    }
  }

  /**
   * An editor's save (annotations.save): the document the editor holds may predate a review action
   * made meanwhile. Review fields on disk win unless the incoming history is longer (the sender
   * made the transition itself); issues are merged by id, the disk's copy winning.
   */
  async saveFromEditor(itemId: string, incoming: ItemDocument, author?: string, baseRevision?: number): Promise<{ savedAt: number; revision: number }> {
    const saved = await this.update(
      itemId,
      (disk) => {
        // The editor started from another revision: someone else saved meanwhile. Refuse, so the
        // editor merges (core/document/merge.ts) instead of overwriting their edits.
        const onDisk = disk.revision ?? 0;
        if (baseRevision !== undefined && baseRevision !== onDisk) {
          throw new DatumError('CONFLICT', `item ${itemId} was changed by someone else (revision ${onDisk} on disk, the edit started from ${baseRevision})`);
        }
        return stampProvenance(disk, mergeEditorSave(incoming, disk), author);
      },
      () => emptyDocument(itemId),
      author,
    );
    return { savedAt: saved.updatedAt ?? Date.now(), revision: saved.revision ?? 1 };
  }

  transition(itemId: string, to: ItemStatus, profile: Profile, opts: { note?: string; force?: boolean; now?: number } = {}): Promise<ItemDocument> {
    return this.update(itemId, (doc) => transition(doc, to, profile, { now: opts.now ?? Date.now(), note: opts.note, force: opts.force }), undefined, profile.name);
  }

  async addIssue(itemId: string, where: IssueWhere, text: string, author: string, now = Date.now()): Promise<{ document: ItemDocument; issueId: string }> {
    if (!text.trim()) throw new DatumError('BAD_REQUEST', 'an issue needs a description');
    const issueId = `iss-${randomUUID().slice(0, 8)}`;
    const document = await this.update(itemId, (doc) => addIssue(doc, { ...where, id: issueId, itemId, text }, author, now), undefined, author);
    return { document, issueId };
  }

  commentIssue(itemId: string, issueId: string, author: string, text: string, now = Date.now()): Promise<ItemDocument> {
    if (!text.trim()) throw new DatumError('BAD_REQUEST', 'a comment needs text');
    return this.update(itemId, (doc) => commentIssue(doc, issueId, author, text, now), undefined, author);
  }

  resolveIssue(itemId: string, issueId: string, by: string, text?: string, now = Date.now()): Promise<ItemDocument> {
    return this.update(itemId, (doc) => resolveIssue(doc, issueId, by, now, text?.trim() || undefined), undefined, by);
  }

  reopenIssue(itemId: string, issueId: string, by: string, text?: string, now = Date.now()): Promise<ItemDocument> {
    return this.update(itemId, (doc) => reopenIssue(doc, issueId, by, now, text?.trim() || undefined), undefined, by);
  }

  /**
   * Submitted items in review order (resubmissions first, then oldest submission). Items whose
   * annotation file cannot be read are left out and named in `unreadable`.
   */
  async queue(unreadable: string[] = []): Promise<QueueRow[]> {
    const submitted = this.projects.listItems({ offset: 0, limit: 1_000_000, status: ['submitted'] }).items;
    const docs = new Map<string, ItemDocument>();
    for (const s of submitted) {
      const loaded = await this.projects.loadAnnotationsOrProblem(s.id);
      if (loaded.document) docs.set(s.id, loaded.document);
      else unreadable.push(loaded.problem);
    }
    const order = reviewerQueue([...docs.values()].map((d) => ({ itemId: d.itemId, status: d.status, history: d.history, updatedAt: d.updatedAt })));
    return order.map((id) => {
      const doc = docs.get(id)!;
      const s = this.projects.getItem(id);
      const h = doc.history ?? [];
      const sub = [...h].reverse().find((x) => x.to === 'submitted');
      return {
        itemId: id,
        name: s.name,
        modality: s.modality,
        assignee: doc.assignee ?? null,
        submittedAt: lastEntered(doc, 'submitted') ?? doc.updatedAt ?? null,
        submittedBy: sub?.by ?? null,
        resubmitted: h.some((x) => x.to === 'rejected'),
        openIssues: openIssues(doc).length,
      };
    });
  }

  /** Per annotator and per label, over every annotated item of the project. */
  async metrics(): Promise<Metrics> {
    const info = this.projects.current();
    if (!info) throw new DatumError('NO_PROJECT', 'no project is open');
    const labelSpec = new Map<string, { name: string; color: string }>();
    for (const l of info.ontology.labels) labelSpec.set(l.id, { name: l.name, color: l.color });
    const byName = new Map(info.ontology.labels.map((l) => [l.name.toLowerCase(), l.id]));
    const labelKey = (label: string) => (labelSpec.has(label) ? label : (byName.get(label.toLowerCase()) ?? label));

    const annotators = new Map<string, MetricsRow & { itemSet: Set<string> }>();
    const labels = new Map<string, MetricsRow & { itemSet: Set<string> }>();
    const row = (m: Map<string, MetricsRow & { itemSet: Set<string> }>, key: string, name: string, color?: string) => {
      let r = m.get(key);
      if (!r) m.set(key, (r = { key, name, color, objects: 0, items: 0, reviews: 0, rejections: 0, rejectionRate: null, openIssues: 0, itemSet: new Set() }));
      return r;
    };
    const byStatus: Record<ItemStatus, number> = { new: 0, in_progress: 0, submitted: 0, accepted: 0, rejected: 0 };
    const totals = { items: 0, objects: 0, reviews: 0, rejections: 0, openIssues: 0, byStatus };

    const unreadable: string[] = [];
    for (const s of allItems(this.projects)) {
      byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
      const loaded = await this.projects.loadAnnotationsOrProblem(s.id);
      if (loaded.problem !== undefined) {
        unreadable.push(loaded.problem);
        continue;
      }
      const doc = loaded.document;
      const shapes = [
        ...doc.objects.map((o) => ({ id: o.id, label: o.label, by: o.updatedBy })),
        ...doc.tracks.map((t) => ({ id: t.id, label: t.label, by: t.updatedBy })),
      ];
      const history = doc.history ?? [];
      const issues = doc.issues ?? [];
      if (!shapes.length && !history.length && !issues.length) continue;
      totals.items++;
      totals.objects += shapes.length;
      const owner = annotatorOf(doc);
      const reviews = reviewsOf(doc);
      const open = openIssues(doc);
      totals.reviews += reviews.length;
      totals.rejections += reviews.filter((r) => r.rejected).length;
      totals.openIssues += open.length;

      const labelOf = new Map<string, string>();
      for (const sh of shapes) {
        const key = labelKey(sh.label);
        labelOf.set(sh.id, key);
        const spec = labelSpec.get(key);
        const l = row(labels, key, spec?.name ?? sh.label, spec?.color);
        l.objects++;
        l.itemSet.add(s.id);
        const who = sh.by ?? owner;
        if (who) {
          const a = row(annotators, who, who);
          a.objects++;
          a.itemSet.add(s.id);
        }
      }
      if (owner) row(annotators, owner, owner).itemSet.add(s.id);
      for (const r of reviews) {
        const a = row(annotators, r.submitter, r.submitter);
        a.reviews++;
        if (r.rejected) a.rejections++;
      }
      // A label shares the item's reviews: how often items containing it were sent back.
      const itemLabels = new Set(labelOf.values());
      for (const key of itemLabels) {
        const l = labels.get(key)!;
        l.reviews += reviews.length;
        l.rejections += reviews.filter((r) => r.rejected).length;
      }
      if (owner) row(annotators, owner, owner).openIssues += open.length;
      for (const i of open) {
        const key = i.objectId ? labelOf.get(i.objectId) : undefined;
        if (key) labels.get(key)!.openIssues++;
      }
    }
    const finish = (m: Map<string, MetricsRow & { itemSet: Set<string> }>) =>
      [...m.values()]
        .map(({ itemSet, ...r }) => ({ ...r, items: itemSet.size, rejectionRate: r.reviews ? r.rejections / r.reviews : null }))
        .sort((a, b) => b.objects - a.objects || b.items - a.items || a.name.localeCompare(b.name));
    return { annotators: finish(annotators), labels: finish(labels), totals, unreadable };
  }

  /** QA over the project (or some items) with the project's qa.json, else the defaults. */
  async runQa(opts: { itemIds?: string[]; signal?: AbortSignal; progress?: (done: number, total: number | null, phase: string) => void }): Promise<QaReport & { warnings: string[] }> {
    const info = this.projects.current();
    if (!info) throw new DatumError('NO_PROJECT', 'no project is open');
    const config = await loadQaConfig(info.path);
    const warnings: string[] = [];
    const report = await runQaOnProject(this.projects, config, { ...opts, warn: (w) => warnings.push(w) });
    return { ...report, warnings: warnings.slice(0, 50) };
  }
}

/** See ReviewService.saveFromEditor. */
export function mergeEditorSave(incoming: ItemDocument, disk: ItemDocument): ItemDocument {
  const diskHistory = disk.history ?? [];
  const inHistory = incoming.history ?? [];
  const reviewed = diskHistory.length > 0 || (disk.issues ?? []).length > 0;
  if (!reviewed) return incoming;
  const useIncoming = inHistory.length > diskHistory.length;
  const issues = new Map<string, IssueMarker>();
  for (const i of incoming.issues ?? []) issues.set(i.id, i);
  for (const i of disk.issues ?? []) issues.set(i.id, i);
  const out: ItemDocument = {
    ...incoming,
    status: useIncoming ? incoming.status : disk.status,
    history: useIncoming ? inHistory : diskHistory,
    issues: [...issues.values()],
  };
  const assignee = useIncoming ? incoming.assignee : disk.assignee;
  if (assignee) out.assignee = assignee;
  else delete out.assignee;
  if (!out.history!.length) delete out.history;
  if (!out.issues!.length) delete out.issues;
  return out;
}
