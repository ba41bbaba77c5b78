/**
 * The store that holds a team server's accounts and sessions: the project's own store (the
 * project folder, or PostgreSQL with `--database`).
 */
import type { ProjectStore } from '../store/types';
import { DatumError } from '../../rpc/errors';

export async function openTeamStore(projectDir: string, databaseUrl?: string): Promise<ProjectStore> {
  throw new DatumError('UNSUPPORTED', `no project store back end yet for ${databaseUrl ?? projectDir}`);
}
