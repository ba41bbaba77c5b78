/**
 * The open project's store (folder or PostgreSQL), as the project service exposes it.
 * TODO(tstore merge): replace the probe with the project service's accessor.
 */
import { DatumError } from '../../rpc/errors';
import type { ProjectService } from '../projectService';
import type { ProjectStore } from '../store/types';

export function projectStoreOf(projects: ProjectService): ProjectStore {
  projects.requireProject();
  const store = (projects as unknown as { store?: ProjectStore | null }).store;
  if (!store) throw new DatumError('UNSUPPORTED', 'this project has no store yet');
  return store;
}
