/**
 * The one place that reads a job for `--job J`: record "jobs"/J of the open project's store
 * (main/services/store: the folder or PostgreSQL). select.ts jobItemIds takes the item ids from it.
 */
import type { ProjectService } from '../projectService';
import type { RecordReader } from './select';

export function jobRecordReader(projects: ProjectService): RecordReader {
  return (collection, id) => projects.requireStore().getRecord(collection, id);
}
