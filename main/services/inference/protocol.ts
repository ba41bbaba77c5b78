/** Messages between runtime.ts (host) and worker.ts. */
import type { TensorData } from './types';

/** ONNX Runtime execution provider names as onnxruntime-node spells them. */
export type Provider = 'cuda' | 'dml' | 'coreml' | 'webgpu' | 'cpu';

export interface IoInfo {
  name: string;
  type?: string;
  /** -1 for symbolic (dynamic) dimensions. */
  shape?: number[];
}

export type WorkerRequest =
  | { op: 'load'; id: number; modelId: string; path: string; providers: Provider[]; threads: number }
  /** `giveBack`: transfer the input buffers back with the reply (`returned`) for the host to reuse. */
  | { op: 'run'; id: number; modelId: string; feeds: Record<string, TensorData>; outputs?: string[]; giveBack?: boolean }
  | { op: 'release'; id: number; modelId: string }
  | { op: 'stats'; id: number };

export type WorkerReply = { id: number; ok: true; result: unknown; returned?: Record<string, TensorData> } | { id: number; ok: false; error: string };

export interface LoadResult {
  created: boolean;
  provider: Provider;
  inputs: IoInfo[];
  outputs: IoInfo[];
  /** Providers that were tried first and failed, with the reason. */
  errors?: string[];
}
