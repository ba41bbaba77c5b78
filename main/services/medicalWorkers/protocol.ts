/** Messages between MedicalWorkerPool (pool.ts) and its threads (worker.ts). */
import type { SliceOutcome, SliceTask } from '../../../core/medical/series';

export interface FillRequest {
  id: number;
  /** Folder the task's file names are relative to. */
  root: string;
  /** The whole Int16 volume; its buffer is a SharedArrayBuffer, so this is shared, not copied. */
  volume: Int16Array;
  nx: number;
  ny: number;
  task: SliceTask;
}

/** `outcomes` for every slice of the task, or `crash` when the task threw outside its per-slice handling. */
export type FillReply = { id: number; outcomes: SliceOutcome[] } | { id: number; crash: string } | { ready: true };
