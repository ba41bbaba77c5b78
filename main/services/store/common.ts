/** What both back ends share: the document's stored text, the CONFLICT messages, name checks. */
import type { ItemDocument } from '../../../core/document/schema';
import { DatumError } from '../../rpc/errors';

/**
 * The exact text of a saved annotation document: the format `annotations/<itemId>.json` always had
 * (one-space indent, trailing newline; `updatedAt` and `revision` set by the save). PostgreSQL
 * stores this same text, so a folder -> database -> folder round trip is byte-identical.
 */
export function documentText(doc: ItemDocument, updatedAt: number, revision: number): { text: string; value: ItemDocument } {
  const value = { ...doc, updatedAt, revision };
  return { text: JSON.stringify(value, null, 1) + '\n', value };
}

/** The revision a stored document text claims (a file from before revisions counts as 0). */
export function revisionOfText(text: string): number {
  try {
    const r = (JSON.parse(text) as { revision?: unknown })?.revision;
    return typeof r === 'number' && Number.isInteger(r) && r >= 0 ? r : 0;
  } catch {
    return 0;
  }
}

export function documentConflict(itemId: string, stored: number | null, expected: number): DatumError {
  return new DatumError(
    'CONFLICT',
    stored === null
      ? `item ${itemId} has no saved document (the write expected revision ${expected})`
      : `item ${itemId} was changed by someone else (revision ${stored} is stored, the write expected ${expected})`,
  );
}

export function recordConflict(collection: string, id: string, stored: number | null, expected: number): DatumError {
  return new DatumError(
    'CONFLICT',
    stored === null
      ? `${collection}/${id} does not exist (the write expected revision ${expected})`
      : `${collection}/${id} was changed by someone else (revision ${stored} is stored, the write expected ${expected})`,
  );
}

export function recordMissing(collection: string, id: string): DatumError {
  return new DatumError('NOT_FOUND', `${collection}/${id} does not exist`);
}

const ITEM_ID = /^[0-9a-f]{16}$/;
const COLLECTION = /^[a-z][a-z0-9_]{0,62}$/;

export function checkItemId(itemId: string): void {
  if (!ITEM_ID.test(itemId)) throw new DatumError('BAD_REQUEST', `invalid item id "${itemId}"`);
}

export function checkRecordKey(collection: string, id: string): void {
  if (!COLLECTION.test(collection)) throw new DatumError('BAD_REQUEST', `invalid collection name "${collection}" (lower-case letters, digits, _)`);
  // Ids become file names in the folder back end (URI-encoded); "." and ".." never could.
  if (!id || id.length > 200 || id === '.' || id === '..' || /[\u0000-\u001f\u007f]/.test(id)) {
    throw new DatumError('BAD_REQUEST', `invalid record id "${id.slice(0, 80)}" (1-200 printable characters)`);
  }
}

export function checkExpected(expected: number): void {
  if (!Number.isInteger(expected) || expected < 0) throw new DatumError('BAD_REQUEST', `expected revision must be a whole number >= 0, not ${expected}`);
}

/** Runs tasks one at a time per key (one item's writes), in call order, without blocking other keys. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const job = prev.catch(() => {}).then(task);
    this.tails.set(key, job);
    const clear = () => {
      if (this.tails.get(key) === job) this.tails.delete(key);
    };
    job.then(clear, clear);
    return job;
  }
}
