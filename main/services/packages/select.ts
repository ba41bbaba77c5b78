/**
 * Which items a package holds: a job's items (`--job J`), a list of ids (`--items a,b`), or a
 * filter over the project's items (`--filter modality=pointcloud,status=new,name=drive-a/*`).
 */
import type { ItemSummary } from '../../../preload/contract';
import { DatumError } from '../../rpc/errors';
import type { ProjectService } from '../projectService';
import type { Selection } from './format';

/**
 * The item ids of a job record, read through the one function that knows jobs. The jobs service
 * (issue #21, branch tjobs) stores jobs as records of collection "jobs" with `units: [{itemId,
 * frames?}]`; an `itemIds` list is accepted as well. A frame range of a sequence item carries the
 * whole item (a package holds items, not frames).
 */
export function jobItemIds(job: unknown, jobId: string): string[] {
  const j = job as { itemIds?: unknown; units?: unknown } | null;
  const ids = new Set<string>();
  if (Array.isArray(j?.itemIds)) for (const id of j.itemIds) if (typeof id === 'string') ids.add(id);
  if (Array.isArray(j?.units)) for (const u of j.units as Array<{ itemId?: unknown }>) if (typeof u?.itemId === 'string') ids.add(u.itemId);
  if (!ids.size) throw new DatumError('BAD_FILE', `job "${jobId}" lists no items`);
  return [...ids];
}

/** Reads one record of a collection of the project's store; null when absent. */
export type RecordReader = (collection: string, id: string) => Promise<{ value: unknown } | null>;

export interface Selected {
  items: ItemSummary[];
  selection: Selection;
  job?: { id: string; name?: string };
}

/** A glob with * (any run inside one path segment), ** (any run) and ? (one character). */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Parse `--filter modality=a|b,status=new,name=glob` (keys may repeat). */
export function parseFilter(text: string): Extract<Selection, { kind: 'filter' }> {
  const out: Extract<Selection, { kind: 'filter' }> = { kind: 'filter' };
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new DatumError('BAD_REQUEST', `--filter: "${part}" is not key=value (keys: modality, status, name)`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 'modality' || key === 'status') out[key] = [...(out[key] ?? []), ...value.split('|').filter(Boolean)];
    else if (key === 'name') out.name = value;
    else throw new DatumError('BAD_REQUEST', `--filter: unknown key "${key}" (keys: modality, status, name)`);
  }
  return out;
}

export async function selectItems(projects: ProjectService, selection: Selection, readRecord?: RecordReader): Promise<Selected> {
  const all = projects.listItems({ offset: 0, limit: 10_000_000 }).items;
  if (selection.kind === 'items') {
    const byId = new Map(all.map((i) => [i.id, i]));
    const items = selection.items.map((id) => byId.get(id) ?? (() => { throw new DatumError('NOT_FOUND', `no item with id ${id} in the project`); })());
    return { items, selection };
  }
  if (selection.kind === 'filter') {
    const name = selection.name ? globToRegExp(selection.name) : null;
    const items = all.filter(
      (i) => (!selection.modality?.length || selection.modality.includes(i.modality)) && (!selection.status?.length || selection.status.includes(i.status)) && (!name || name.test(i.name)),
    );
    return { items, selection };
  }
  if (!readRecord) throw new DatumError('UNSUPPORTED', `--job needs the project store's jobs (not available in this build); use --items or --filter`);
  const rec = await readRecord('jobs', selection.job);
  if (!rec) throw new DatumError('NOT_FOUND', `no job "${selection.job}" in the project`);
  const ids = jobItemIds(rec.value, selection.job);
  const name = typeof (rec.value as { name?: unknown })?.name === 'string' ? (rec.value as { name: string }).name : undefined;
  const picked = await selectItems(projects, { kind: 'items', items: ids });
  return { items: picked.items, selection: { kind: 'job', job: selection.job, name }, job: { id: selection.job, name } };
}
