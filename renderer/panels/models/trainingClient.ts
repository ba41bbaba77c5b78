/**
 * The Models tab's thin client of the training RPC surface (training.backends / start / versions /
 * promote / rollback, the `training.progress` event and jobs.cancel). One place, so the panels do
 * not each know method names and event shapes.
 */
import type { MethodInput, MethodOutput } from '../../../preload/contract';
import type { TrainingProgress } from '../../../core/training/job';
import { rpc } from '../../transport';

export type BackendInfo = MethodOutput<'training.backends'>['backends'][number];
export type StartInput = MethodInput<'training.start'>;
export type StartResult = MethodOutput<'training.start'>;
export type VersionsOfModel = MethodOutput<'training.versions'>['models'][number];

export const training = {
  backends: () => rpc.call('training.backends', {}).then((r) => r.backends),
  start: (input: StartInput) => rpc.call('training.start', input),
  versions: () => rpc.call('training.versions', {}).then((r) => r.models),
  promote: (modelId: string, version: number) => rpc.call('training.promote', { modelId, version }),
  rollback: (modelId: string) => rpc.call('training.rollback', { modelId }),
  cancel: (jobId: string) => rpc.call('jobs.cancel', { jobId }),
  /** Progress events of one job; returns the unsubscribe function. */
  onProgress(jobId: string, cb: (p: TrainingProgress) => void): () => void {
    return rpc.on('training.progress', (d) => {
      const e = d as { jobId: string; progress: TrainingProgress };
      if (e.jobId === jobId) cb(e.progress);
    });
  },
};

/** Ids of the project's items with a given review status (paged through items.list). */
export async function itemIdsWithStatus(status: 'accepted'): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await rpc.call('items.list', { offset, limit: 1000, status: [status] });
    ids.push(...page.items.map((i) => i.id));
    if (ids.length >= page.total || page.items.length === 0) return ids;
  }
}
