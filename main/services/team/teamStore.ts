/**
 * The store `datum team` reads and writes accounts in: the project's own (its folder, or the
 * PostgreSQL database named by --database or by datum.json's `database`), so accounts go wherever
 * the project goes.
 */
import type { ProjectStore } from '../store/types';
import { openStore } from '../store/openStore';
import { readProjectFile } from '../projectFile';

export async function openTeamStore(projectDir: string, databaseUrl?: string): Promise<ProjectStore> {
  const file = await readProjectFile(projectDir); // NOT_FOUND, with the reason, when there is no project
  return openStore(projectDir, databaseUrl ?? file.database);
}
