/**
 * The model library and pre-labelling as host services: one inference runtime per host process
 * (its worker owns the ONNX Runtime sessions), model discovery across the project's, the user's
 * and the app's model folders, imports with presets for common exports, single-file prediction
 * (2D adapters and the built-in 3D proposals) and project pre-labelling with progress, cancel and
 * resume. Predictions become annotation objects with source = model and a score.
 */
import { cuboidInFile } from '../../core/lidar/box';
import { cloudParseOptions } from '../../core/formats/pointcloud/projectLayout';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { defaultIntraOpThreads } from './inference/threads';
import { DatumError } from '../rpc/errors';
import type { ProjectService } from './projectService';
import {
  discoverModels,
  importModel,
  InferenceRuntime,
  defaultProviders,
  openDetector3d,
  openPredictor,
  openSam,
  readManifestFile,
  type SamPrompt,
  type SamSession,
  type ImportManifest,
  type CuboidPrediction,
  type Detector3D,
  type ModelEntry,
  type Prediction,
  type Predictor,
} from './inference';
import { parsePointCloud, type ParseOptions } from '../../core/formats/pointcloud';
import { DEFAULT_PROPOSAL_THRESHOLD, proposeBoxes, proposeCandidates } from '../../core/lidar/propose';
import { applyRefinement, rescoreProposals, scorerInput, SCORER_INPUTS, tableCandidates, type Detect3dScorer } from '../../core/training/detect3d';
import { acceptFeatures, type PredictionRow } from '../../core/training/accept2d';
import { baseModelId, versionedModelId } from '../../core/training/job';
import type { LinearHeads } from '../../core/training/linearHeads';
import { runHeads } from './training/scorerSession';
import { imageInfo } from './tiles';
import { newPredictions } from '../../core/review/predictions';
import { deepMerge, planImport as planImportFor, type ImportPlan } from './inference/importPlan';
import { declareSkeletons, withKeypoints } from './predictionKeypoints';
import { DETECTOR_PRESETS } from './inference/presets2d';
import { checkSample as checkSampleImage, type SampleCheck } from './inference/sampleCheck';
import type { ModelManifest } from './inference/manifest';
import type { AnnotationObject, LabelSpec, Ontology } from '../../core/document/schema';

/** What a model id may look like (the manifest schema's id rule). */
const MODEL_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * OpenPCDet's KITTI PointPillars (tools/cfgs/kitti_models/pointpillar.yaml) as CUDA-PointPillars
 * exports it: range, 0.16 m pillars, 32 points, the three classes' anchors, direction classifier,
 * class-agnostic NMS like MULTI_CLASSES_NMS: False. The NMS IoU is OpenPCDet's 0.01.
 */
const POINTPILLARS_KITTI: ImportManifest = {
  task: 'detect3d',
  adapter: 'pointpillars',
  classes: ['Car', 'Pedestrian', 'Cyclist'],
  voxel: { layout: 'openpcdet', pointCloudRange: [0, -39.68, -3, 69.12, 39.68, 1], voxelSize: [0.16, 0.16, 4], maxPointsPerVoxel: 32, maxVoxels: 40000 },
  head: {
    type: 'anchor',
    featureMapStride: 2,
    alignCenter: false,
    anchors: [
      { class: 'Car', size: [3.9, 1.6, 1.56], rotations: [0, 1.57], bottomHeight: -1.78 },
      { class: 'Pedestrian', size: [0.8, 0.6, 1.73], rotations: [0, 1.57], bottomHeight: -0.6 },
      { class: 'Cyclist', size: [1.76, 0.6, 1.73], rotations: [0, 1.57], bottomHeight: -0.6 },
    ],
    dirOffset: 0.78539,
    dirLimitOffset: 0,
    numDirBins: 2,
    nms: { classAgnostic: true, preMax: 4096, maxDetections: 100 },
  },
  thresholds: { score: 0.3, nms: 0.01 },
};

/** Input settings of well-known exports, so `--preset yolox` is all a user has to say. */
export const PRESETS: Record<string, Omit<ImportManifest, 'classes'> & { classes?: string[] }> = {
  pointpillars: POINTPILLARS_KITTI,
  yolox: { task: 'detect2d', adapter: 'yolox', input: { width: 416, height: 416, channelOrder: 'bgr', resize: 'letterbox', pad: 'topleft', padValue: 114 }, thresholds: { score: 0.3, nms: 0.45 } },
  yolov5: { task: 'detect2d', adapter: 'yolov5', input: { width: 640, height: 640, channelOrder: 'rgb', resize: 'letterbox', pad: 'center', padValue: 114, scale: 1 / 255 }, thresholds: { score: 0.25, nms: 0.45 } },
  yolov8: { task: 'detect2d', adapter: 'yolov8', input: { width: 640, height: 640, channelOrder: 'rgb', resize: 'letterbox', pad: 'center', padValue: 114, scale: 1 / 255 }, thresholds: { score: 0.25, nms: 0.45 } },
  ultraface: { task: 'detect2d', adapter: 'ultraface', input: { width: 320, height: 240, channelOrder: 'rgb', resize: 'stretch', mean: [127, 127, 127], std: [128, 128, 128] }, thresholds: { score: 0.7, nms: 0.3 } },
  ...DETECTOR_PRESETS,
};

export interface ModelInfo {
  id: string;
  name: string;
  task: string;
  adapter: string;
  source: string;
  classes: number;
  classNames: string[];
  /** The execution provider running it, once loaded (the runtime tries `providers` in order). */
  provider: string | null;
  providers: string[];
  license?: string;
}

/** What the user says about a model to import (CLI flags, the Models tab). */
export interface ImportRequest {
  preset?: string;
  /** A partial manifest, deep-merged onto the preset. */
  manifest?: Partial<ImportManifest>;
  classesFile?: string;
  id?: string;
  name?: string;
}

/** A 3D prediction in the cloud file's own frame (the inference layer's CuboidPrediction). */
export type Prediction3D = CuboidPrediction;

/** Adapters that predict cuboids from point clouds. */
export const is3dAdapter = (adapter: string) => adapter === 'proposals3d' || adapter === 'pointpillars';

export class ModelService {
  private runtime: InferenceRuntime | null = null;
  private predictors = new Map<string, Promise<Predictor>>();
  private sams = new Map<string, Promise<SamSession>>();
  private detectors = new Map<string, Promise<Detector3D>>();

  constructor(private readonly userModelsDir: string | null) {}

  async list(projectDir?: string): Promise<{ models: ModelEntry[]; problems: { path: string; message: string }[] }> {
    return discoverModels({ projectDir, userDir: this.userModelsDir ?? undefined });
  }

  async info(projectDir?: string): Promise<{ models: ModelInfo[]; problems: { path: string; message: string }[]; threads: number; cores: number }> {
    const { models, problems } = await this.list(projectDir);
    return {
      threads: defaultIntraOpThreads(),
      cores: availableParallelism(),
      models: models.map((e) => ({
        id: e.manifest.id,
        name: e.manifest.name,
        task: e.manifest.task,
        adapter: e.manifest.adapter,
        source: e.source,
        classes: e.manifest.classes.length,
        classNames: e.manifest.classes,
        provider: e.manifest.adapter === 'proposals3d' ? 'cpu (built-in)' : (this.runtime?.providerFor(e.manifest.id) ?? null),
        providers: e.manifest.adapter === 'proposals3d' ? ['cpu'] : defaultProviders(),
        license: e.manifest.license,
        ...(e.version ? { version: e.version } : {}),
        ...(e.acceptance ? { acceptanceVersion: e.acceptance.version } : {}),
      })),
      problems,
    };
  }

  /**
   * A model of the library by id. Ids are plain names (`manifest.ts`'s id pattern), so anything
   * that looks like a path is refused before touching the disk: the answer is the same whether
   * such a file exists or not.
   */
  async resolve(id: string, projectDir?: string): Promise<ModelEntry> {
    if (!MODEL_ID.test(id)) throw new DatumError('BAD_REQUEST', `"${id.slice(0, 80)}" is not a model id (letters, digits, ".", "_" and "-"); models are referenced by their library id`);
    const { models } = await this.list(projectDir);
    const entry = models.find((m) => m.manifest.id === id);
    if (!entry) throw new DatumError('NOT_FOUND', `no model "${id}" (known: ${models.map((m) => m.manifest.id).join(', ') || 'none'})`);
    return entry;
  }

  /**
   * CLI only (`datum models run <manifest.json>`): the user owns the machine and names the file on
   * the command line. The manifest's own files must still stay inside its folder.
   */
  async resolveManifestPath(manifestPath: string): Promise<ModelEntry> {
    try {
      return await readManifestFile(path.resolve(manifestPath), 'user');
    } catch (err) {
      const msg = (err as Error).message;
      throw new DatumError(/: missing$/.test(msg) ? 'NOT_FOUND' : 'BAD_FILE', msg);
    }
  }

  /**
   * What importing `onnxPath` would save, without copying anything: the preset deep-merged with the
   * partial manifest and fitted to the graph (importPlan.ts), with the graph's inputs and outputs,
   * notes and problems.
   */
  async planImport(onnxPath: string, opts: ImportRequest): Promise<ImportPlan> {
    const preset = opts.preset ? PRESETS[opts.preset] : undefined;
    if (opts.preset && !preset) throw new DatumError('BAD_REQUEST', `unknown preset "${opts.preset}" (known: ${Object.keys(PRESETS).join(', ')})`);
    let classes = opts.manifest?.classes;
    if (opts.classesFile) {
      const text = await fs.readFile(opts.classesFile, 'utf8').catch(() => {
        throw new DatumError('NOT_FOUND', `${opts.classesFile}: cannot read the class list`);
      });
      classes = text.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
    }
    const merged = deepMerge({ ...(preset ?? {}) } as ImportManifest, opts.manifest ?? {});
    merged.classes = classes ?? preset?.classes ?? [];
    if (opts.id) merged.id = opts.id;
    if (opts.name) merged.name = opts.name;
    if (!merged.adapter) throw new DatumError('BAD_REQUEST', `say which adapter the model needs: --preset ${Object.keys(PRESETS).join('|')}, or a --manifest file`);
    await fs.stat(onnxPath).catch((e: Error) => {
      throw new DatumError('NOT_FOUND', `${onnxPath}: cannot read model file (${e.message})`);
    });
    const label = opts.preset ? `${opts.preset} preset` : `${merged.adapter} adapter`;
    try {
      return await planImportFor(onnxPath, merged, { explicitInput: opts.manifest?.input as Record<string, unknown> | undefined, label });
    } catch (e) {
      throw new DatumError('BAD_FILE', (e as Error).message);
    }
  }

  async import(onnxPath: string, opts: ImportRequest & { destRoot: string }): Promise<ModelEntry> {
    const plan = await this.planImport(onnxPath, opts);
    if (plan.problems.length) throw new DatumError('BAD_FILE', `${onnxPath}: does not fit a ${plan.manifest.adapter} model: ${plan.problems.join('; ')}`);
    const { file: _file, sha256: _sha, ...manifest } = plan.manifest;
    return importModel(onnxPath, manifest, { destRoot: opts.destRoot });
  }

  /**
   * Run a model that is not in the library yet (an import's plan) on one image and judge its
   * output (inference/sampleCheck.ts); `preset` names the preset whose normalisation it is compared with.
   */
  async checkSample(manifest: ModelManifest, modelPath: string, image: string, preset?: string, signal?: AbortSignal): Promise<SampleCheck> {
    this.runtime ??= new InferenceRuntime({ threads: 2 });
    try {
      return await checkSampleImage(this.runtime, manifest, modelPath, image, { preset: preset ? PRESETS[preset]?.input : undefined, signal });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw new DatumError('BAD_FILE', `sample check on ${image}: ${(e as Error).message}`);
    }
  }

  private predictor(entry: ModelEntry): Promise<Predictor> {
    const key = `${entry.manifest.id}@${entry.modelPath}`;
    let p = this.predictors.get(key);
    if (!p) {
      this.runtime ??= new InferenceRuntime({ threads: defaultIntraOpThreads() });
      p = openPredictor(this.runtime, entry);
      p.catch(() => this.predictors.delete(key));
      this.predictors.set(key, p);
    }
    return p;
  }

  private detector(entry: ModelEntry): Promise<Detector3D> {
    const key = `${entry.manifest.id}@${entry.modelPath}`;
    let p = this.detectors.get(key);
    if (!p) {
      this.runtime ??= new InferenceRuntime({ threads: defaultIntraOpThreads() });
      p = openDetector3d(this.runtime, entry);
      p.catch(() => this.detectors.delete(key));
      this.detectors.set(key, p);
    }
    return p;
  }

  async predictImage(entry: ModelEntry, file: string, signal?: AbortSignal): Promise<Prediction[]> {
    if (is3dAdapter(entry.manifest.adapter)) throw new DatumError('BAD_REQUEST', `${entry.manifest.id} works on point clouds, not images`);
    return (await this.predictor(entry)).predict(file, { signal });
  }

  private sam(entry: ModelEntry): Promise<SamSession> {
    if (entry.manifest.task !== 'promptable-segment' || entry.manifest.adapter !== 'sam') {
      throw new DatumError('BAD_REQUEST', `${entry.manifest.id} (${entry.manifest.task}) is not a promptable-segment (SAM) model`);
    }
    const key = `${entry.manifest.id}@${entry.modelPath}@${entry.decoderPath}`;
    let p = this.sams.get(key);
    if (!p) {
      this.runtime ??= new InferenceRuntime({ threads: defaultIntraOpThreads() });
      p = openSam(this.runtime, entry, 4);
      p.catch(() => this.sams.delete(key));
      this.sams.set(key, p);
    }
    return p;
  }

  /** The image's cache key: path and mtime (a changed file is embedded again). */
  private async imageKey(file: string): Promise<string> {
    const st = await fs.stat(file).catch(() => {
      throw new DatumError('NOT_FOUND', `${file}: no such file`);
    });
    return `${file}@${st.mtimeMs}@${st.size}`;
  }

  /** Run the SAM encoder on an image once (the session caches the embedding). */
  async samEmbed(entry: ModelEntry, file: string, signal?: AbortSignal): Promise<{ width: number; height: number }> {
    const sam = await this.sam(entry);
    const emb = await sam.embed(await this.imageKey(file), file, signal);
    return { width: emb.transform.width, height: emb.transform.height };
  }

  /** Segment with clicks (label 1 foreground, 0 background) and/or a box, in image pixels. */
  async samSegment(entry: ModelEntry, file: string, prompt: SamPrompt, signal?: AbortSignal) {
    if (!prompt.points?.length && !prompt.box) throw new DatumError('BAD_REQUEST', 'SAM needs at least one point or a box');
    const sam = await this.sam(entry);
    const p = await sam.segment(await this.imageKey(file), file, prompt, { signal });
    return { label: p.label, score: round(p.score), polygon: (p.polygon ?? []).map(round), mask: p.mask, box: p.box };
  }

  private async readCloud(file: string, parseOptions: ParseOptions) {
    const bytes = await fs.readFile(file).catch(() => {
      throw new DatumError('NOT_FOUND', `${file}: no such file`);
    });
    return parsePointCloud(bytes, path.basename(file), parseOptions).catch((err: Error) => {
      throw new DatumError('BAD_FILE', err.message);
    });
  }

  /**
   * A 3D model on one point cloud, cuboids in the file's own coordinates: the built-in proposals
   * or a learned detector (pointpillars), whose own score threshold applies.
   */
  async predict3d(entry: ModelEntry, file: string, parseOptions: ParseOptions = {}, signal?: AbortSignal): Promise<Prediction3D[]> {
    const m = entry.manifest;
    if (m.adapter === 'proposals3d' && m.trained && entry.modelPath) return this.proposeTrained(entry, file, parseOptions);
    if (m.adapter === 'proposals3d') return this.propose3d(file, m.thresholds.score, parseOptions);
    if (m.adapter !== 'pointpillars') throw new DatumError('BAD_REQUEST', `${m.id} (${m.task}) does not work on point clouds`);
    const detector = await this.detector(entry);
    const cloud = await this.readCloud(file, parseOptions);
    const field = cloud.fields.find((f) => f.name === m.voxel!.intensityField && f.count === 1);
    const preds = await detector.predict({ positions: cloud.positions, count: cloud.count, offset: cloud.offset, intensity: field?.data }, { signal });
    return preds.map((p) => ({ label: p.label, score: round(p.score), cuboid: p.cuboid }));
  }

  /** The built-in 3D proposals, in the file's own coordinates (the parser's recentring undone). */
  async propose3d(file: string, minScore = DEFAULT_PROPOSAL_THRESHOLD, parseOptions: ParseOptions = {}): Promise<Prediction3D[]> {
    const cloud = await this.readCloud(file, parseOptions);
    // Scores are calibrated probabilities (core/lidar/classify.ts); the threshold also drives NMS.
    return proposeBoxes(cloud.positions, cloud.count, { minScore })
      .filter((p) => p.score >= minScore)
      .map((p) => {
        const { center, size, yaw } = cuboidInFile(p.box, cloud.offset);
        return { label: p.label, score: round(p.score), cuboid: { center, size, yaw } };
      });
  }

  /**
   * The built-in proposals re-scored by a trained version's scorer (core/training/detect3d.ts): the
   * proposer's candidates, the ONNX scorer over their features, its threshold, the project's class
   * names and size refinement.
   */
  private async proposeTrained(entry: ModelEntry, file: string, parseOptions: ParseOptions): Promise<Prediction3D[]> {
    const params = entry.manifest.trained!.params as { scorer: LinearHeads; threshold: number; refine: Detect3dScorer['refine'] };
    const cloud = await this.readCloud(file, parseOptions);
    const cands = tableCandidates(proposeCandidates(cloud.positions, cloud.count, { minScore: 1.1 }), (b) => cuboidInFile(b, cloud.offset));
    const scores = await runHeads(entry.modelPath!, scorerInput(cands), cands.length, SCORER_INPUTS);
    return rescoreProposals(cands, scores, params.threshold).map((p) => {
      const r = applyRefinement(p, params.refine);
      return { label: r.name, score: round(r.score), cuboid: { center: r.box.center, size: r.box.size, yaw: r.box.yaw } };
    });
  }

  /**
   * A detector's predictions filtered and re-scored by its promoted acceptance model (accept2d):
   * the score becomes the probability that a reviewer keeps the box; those under the model's
   * threshold are dropped.
   */
  async applyAcceptance(entry: ModelEntry, file: string, predictions: Prediction[], size?: { width: number; height: number }): Promise<Prediction[]> {
    const acc = entry.acceptance;
    if (!acc || !predictions.length) return predictions;
    const params = acc.params as { model: LinearHeads; classes: string[]; threshold: number };
    const { width, height } = size ?? (await imageInfo(file));
    const rows: PredictionRow[] = [];
    const idx: number[] = [];
    predictions.forEach((p, i) => {
      const box = 'box' in p && p.box ? p.box : null;
      if (!box) return;
      rows.push({ label: p.label, score: p.score, box: [box[0], box[1], box[2], box[3]], width, height });
      idx.push(i);
    });
    const keep = await runHeads(acc.modelPath, acceptFeatures(rows, params.classes), rows.length, params.model.mean.length);
    const scored = new Map(idx.map((i, k) => [i, keep[k]]));
    // predictions without a box (none of today's 2D adapters) pass through as they are
    return predictions.flatMap((p, i) => {
      const s = scored.get(i);
      return s === undefined ? [p] : s >= params.threshold ? [{ ...p, score: s }] : [];
    });
  }

  /**
   * Pre-label the project's images with a 2D model. Resumable: items that already carry this
   * model's predictions are skipped. Human objects are never touched.
   */
  async prelabel(
    projects: ProjectService,
    modelId: string,
    opts: { itemIds?: string[]; signal?: AbortSignal; progress?: (done: number, total: number, phase: string) => void; mapping?: Record<string, string> } = {},
  ): Promise<{ items: number; skipped: number; predictions: number; known?: number; failed: { item: string; error: string }[] }> {
    const project = projects.requireProject();
    const entry = await this.resolve(modelId, project.dir);
    // The project's saved class mapping for this model applies unless the caller passes one.
    opts = { ...opts, mapping: opts.mapping ?? project.file.settings.classMappings?.[entry.manifest.id] };
    if (entry.manifest.task === 'detect3d') return this.prelabel3d(projects, entry, opts);
    if (entry.manifest.task !== 'detect2d' && entry.manifest.task !== 'segment2d' && entry.manifest.task !== 'text-detect') {
      throw new DatumError('BAD_REQUEST', `${entry.manifest.id} (${entry.manifest.task}) cannot pre-label images`);
    }
    const all = projects.listItems({ offset: 0, limit: 1_000_000, modality: ['image'] } as never).items;
    const wanted = opts.itemIds ? all.filter((i) => opts.itemIds!.includes(i.id)) : all;
    const todo: typeof wanted = [];
    let skipped = 0;
    for (const item of wanted) {
      const doc = await projects.loadAnnotations(item.id);
      if (doc.objects.some((o) => o.source.kind !== 'human' && baseModelId(o.source.model) === entry.manifest.id)) skipped++;
      else todo.push(item);
    }
    opts.progress?.(0, todo.length, `${entry.manifest.name}: ${todo.length} images`);
    const predictor = await this.predictor(entry);
    let ontology = project.file.ontology;
    let predictions = 0;
    const failed: { item: string; error: string }[] = [];
    const files = todo.map((i) => projects.itemPath(i.id));
    const pendingSaves: Promise<unknown>[] = [];
    // predictions record the acceptance model's version when one filters them (`yolox-nano@2`)
    const sourceId = versionedModelId(entry.manifest.id, entry.acceptance?.version);
    await predictor.predictMany(files, {
      signal: opts.signal,
      onResult: (r, done, total) => {
        const item = todo[r.index];
        if (r.error || !r.predictions) {
          failed.push({ item: item.name, error: r.error ?? 'no result' });
        } else {
          const raw = r.predictions;
          pendingSaves.push(
            this.applyAcceptance(entry, files[r.index], raw).then((kept) => {
              const { objects, ontology: next } = toObjects(kept, sourceId, ontology, opts.mapping);
              ontology = next;
              predictions += objects.length;
              return projects.loadAnnotations(item.id).then((doc) =>
                projects.saveAnnotations(item.id, { ...doc, status: doc.status === 'new' ? 'in_progress' : doc.status, objects: [...doc.objects, ...objects] }),
              );
            }).catch((err: Error) => {
              failed.push({ item: item.name, error: err.message });
            }),
          );
        }
        opts.progress?.(done, total, `${entry.manifest.name}: ${done}/${total}`);
      },
    });
    await Promise.all(pendingSaves);
    if (ontology !== project.file.ontology) await projects.updateOntology(ontology);
    return { items: todo.length, skipped, predictions, failed };
  }

  /**
   * Pre-label point clouds with a 3D model (the built-in proposals or a learned detector, by
   * adapter: predict3d): every 'pointcloud' item and each frame of 'pointcloud-sequence' items
   * (frames from sequence.json). Cuboids are stored in the file's own frame (the parser's
   * recentring undone). Every run predicts again and adds only what the document does not know yet
   * (core/review/predictions.ts: an object or track shape on that frame, or a remembered
   * rejection, of the same class with BEV IoU >= 0.5), so re-running resumes an interrupted run,
   * never duplicates a box and never brings a rejected one back. `skipped` counts items that got
   * nothing new, `known` the predictions left out as known.
   */
  private async prelabel3d(
    projects: ProjectService,
    entry: ModelEntry,
    opts: { itemIds?: string[]; signal?: AbortSignal; progress?: (done: number, total: number, phase: string) => void; mapping?: Record<string, string> },
  ): Promise<{ items: number; skipped: number; predictions: number; known: number; failed: { item: string; error: string }[] }> {
    const project = projects.requireProject();
    const id = entry.manifest.id;
    const all = projects.listItems({ offset: 0, limit: 1_000_000, modality: ['pointcloud', 'pointcloud-sequence'] } as never).items;
    const todo = opts.itemIds ? all.filter((i) => opts.itemIds!.includes(i.id)) : all;
    let skipped = 0;
    let known = 0;
    // a learned detector whose file does not fit its manifest fails the run once, not every item
    if (entry.manifest.adapter === 'pointpillars' && todo.length)
      await this.detector(entry).catch((err: Error) => {
        throw new DatumError('BAD_FILE', err.message);
      });
    opts.progress?.(0, todo.length, `${entry.manifest.name}: ${todo.length} point clouds`);
    let ontology = project.file.ontology;
    let predictions = 0;
    const failed: { item: string; error: string }[] = [];
    for (let k = 0; k < todo.length; k++) {
      if (opts.signal?.aborted) throw new DatumError('CANCELLED', 'pre-labelling cancelled');
      const item = todo[k];
      try {
        let files: string[];
        let pointFormat: string | undefined;
        if (item.modality === 'pointcloud-sequence') {
          const seq = JSON.parse(await fs.readFile(projects.itemPath(item.id, 'sequence.json'), 'utf8')) as { frames?: { cloud?: string }[]; pointFormat?: string };
          if (!Array.isArray(seq.frames) || !seq.frames.every((f) => typeof f?.cloud === 'string')) throw new Error('sequence.json: every frame needs a "cloud" path');
          files = seq.frames.map((f) => projects.itemPath(item.id, f.cloud!));
          pointFormat = seq.pointFormat;
        } else files = [projects.itemPath(item.id)];
        const objects: AnnotationObject[] = [];
        for (let frame = 0; frame < files.length; frame++) {
          if (opts.signal?.aborted) throw new DatumError('CANCELLED', 'pre-labelling cancelled');
          const preds = await this.predict3d(entry, files[frame], cloudParseOptions(project.file.settings, pointFormat, files[frame]), opts.signal);
          const r = toObjects3d(preds, versionedModelId(id, entry.version), ontology, frame, opts.mapping);
          ontology = r.ontology;
          objects.push(...r.objects);
        }
        // Read the document after proposing (a reviewer may have saved meanwhile) and add only what it does not know.
        const doc = await projects.loadAnnotations(item.id);
        const { added, known: dropped } = newPredictions(doc, objects);
        known += dropped.length;
        predictions += added.length;
        if (!added.length) skipped++;
        else await projects.saveAnnotations(item.id, { ...doc, status: doc.status === 'new' ? 'in_progress' : doc.status, objects: [...doc.objects, ...added] });
      } catch (err) {
        if (err instanceof DatumError && err.code === 'CANCELLED') throw err;
        if ((err as Error).name === 'AbortError') throw new DatumError('CANCELLED', 'pre-labelling cancelled');
        failed.push({ item: item.name, error: (err as Error).message });
      }
      opts.progress?.(k + 1, todo.length, `${entry.manifest.name}: ${k + 1}/${todo.length}`);
    }
    if (ontology !== project.file.ontology) await projects.updateOntology(ontology);
    return { items: todo.length, skipped, predictions, known, failed };
  }

  async close(): Promise<void> {
    await this.runtime?.close();
    this.runtime = null;
    this.predictors.clear();
    this.sams.clear();
    this.detectors.clear();
  }
}

/** Predictions -> annotation objects; model classes map to labels by name unless mapped. */
export function toObjects(
  predictions: Prediction[],
  modelId: string,
  ontology: Ontology,
  mapping: Record<string, string> = {},
): { objects: AnnotationObject[]; ontology: Ontology } {
  predictions = predictions.filter((p) => mapping[p.label] !== ''); // '' = the user ignores this class
  let labels = ontology.labels;
  const byName = new Map(labels.map((l) => [l.name.toLowerCase(), l.id]));
  const labelFor = (cls: string): string => {
    if (mapping[cls]) return mapping[cls];
    const hit = byName.get(cls.toLowerCase()) ?? labels.find((l) => l.id === cls)?.id;
    if (hit) return hit;
    const id = uniqueLabelId(cls, labels);
    const spec: LabelSpec = { id, name: cls, color: colorFor(cls), kinds: ['box2d', 'polygon', 'mask'], attributes: [] };
    labels = [...labels, spec];
    byName.set(cls.toLowerCase(), id);
    return id;
  };
  const now = Date.now();
  const objects: AnnotationObject[] = predictions.flatMap((p) => {
    const base = { id: randomUUID(), label: labelFor(p.label), frame: 0, attributes: {}, zOrder: 0, updatedAt: now, updatedBy: `model:${modelId}`, source: { kind: 'model' as const, model: modelId, score: round(p.score) } };
    if ('mask' in p) return [{ ...base, geometry: { kind: 'mask' as const, size: p.mask.size, counts: p.mask.counts } }];
    if ('polygon' in p) return [{ ...base, geometry: { kind: 'polygon' as const, points: p.polygon.map(round) } }];
    if ('polyline' in p) return [{ ...base, geometry: { kind: 'polyline' as const, points: p.polyline.map(round) } }];
    // face detectors: the box and its landmarks as a skeleton, grouped (predictionKeypoints.ts)
    return withKeypoints({ ...base, geometry: { kind: 'box2d' as const, x1: round(p.box[0]), y1: round(p.box[1]), x2: round(p.box[2]), y2: round(p.box[3]) } }, p.keypoints);
  });
  labels = declareSkeletons(labels, objects);
  return { objects, ontology: labels === ontology.labels ? ontology : { labels } };
}

/** 3D predictions (file frame) -> cuboid3d objects on `frame`; classes map to labels by name. */
export function toObjects3d(
  predictions: Prediction3D[],
  modelId: string,
  ontology: Ontology,
  frame = 0,
  mapping: Record<string, string> = {},
): { objects: AnnotationObject[]; ontology: Ontology } {
  predictions = predictions.filter((p) => mapping[p.label] !== '');
  let labels = ontology.labels;
  const labelFor = (cls: string): string => {
    if (mapping[cls]) return mapping[cls];
    const hit = labels.find((l) => l.name.toLowerCase() === cls.toLowerCase()) ?? labels.find((l) => l.id === cls);
    if (hit) return hit.id;
    const id = uniqueLabelId(cls, labels);
    labels = [...labels, { id, name: cls, color: colorFor(cls), kinds: ['cuboid3d'], attributes: [] }];
    return id;
  };
  const now = Date.now();
  const objects: AnnotationObject[] = predictions.map((p) => ({
    id: randomUUID(),
    label: labelFor(p.label),
    frame,
    attributes: {},
    zOrder: 0,
    updatedAt: now,
    updatedBy: `model:${modelId}`,
    source: { kind: 'model' as const, model: modelId, score: round(p.score) },
    geometry: { kind: 'cuboid3d' as const, center: p.cuboid.center.map(round) as [number, number, number], size: p.cuboid.size.map(round) as [number, number, number], yaw: round(p.cuboid.yaw) },
  }));
  return { objects, ontology: labels === ontology.labels ? ontology : { labels } };
}

function uniqueLabelId(name: string, labels: LabelSpec[]): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'label';
  const taken = new Set(labels.map((l) => l.id));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

function colorFor(name: string): string {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  const hue = h % 360;
  // HSL(hue, 65%, 55%) to hex
  const s = 0.65;
  const l = 0.55;
  const k = (n: number) => (n + hue / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => Math.round(255 * (l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)))));
  return `#${[f(0), f(8), f(4)].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
