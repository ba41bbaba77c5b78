/**
 * The store that holds a team server's accounts and sessions: the project's own store (the
 * project folder, or PostgreSQL with `--database`), so they go wherever the project goes.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ProjectStore } from '../store/types';
import { FolderStore } from '../store/folderStore';
import { PROJECT_FILE } from '../projectFile';
import { DatumError } from '../../rpc/errors';

export async function openTeamStore(projectDir: string, databaseUrl?: string): Promise<ProjectStore> {
  if (databaseUrl) throw new DatumError('UNSUPPORTED', 'accounts on PostgreSQL need the PostgreSQL store back end (datum serve --database), not in this build yet');
  if (!existsSync(path.join(projectDir, PROJECT_FILE))) throw new DatumError('NOT_FOUND', `${projectDir} has no ${PROJECT_FILE}: accounts live in a project`);
  return FolderStore.open(projectDir);
}
