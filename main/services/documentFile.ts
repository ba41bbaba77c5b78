/** Reading per-item annotation documents, migrating older schema versions forward. */
import { DOCUMENT_SCHEMA_VERSION, ItemDocument } from '../../core/document/schema';
import { DatumError } from '../rpc/errors';
import { formatZodError } from '../rpc/router';

export function migrateDocument(text: string, file: string): ItemDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DatumError('BAD_FILE', `${file}: invalid JSON (${(err as Error).message})`);
  }
  const version = (raw as { schemaVersion?: unknown })?.schemaVersion;
  if (typeof version === 'number' && version > DOCUMENT_SCHEMA_VERSION) {
    throw new DatumError('UNSUPPORTED', `${file}: annotation schema ${version} is newer than this Datum supports (${DOCUMENT_SCHEMA_VERSION})`);
  }
  const parsed = ItemDocument.safeParse(raw);
  if (!parsed.success) throw new DatumError('BAD_FILE', `${file}: ${formatZodError(parsed.error)}`);
  return parsed.data;
}
