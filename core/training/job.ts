/**
 * The training job contract (issue #17): one Train button, one contract, three back ends.
 *
 * A job takes a dataset snapshot of a project (its human and accepted objects, split into train /
 * validation deterministically by item or by sequence) and produces a model version: an ONNX
 * file, its manifest, validation metrics and the snapshot's description. The job runner (host)
 * owns the snapshot, the work folder, evaluation, atomic installation and promotion; a back end
 * only turns a snapshot into an ONNX file plus the metrics it measured itself:
 *
 *  - `local`: trainers written in TypeScript, run in the host process (or its worker), exported
 *    to ONNX; always available, air-gapped, CPU.
 *  - `command`: an external trainer the user configured (e.g. Ultralytics `yolo train` then
 *    `yolo export format=onnx`), run as a child process group; progress parsed from its output.
 *  - `ssh`: the same command template run on a training server; artifacts copied back.
 *
 * Pure types and rules only (no I/O), so the runner, the back ends, the CLI and the renderer
 * share one vocabulary.
 */

/** What a job trains. */
export const TRAINING_TASKS = [
  /** Scorer of the built-in 3D proposals (candidate clusters vs human cuboids), with a size refinement per class. */
  'detect3d',
  /** Which predictions of a 2D detector users keep (accepted vs rejected / corrected); per-class calibration. */
  'accept2d',
  /** A full 2D detector, trained by an external trainer (YOLO format snapshot). */
  'detect2d',
] as const;
export type TrainingTask = (typeof TRAINING_TASKS)[number];

export const TRAINING_BACKENDS = ['local', 'command', 'ssh'] as const;
export type TrainingBackendKind = (typeof TRAINING_BACKENDS)[number];

export type Split = 'train' | 'val';

/** One item of a snapshot. `group` keeps related items on one side of the split (a sequence). */
export interface SnapshotItem {
  itemId: string;
  /** Project-relative path of the item's data file. */
  path: string;
  /** Sequence / group id; items of one group are never on both sides of the split. */
  group: string;
  split: Split;
  /** Objects used from this item (human + accepted predictions; rejected ones for accept2d). */
  objectCount: number;
}

/** What a job was trained on, stored beside the model version so it can be told and repeated. */
export interface SnapshotDescription {
  /** Content hash of the items' documents at snapshot time (changes when labels change). */
  id: string;
  createdAt: string;
  task: TrainingTask;
  items: SnapshotItem[];
  /** Objects per split and class. */
  counts: Record<Split, Record<string, number>>;
  /** How the split was made, in words ("by sequence, 20 % validation, seed 1"). */
  splitRule: string;
}

/** Metrics on the validation split; which one decides promotion depends on the task. */
export interface ValidationMetrics {
  /** The number promotion compares (higher is better), and its name. */
  primary: { name: string; value: number };
  precision?: number;
  recall?: number;
  /** Number of validation examples (objects or candidates) the metrics rest on. */
  n: number;
  [extra: string]: number | { name: string; value: number } | undefined;
}

export type TrainingPhase = 'snapshot' | 'train' | 'evaluate' | 'export' | 'install';

/** A progress event, streamed to the Models tab and to `datum train --json`. */
export interface TrainingProgress {
  phase: TrainingPhase;
  /** 0..1 over the whole job. */
  fraction: number;
  epoch?: number;
  epochs?: number;
  /** Live metrics (loss, val precision / recall ...). */
  metrics?: Record<string, number>;
  message?: string;
}

export interface TrainingJobSpec {
  jobId: string;
  task: TrainingTask;
  backend: TrainingBackendKind;
  /** Model id the new version belongs to (e.g. `proposals3d` or a 2D detector's id). */
  modelId: string;
  /** Items to use; all eligible items when absent. */
  itemIds?: string[];
  /** Fraction of groups held out for validation (default 0.2). */
  valFraction?: number;
  seed?: number;
  /** Back-end options (command template, ssh host ...), validated by the back end. */
  options?: Record<string, unknown>;
}

/** What the runner hands a back end. */
export interface TrainingContext {
  /** Empty folder owned by this job; everything the back end writes goes here. Removed on failure or cancel. */
  workDir: string;
  /** The snapshot exported in the back end's format (YOLO for `detect2d`, feature tables for local tasks). */
  snapshotDir: string;
  snapshot: SnapshotDescription;
  signal: AbortSignal;
  progress(p: TrainingProgress): void;
  log(line: string): void;
}

/** What a back end returns; the runner evaluates, installs atomically and decides promotion. */
export interface TrainedArtifacts {
  /** ONNX file inside workDir. */
  onnxPath: string;
  /** Manifest fields the back end knows (adapter, input, classes, thresholds); the runner adds id, version, sha256. */
  manifest: Record<string, unknown>;
  /** Metrics the back end measured on the validation split (the runner may re-measure). */
  metrics: ValidationMetrics;
}

export interface TrainingBackend {
  readonly kind: TrainingBackendKind;
  /** Tasks this back end can train. */
  supports(task: TrainingTask): boolean;
  run(job: TrainingJobSpec, ctx: TrainingContext): Promise<TrainedArtifacts>;
}

/** One installed version of a model in the project's library. */
export interface ModelVersion {
  version: number;
  createdAt: string;
  task: TrainingTask;
  backend: TrainingBackendKind;
  metrics: ValidationMetrics;
  snapshotId: string;
  /** Folder of this version, relative to the model's folder. */
  dir: string;
  /** What it was compared with when installed (the promoted version or the built-in base, re-measured on the same split). */
  comparedWith?: { label: string; metrics: ValidationMetrics };
}

/** A model's version list and which one pre-labelling uses (`null`: the built-in / imported base). */
export interface ModelVersions {
  modelId: string;
  promoted: number | null;
  versions: ModelVersion[];
  /** Earlier promoted versions, most recent last: Roll back returns to the last one. */
  history: (number | null)[];
}

/** `proposals3d@3`: what a prediction's source.model says when a trained version made it. */
export const versionedModelId = (modelId: string, version: number | null | undefined): string => (version ? `${modelId}@${version}` : modelId);
/** The library id in a source.model (`proposals3d@3` -> `proposals3d`). */
export const baseModelId = (sourceModel: string): string => sourceModel.split('@')[0];

/** The model a task trains by default (accept2d needs a detector's id). */
export const DEFAULT_MODEL_FOR: Partial<Record<TrainingTask, string>> = { detect3d: 'proposals3d' };

/** Promoted after `promote`, with the previous one remembered for Roll back. Pure. */
export function promoteVersion(v: ModelVersions, version: number | null): ModelVersions {
  if (version !== null && !v.versions.some((x) => x.version === version)) throw new Error(`${v.modelId} has no version ${version}`);
  if (v.promoted === version) return v;
  return { ...v, promoted: version, history: [...v.history, v.promoted] };
}

/** Back to the previously promoted version (or to `to`; null = the base model). Pure. */
export function rollbackVersion(v: ModelVersions, to?: number | null): ModelVersions {
  if (to !== undefined) {
    if (to !== null && !v.versions.some((x) => x.version === to)) throw new Error(`${v.modelId} has no version ${to}`);
    return { ...v, promoted: to, history: [...v.history, v.promoted] };
  }
  const history = [...v.history];
  // skip entries equal to the current one or no longer installed
  while (history.length) {
    const prev = history.pop()!;
    if (prev !== v.promoted && (prev === null || v.versions.some((x) => x.version === prev))) return { ...v, promoted: prev, history };
  }
  return { ...v, promoted: null, history: [] };
}

/**
 * Whether a candidate version should be promoted over the current one: strictly better on the
 * task's primary metric, measured on the same kind of validation split. With no current metrics
 * (nothing trained yet and no baseline measured) the candidate is promoted.
 */
export function shouldPromote(candidate: ValidationMetrics, current: ValidationMetrics | undefined): boolean {
  if (!current) return true;
  if (candidate.primary.name !== current.primary.name) return false;
  return candidate.primary.value > current.primary.value;
}
