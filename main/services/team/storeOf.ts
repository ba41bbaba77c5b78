/**
 * The open project's store (folder or PostgreSQL). When the project service exposes its store
 * (tstore wires `projects.store`), that one is used, so jobs, leases and documents share it; until
 * then the project folder's FolderStore, opened once per project folder in this process.
 */
import { DatumError } from '../../rpc/errors';
import type { ProjectService } from '../projectService';
import type { ProjectStore } from '../store/types';
import { FolderStore } from '../store/folderStore';

const opened = new Map<string, Promise<FolderStore>>();

export async function projectStoreOf(projects: ProjectService): Promise<ProjectStore> {
  const p = projects.requireProject();
  const own = (projects as unknown as { store?: ProjectStore | null }).store;
  if (own) return own;
  let store = opened.get(p.dir);
  if (!store) opened.set(p.dir, (store = FolderStore.open(p.dir)));
  try {
    return await store;
  } catch (e) {
    opened.delete(p.dir);
    throw new DatumError('INTERNAL', `could not open the project's store: ${(e as Error).message}`);
  }
}
