/**
 * `datum package merge`: the offline work in a package comes back into the home project.
 *
 * 1. The package is verified entirely (container.ts) and every document parsed; every item must
 *    exist in the home project.
 * 2. Each item is planned (core/packages/merge.ts) against the base the package recorded: records
 *    changed on one side take that side, records changed on both are conflicts. Review fields
 *    (status, history, issues, assignee) are merged the way the review service merges an editor
 *    save (mergeEditorSave), status by three-way when neither side has a review history.
 * 3. Conflicts need a decision: per conflict (the app's dialog), or one for all (`--resolve`).
 *    Decisions already taken on an earlier merge of the same package are reused (store records
 *    package_merges/<package>; package_returns/<copy> keeps what each imported copy's last merged
 *    return brought, the base of its next return).
 * 4. Only when every item is planned and every conflict decided are documents written, each
 *    through the review service's compare-and-swap save (baseRevision = the revision planned on):
 *    a save made at home meanwhile stops the merge with CONFLICT, and running it again finishes it.
 *    An item whose merged document equals the home one is not written: merging the same package
 *    twice changes nothing the second time.
 */
import { contentKey } from '../../../core/document/merge';
import type { ItemDocument } from '../../../core/document/schema';
import { applyItemPlan, conflictId, describeRecord, planItemMerge, type Choice, type ItemPlan, type RecordPlan } from '../../../core/packages/merge';
import { DatumError } from '../../rpc/errors';
import { migrateDocument } from '../documentFile';
import type { ProjectService } from '../projectService';
import { mergeEditorSave, type ReviewService } from '../review';
import { readPackage, type VerifiedPackage } from './container';
import { baseEntry, documentEntry, type PackageManifest } from './format';
import type { Revisioned } from '../store/types';

export interface ConflictRow {
  id: string;
  itemId: string;
  itemName: string;
  kind: RecordPlan['kind'];
  key: string;
  reason: RecordPlan['reason'];
  /** Short descriptions of each side ("car cuboid3d", "deleted"). */
  ours: string;
  theirs: string;
  base: string;
  /** A decision taken on an earlier merge of this package, reused unless overridden. */
  decided?: Choice;
}

export interface MergePlanSummary {
  packageId: string;
  manifestSha256: string;
  project: string;
  createdBy: string;
  createdAt: number;
  job?: { id: string; name?: string };
  data: PackageManifest['data'];
  items: number;
  /** Records per action over all items. */
  counts: { keep: number; takeTheirs: number; keepOurs: number; conflicts: number };
  /** Items whose document the merge changes (with every conflict decided as it is now). */
  conflicts: ConflictRow[];
  /** Labels the package's objects use that the home ontology lacks (kept as they are). */
  unknownLabels: string[];
}

export interface MergeOutcome extends MergePlanSummary {
  written: number;
  unchanged: number;
}

interface Planned {
  itemId: string;
  name: string;
  base: ItemDocument;
  ours: ItemDocument;
  theirs: ItemDocument;
  plan: ItemPlan;
}

/** What the last merged return package of one imported copy brought, per item. */
interface Returns {
  packageId: string;
  createdAt: number;
  documents: Record<string, ItemDocument>;
}

/** One merged package's decisions (store record package_merges/<packageId>). */
interface MergeRecord {
  manifestSha256: string;
  mergedAt: number;
  decisions: Record<string, { choice: Choice; theirs: string }>;
}

// Kept in the project's store (folder or PostgreSQL) so every host serving a team sees them.
const MERGES = 'package_merges';
const RETURNS = 'package_returns';

/** Review fields: as mergeEditorSave does for an editor save; a plain three-way when nobody reviewed. */
function mergeReview(records: ItemDocument, base: ItemDocument, ours: ItemDocument, theirs: ItemDocument): ItemDocument {
  const reviewed = (d: ItemDocument) => (d.history ?? []).length > 0 || (d.issues ?? []).length > 0;
  if (!reviewed(ours) && !reviewed(theirs)) {
    const out: ItemDocument = { ...records, status: theirs.status !== base.status ? theirs.status : ours.status };
    const assignee = theirs.assignee !== base.assignee ? theirs.assignee : ours.assignee;
    if (assignee) out.assignee = assignee;
    else delete out.assignee;
    return out;
  }
  const incoming: ItemDocument = { ...records, status: theirs.status, history: theirs.history, issues: theirs.issues, assignee: theirs.assignee };
  if (!incoming.history) delete incoming.history;
  if (!incoming.issues) delete incoming.issues;
  if (!incoming.assignee) delete incoming.assignee;
  return mergeEditorSave(incoming, ours);
}

/** Document content for "did anything change": no revision, no save time, no provenance stamps. */
const docKey = (d: ItemDocument) => contentKey({ ...d, revision: undefined, updatedAt: undefined });

export class PackageMerger {
  constructor(
    private readonly projects: ProjectService,
    private readonly review: ReviewService,
  ) {}

  private async load(file: string): Promise<{ pkg: VerifiedPackage; planned: Planned[]; log: Revisioned<MergeRecord> | null }> {
    const info = this.projects.current();
    if (!info) throw new DatumError('NO_PROJECT', 'no project is open');
    const pkg = await readPackage(file);
    const missing = pkg.manifest.items.filter((i) => {
      try {
        this.projects.getItem(i.id);
        return false;
      } catch {
        return true;
      }
    });
    if (missing.length) throw new DatumError('BAD_REQUEST', `${missing.length} item(s) of the package are not in this project: ${missing.slice(0, 5).map((i) => i.name).join(', ')}${missing.length > 5 ? ', ...' : ''}`);
    // A later return package of the same imported copy continues from what the previous one
    // brought (the copy had exactly that when it went on), not from the first base.
    const store = this.projects.requireStore();
    const copyId = pkg.manifest.origin?.copyId;
    const returns = copyId ? ((await store.getRecord<Returns>(RETURNS, copyId))?.value ?? null) : null;
    const continues = returns !== null && returns.packageId !== pkg.manifest.packageId && returns.createdAt < pkg.manifest.createdAt;
    const planned: Planned[] = [];
    for (const item of pkg.manifest.items) {
      const parse = (name: string) => {
        const d = migrateDocument(new TextDecoder().decode(pkg.entries.get(name)!), `${file}: ${name}`);
        if (d.itemId !== item.id) throw new DatumError('BAD_FILE', `${file}: entry "${name}" is for another item`);
        return d;
      };
      const theirs = parse(documentEntry(item.id));
      const base = (continues && returns!.documents[item.id]) || parse(baseEntry(item.id));
      const ours = await this.projects.loadAnnotations(item.id);
      planned.push({ itemId: item.id, name: item.name, base, ours, theirs, plan: planItemMerge(base, ours, theirs) });
    }
    return { pkg, planned, log: await store.getRecord<MergeRecord>(MERGES, pkg.manifest.packageId) };
  }

  private summarize(pkg: VerifiedPackage, planned: Planned[], log: Revisioned<MergeRecord> | null): MergePlanSummary {
    const m = pkg.manifest;
    const earlier = log?.value.decisions ?? {};
    const counts = { keep: 0, takeTheirs: 0, keepOurs: 0, conflicts: 0 };
    const conflicts: ConflictRow[] = [];
    const known = new Set(this.projects.current()!.ontology.labels.flatMap((l) => [l.id, l.name]));
    const unknown = new Set<string>();
    for (const p of planned) {
      counts.keep += p.plan.counts.keep;
      counts.takeTheirs += p.plan.counts['take-theirs'];
      counts.keepOurs += p.plan.counts['keep-ours'];
      counts.conflicts += p.plan.counts.conflict;
      for (const r of p.plan.records) {
        const label = r.theirs && 'label' in r.theirs ? r.theirs.label : undefined;
        if (label && r.action !== 'keep-ours' && !known.has(label)) unknown.add(label);
      }
      for (const c of p.plan.conflicts) {
        const id = conflictId(p.itemId, c);
        const prev = earlier[id];
        conflicts.push({
          id,
          itemId: p.itemId,
          itemName: p.name,
          kind: c.kind,
          key: c.key,
          reason: c.reason,
          ours: describeRecord(c.kind, c.ours),
          theirs: describeRecord(c.kind, c.theirs),
          base: describeRecord(c.kind, c.base),
          decided: prev && prev.theirs === contentKey(c.theirs ?? null) ? prev.choice : undefined,
        });
      }
    }
    return {
      packageId: m.packageId,
      manifestSha256: pkg.manifestSha256,
      project: m.project.name,
      createdBy: m.createdBy,
      createdAt: m.createdAt,
      job: m.job,
      data: m.data,
      items: m.items.length,
      counts,
      conflicts,
      unknownLabels: [...unknown].sort(),
    };
  }

  /** Verify and plan; writes nothing. */
  async inspect(file: string): Promise<MergePlanSummary> {
    const { pkg, planned, log } = await this.load(file);
    return this.summarize(pkg, planned, log);
  }

  /**
   * Verify, plan and write. `decisions` by conflict id win over `resolve` (one answer for every
   * other conflict), which wins over a decision taken on an earlier merge of the same package.
   * An undecided conflict is an error (BAD_REQUEST, `details.conflicts`) and nothing is written.
   */
  async merge(file: string, opts: { decisions?: Record<string, Choice>; resolve?: Choice; actor?: string } = {}): Promise<MergeOutcome> {
    const { pkg, planned, log } = await this.load(file);
    const summary = this.summarize(pkg, planned, log);
    const decided = new Map(summary.conflicts.map((c) => [c.id, opts.decisions?.[c.id] ?? opts.resolve ?? c.decided]));
    const open = summary.conflicts.filter((c) => !decided.get(c.id));
    if (open.length) {
      throw new DatumError(
        'CONFLICT',
        `${open.length} conflict(s) need a decision (ours or theirs): ${open.slice(0, 5).map((c) => `${c.itemName} ${c.kind} ${c.key} (${c.reason})`).join('; ')}${open.length > 5 ? '; ...' : ''}`,
      );
    }
    // Every document is computed before the first write.
    const writes: Array<{ itemId: string; doc: ItemDocument; revision: number }> = [];
    for (const p of planned) {
      const records = applyItemPlan(p.plan, p.base, p.ours, p.theirs, (id) => decided.get(id));
      const next = mergeReview(records, p.base, p.ours, p.theirs);
      if (docKey(next) === docKey(p.ours)) continue;
      writes.push({ itemId: p.itemId, doc: next, revision: p.ours.revision ?? 0 });
    }
    for (const w of writes) await this.review.saveFromEditor(w.itemId, { ...w.doc, revision: w.revision }, opts.actor, w.revision);
    const store = this.projects.requireStore();
    const decisions: MergeRecord['decisions'] = { ...(log?.value.decisions ?? {}) };
    for (const p of planned)
      for (const c of p.plan.conflicts) {
        const id = conflictId(p.itemId, c);
        decisions[id] = { choice: decided.get(id)!, theirs: contentKey(c.theirs ?? null) };
      }
    await store.putRecord<MergeRecord>(MERGES, summary.packageId, { manifestSha256: summary.manifestSha256, mergedAt: Date.now(), decisions }, log?.revision ?? 0, opts.actor);
    const copyId = pkg.manifest.origin?.copyId;
    if (copyId) {
      const prev = await store.getRecord<Returns>(RETURNS, copyId);
      if (!prev || prev.value.createdAt <= pkg.manifest.createdAt) {
        const documents = { ...(prev?.value.documents ?? {}), ...Object.fromEntries(planned.map((p) => [p.itemId, p.theirs])) };
        await store.putRecord<Returns>(RETURNS, copyId, { packageId: pkg.manifest.packageId, createdAt: pkg.manifest.createdAt, documents }, prev?.revision ?? 0, opts.actor);
      }
    }
    return { ...summary, written: writes.length, unchanged: planned.length - writes.length };
  }
}
