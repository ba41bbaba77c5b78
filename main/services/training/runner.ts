/**
 * The training job runner (issue #17): snapshot -> back end -> evaluation -> atomic install ->
 * promotion. It owns the job's work folder (`<project>/.datum/training/<jobId>/`, removed when the
 * job ends however it ends), re-measures local models through the ONNX file itself
 * (onnxruntime-node) on the validation split, compares them with what pre-labelling uses now — the
 * promoted version re-measured on the same split, or the built-in / untrained base — and promotes
 * only a better one (`shouldPromote`) unless told otherwise. A cancelled or failing job leaves the
 * model library as it was (library.ts installs atomically, last).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_MODEL_FOR,
  shouldPromote,
  type ModelVersion,
  type ModelVersions,
  type TrainingBackend,
  type TrainingBackendKind,
  type TrainingJobSpec,
  type TrainingProgress,
  type TrainingTask,
  type TrainedArtifacts,
  type ValidationMetrics,
  TRAINING_TASKS,
} from '../../../core/training/job';
import { evaluateDetect3d, scorerInput, SCORER_INPUTS, type Detect3dScorer } from '../../../core/training/detect3d';
import { acceptFeatures, evaluateAccept2d, type Accept2dModel } from '../../../core/training/accept2d';
import { forward, type LinearHeads } from '../../../core/training/linearHeads';
import { baseModelId } from '../../../core/training/job';
import { DatumError } from '../../rpc/errors';
import type { ProjectService } from '../projectService';
import { buildSnapshot, type SnapshotTable } from './snapshot';
import { installVersion, listTrained, promote, readVersions, removeStaleStaging, rollback, versionDir } from './library';
import { localBackend, TABLE_FILE } from './localBackend';
import { externalBackends } from './backends';
import { runHeads } from './scorerSession';

export type PromotePolicy = 'auto' | 'always' | 'never';

export interface TrainResult {
  modelId: string;
  version: ModelVersion;
  promoted: boolean;
  reason: string;
  versions: ModelVersions;
}

/** Back ends by kind; `command` and `ssh` register here (main/services/training/backends). */
export class BackendRegistry {
  private readonly byKind = new Map<TrainingBackendKind, { backend: TrainingBackend; available: () => Promise<{ ok: boolean; reason?: string }> }>();
  register(backend: TrainingBackend, available: () => Promise<{ ok: boolean; reason?: string }> = async () => ({ ok: true })): void {
    this.byKind.set(backend.kind, { backend, available });
  }
  get(kind: TrainingBackendKind): TrainingBackend | undefined {
    return this.byKind.get(kind)?.backend;
  }
  async list() {
    const out = [];
    for (const [kind, { backend, available }] of this.byKind) {
      const a = await available().catch((e: Error) => ({ ok: false, reason: e.message }));
      out.push({ kind, tasks: TRAINING_TASKS.filter((t) => backend.supports(t)), available: a.ok, ...(a.reason ? { reason: a.reason } : {}) });
    }
    return out;
  }
}

export function defaultBackends(): BackendRegistry {
  const r = new BackendRegistry();
  r.register(localBackend);
  for (const { backend, available } of externalBackends()) r.register(backend, available);
  return r;
}

/** Largest |ONNX - TypeScript| of a model's outputs that still counts as the same model (float32 vs float64). */
export const ONNX_AGREEMENT = 1e-4;

const OWNER_FILE = 'owner.json';

/** Work folders of jobs whose process no longer runs (killed): nothing in them is in the library. */
async function removeStaleJobs(root: string): Promise<void> {
  for (const name of await fs.readdir(root).catch(() => [] as string[])) {
    const dir = path.join(root, name);
    const owner = await fs.readFile(path.join(dir, OWNER_FILE), 'utf8').then((t) => JSON.parse(t) as { pid?: number }).catch(() => null);
    let alive = true;
    try {
      if (owner?.pid) process.kill(owner.pid, 0);
      else alive = false;
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (!alive) await fs.rm(dir, { recursive: true, force: true });
  }
}

export class TrainingService {
  constructor(
    private readonly projects: ProjectService,
    readonly backends: BackendRegistry = defaultBackends(),
  ) {}

  async versions(modelId?: string): Promise<ModelVersions[]> {
    const dir = this.projects.requireProject().dir;
    if (modelId) return [await readVersions(dir, modelId)];
    return listTrained(dir);
  }

  async promote(modelId: string, version: number): Promise<ModelVersions> {
    return this.wrap(() => promote(this.projects.requireProject().dir, modelId, version));
  }

  async rollback(modelId: string, version?: number | null): Promise<ModelVersions> {
    return this.wrap(() => rollback(this.projects.requireProject().dir, modelId, version));
  }

  private async wrap<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof DatumError) throw e;
      const code = (e as { code?: string }).code === 'NOT_FOUND' || /has no/.test((e as Error).message) ? 'NOT_FOUND' : 'BAD_REQUEST';
      throw new DatumError(code, (e as Error).message);
    }
  }

  /** The detector whose reviewed predictions are most numerous (accept2d's default model). */
  private async mostReviewedDetector(): Promise<string> {
    const counts = new Map<string, number>();
    const items = this.projects.listItems({ offset: 0, limit: 1_000_000, modality: ['image'] } as never).items;
    for (const item of items) {
      const doc = await this.projects.loadAnnotations(item.id);
      for (const o of doc.objects) if (o.source.kind !== 'human' && (o.accepted || o.source.kind === 'model-edited')) counts.set(baseModelId(o.source.model), (counts.get(baseModelId(o.source.model)) ?? 0) + 1);
      for (const r of doc.rejected ?? []) counts.set(baseModelId(r.model), (counts.get(baseModelId(r.model)) ?? 0) + 1);
    }
    const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    if (!best) throw new DatumError('BAD_REQUEST', 'accept2d learns from reviewed predictions: accept or reject some pre-labels first');
    return best[0];
  }

  async train(
    input: { task: TrainingTask; backend?: TrainingBackendKind; modelId?: string; itemIds?: string[]; valFraction?: number; seed?: number; options?: Record<string, unknown>; jobId?: string; promote?: PromotePolicy },
    opts: { signal?: AbortSignal; progress?: (p: TrainingProgress) => void; log?: (line: string) => void } = {},
  ): Promise<TrainResult> {
    const project = this.projects.requireProject();
    const signal = opts.signal ?? new AbortController().signal;
    const progress = opts.progress ?? (() => {});
    const backendKind = input.backend ?? 'local';
    const backend = this.backends.get(backendKind);
    if (!backend) throw new DatumError('UNSUPPORTED', `no ${backendKind} training back end in this build (known: ${(await this.backends.list()).map((b) => b.kind).join(', ')})`);
    if (!backend.supports(input.task)) throw new DatumError('UNSUPPORTED', `the ${backendKind} back end does not train ${input.task}`);
    const modelId = input.modelId ?? DEFAULT_MODEL_FOR[input.task] ?? (input.task === 'accept2d' ? await this.mostReviewedDetector() : undefined);
    if (!modelId) throw new DatumError('BAD_REQUEST', `say which model ${input.task} trains (modelId)`);
    const jobId = input.jobId ?? randomUUID();
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(jobId)) throw new DatumError('BAD_REQUEST', 'jobId: letters, digits, ".", "_" and "-"');
    const spec: TrainingJobSpec = { jobId, task: input.task, backend: backendKind, modelId, itemIds: input.itemIds, valFraction: input.valFraction, seed: input.seed, options: input.options };
    const workDir = path.join(project.dir, '.datum', 'training', jobId);
    try {
      await fs.mkdir(workDir, { recursive: false });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new DatumError('CONFLICT', `training job ${jobId} is already running (or its folder ${workDir} was left behind)`);
      await fs.mkdir(path.dirname(workDir), { recursive: true });
      await fs.mkdir(workDir);
    }
    const cancelled = () => {
      if (signal.aborted) throw new DatumError('CANCELLED', 'training cancelled');
    };
    try {
      // who owns this folder: a later job removes it when that process is gone (killed, power loss)
      await fs.writeFile(path.join(workDir, OWNER_FILE), JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
      await removeStaleJobs(path.dirname(workDir));
      await removeStaleStaging(project.dir, modelId);
      progress({ phase: 'snapshot', fraction: 0, message: 'reading the labels' });
      const { description, table } = await buildSnapshot(this.projects, spec, { signal, progress });
      const snapshotDir = path.join(workDir, 'snapshot');
      await fs.mkdir(snapshotDir);
      await fs.writeFile(path.join(snapshotDir, TABLE_FILE), JSON.stringify(table));
      await fs.writeFile(path.join(snapshotDir, 'snapshot.json'), JSON.stringify(description, null, 1));
      cancelled();
      progress({ phase: 'train', fraction: 0.45, message: `${backendKind}: training ${input.task} on ${description.items.filter((i) => i.split === 'train').length} items, validating on ${description.items.filter((i) => i.split === 'val').length}` });
      let artifacts: TrainedArtifacts;
      try {
        artifacts = await backend.run(spec, { workDir, snapshotDir, snapshot: description, signal, progress, log: opts.log ?? (() => {}) });
      } catch (e) {
        if (signal.aborted || (e as Error).name === 'AbortError') throw new DatumError('CANCELLED', 'training cancelled');
        throw e instanceof DatumError ? e : new DatumError('INTERNAL', `${backendKind} back end failed: ${(e as Error).message}`);
      }
      cancelled();
      if (!path.resolve(artifacts.onnxPath).startsWith(path.resolve(workDir) + path.sep)) throw new DatumError('INTERNAL', `the back end's model ${artifacts.onnxPath} is not inside the job's folder`);
      progress({ phase: 'evaluate', fraction: 0.85, message: 'measuring the new model and the current one on the validation split' });
      const evaluated = await this.evaluate(table, artifacts, modelId);
      cancelled();
      const metrics = evaluated.metrics;
      progress({ phase: 'install', fraction: 0.95, metrics: { [metrics.primary.name]: metrics.primary.value, ...(evaluated.current ? { [`current_${metrics.primary.name}`]: evaluated.current.metrics.primary.value } : {}) } });
      let reason = '';
      const policy = input.promote ?? 'auto';
      const installed = await installVersion(
        project.dir,
        modelId,
        {
          onnxPath: artifacts.onnxPath,
          manifest: { name: `${modelId} (trained)`, ...artifacts.manifest, id: modelId, trained: { task: input.task, ...(artifacts.manifest.trained as object) } } as never,
          metrics: { validation: metrics, comparedWith: evaluated.current ?? null, backendMetrics: artifacts.metrics },
          snapshot: description,
        },
        { createdAt: new Date().toISOString(), task: input.task, backend: backendKind, metrics, snapshotId: description.id, ...(evaluated.current ? { comparedWith: evaluated.current } : {}) },
        () => {
          const cur = evaluated.current;
          const better = shouldPromote(metrics, cur?.metrics);
          const what = `${metrics.primary.name} ${metrics.primary.value}${cur ? ` vs ${cur.metrics.primary.value} (${cur.label})` : ''} on ${metrics.n} validation examples`;
          if (policy === 'always') reason = `promoted on request (${what})`;
          else if (policy === 'never') reason = `not promoted on request (${what})`;
          else reason = better ? `promoted: better ${what}` : `kept the current model: not better, ${what}`;
          return policy === 'always' || (policy === 'auto' && better);
        },
        signal,
      );
      progress({ phase: 'install', fraction: 1, message: reason });
      return { modelId, version: installed.version, promoted: installed.promoted, reason, versions: installed.versions };
    } finally {
      await fs.rm(workDir, { recursive: true, force: true });
    }
  }

  /**
   * Metrics of the new model and of what pre-labelling uses now, on the same validation split.
   * Local models are re-measured from their ONNX file; a result that disagrees with the back end's
   * TypeScript forward pass fails the job (the file would not do what was measured).
   */
  private async evaluate(table: SnapshotTable, artifacts: TrainedArtifacts, modelId: string): Promise<{ metrics: ValidationMetrics; current?: { label: string; metrics: ValidationMetrics } }> {
    const project = this.projects.requireProject();
    const versions = await readVersions(project.dir, modelId);
    const promoted = versions.promoted;
    const params = (artifacts.manifest.trained as { params?: Record<string, unknown> } | undefined)?.params ?? {};
    const currentParams = async (): Promise<{ params: Record<string, unknown>; file: string } | null> => {
      if (!promoted) return null;
      try {
        const dir = versionDir(project.dir, modelId, promoted);
        const m = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')) as { trained?: { params?: Record<string, unknown> } };
        return { params: m.trained?.params ?? {}, file: path.join(dir, 'model.onnx') };
      } catch {
        return null;
      }
    };
    if (table.task === 'detect3d') {
      const scorer = { model: params.scorer as LinearHeads, threshold: params.threshold as number, refine: params.refine as Detect3dScorer['refine'] };
      const onnxScores = new Map<unknown, Float32Array>();
      let maxDiff = 0;
      for (const f of table.frames) {
        if (f.split !== 'val') continue;
        const x = scorerInput(f.candidates);
        const s = await runHeads(artifacts.onnxPath, x, f.candidates.length, SCORER_INPUTS);
        const ts = forward(scorer.model, x, f.candidates.length);
        for (let i = 0; i < s.length; i++) maxDiff = Math.max(maxDiff, Math.abs(s[i] - ts[i]));
        onnxScores.set(f, s);
      }
      if (maxDiff > ONNX_AGREEMENT) throw new DatumError('INTERNAL', `the exported ONNX scorer disagrees with the trained model by ${maxDiff}`);
      const metrics = { ...evaluateDetect3d(table.frames, scorer, 'val', (f) => onnxScores.get(f)!), onnxMaxDiff: maxDiff };
      const cur = await currentParams();
      if (cur?.params.scorer) {
        const cs = { model: cur.params.scorer as LinearHeads, threshold: cur.params.threshold as number, refine: cur.params.refine as Detect3dScorer['refine'] };
        return { metrics, current: { label: `${modelId}@${promoted}`, metrics: evaluateDetect3d(table.frames, cs, 'val') } };
      }
      return { metrics, current: { label: 'built-in scorer', metrics: evaluateDetect3d(table.frames, null, 'val') } };
    }
    if (table.task === 'accept2d') {
      const m: Accept2dModel = { model: params.model as LinearHeads, classes: params.classes as string[], threshold: params.threshold as number };
      const val = table.rows.filter((r) => r.split === 'val');
      const x = acceptFeatures(val, m.classes);
      const d = m.model.mean.length;
      const s = await runHeads(artifacts.onnxPath, x, val.length, d);
      const ts = forward(m.model, x, val.length);
      let maxDiff = 0;
      for (let i = 0; i < s.length; i++) maxDiff = Math.max(maxDiff, Math.abs(s[i] - ts[i]));
      if (maxDiff > ONNX_AGREEMENT) throw new DatumError('INTERNAL', `the exported ONNX acceptance model disagrees with the trained model by ${maxDiff}`);
      const metrics = { ...evaluateAccept2d(table.rows, m, 'val', s), onnxMaxDiff: maxDiff };
      const cur = await currentParams();
      if (cur?.params.model) {
        const cm: Accept2dModel = { model: cur.params.model as LinearHeads, classes: cur.params.classes as string[], threshold: cur.params.threshold as number };
        return { metrics, current: { label: `${modelId}@${promoted}`, metrics: evaluateAccept2d(table.rows, cm, 'val') } };
      }
      return { metrics, current: { label: `${modelId}'s own scores, nothing hidden`, metrics: evaluateAccept2d(table.rows, null, 'val') } };
    }
    // external trainers: their own validation metrics; the current version's stored ones
    const cur = promoted ? versions.versions.find((v) => v.version === promoted) : undefined;
    return { metrics: artifacts.metrics, ...(cur ? { current: { label: `${modelId}@${promoted} (its own validation)`, metrics: cur.metrics } } : {}) };
  }
}
