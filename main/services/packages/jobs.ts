/**
 * The one place that reads a job for `--job J`: record "jobs"/J of the project's store
 * (main/services/store). Item ids are taken from the record by select.ts jobItemIds.
 */
import { DatumError } from '../../rpc/errors';
import type { RecordReader } from './select';

export interface JobReader {
  read: RecordReader;
  close(): Promise<void>;
}

export async function openJobReader(_projectDir: string): Promise<JobReader> {
  return {
    read: async () => {
      throw new DatumError('UNSUPPORTED', 'this build has no project store to read jobs from; use --items or --filter');
    },
    close: async () => {},
  };
}
