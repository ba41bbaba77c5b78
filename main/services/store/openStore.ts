/**
 * Picks a project's store back end: PostgreSQL when a database URL is given (`datum serve
 * --database`, or `"database"` in datum.json), else the project folder itself. The PostgreSQL
 * driver is loaded only then, so single-user hosts never load it.
 */
import { DatumError } from '../../rpc/errors';
import { FolderStore } from './folderStore';
import type { ProjectStore, StoreTransfer } from './types';

export type OpenedStore = ProjectStore & StoreTransfer;

export function isDatabaseUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//i.test(s);
}

export async function openStore(projectDir: string, database?: string | null): Promise<OpenedStore> {
  if (database) {
    if (!isDatabaseUrl(database)) throw new DatumError('BAD_REQUEST', `database "${database.slice(0, 80)}" is not a postgres:// URL`);
    const { PgStore } = await import('./pgStore');
    return PgStore.open(database);
  }
  return FolderStore.open(projectDir);
}
