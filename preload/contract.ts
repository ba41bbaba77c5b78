/**
 * THE contract between the renderer and a host (Electron main or `datum serve`).
 *
 * Every method is declared once here with zod schemas for its input and output. From this one
 * table come: the typed client in the renderer (renderer/transport), the router that both hosts
 * mount (main/rpc/router.ts) and runtime validation of every request. Errors cross as plain
 * `{code, message}`. Long work takes a client-chosen `jobId`, reports `job.progress` events and
 * can be aborted with `jobs.cancel`.
 *
 * This module is pure (zod only) so the preload bundle, the renderer and Node can all import it.
 */
import { z } from 'zod';
import { packageContract } from './packageContract';
import { AnnotationObject, ItemDocument, ItemStatus, Ontology } from '../core/document/schema';
import { Profile } from '../core/review/schema';
import { parseBinLayoutSpec } from '../core/formats/pointcloud/binLayout';
import { PALETTES } from '../core/geo/display';
import { TRAINING_BACKENDS, TRAINING_TASKS } from '../core/training/job';
import { Job as TeamJob } from '../core/team/jobs';
import { Lease as TeamLease } from '../core/team/leases';

export const Modality = z.enum([
  'image',
  'video',
  'pointcloud',
  'image-sequence',
  'pointcloud-sequence',
  'dicom',
  'dicom-series',
  'nifti',
]);
export type Modality = z.infer<typeof Modality>;

/** A region item's window in its parent image (core/geo/regions). */
export const RegionOf = z.object({
  parent: z.string(),
  row: z.number().int(),
  col: z.number().int(),
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});

export const ItemSummary = z.object({
  id: z.string(),
  /** Path relative to its source folder, with forward slashes. */
  name: z.string(),
  source: z.string(),
  modality: Modality,
  size: z.number(),
  mtime: z.number(),
  status: ItemStatus,
  /** Files that belong to the item (frames of a sequence), relative to the item path. */
  frames: z.number().int().nonnegative().optional(),
  /** A region of a large scene (geo.split): a window of the parent item's image, labelled in its own pixels. */
  region: RegionOf.optional(),
  /** Companion files found beside a point cloud (camera image, calibration), relative to the source. */
  companions: z.record(z.string(), z.string()).optional(),
  /** DICOM items: what the headers say (grouped by UID in the indexer, main/services/dicomIndex.ts). */
  dicom: z
    .object({
      studyInstanceUid: z.string(),
      seriesInstanceUid: z.string(),
      modality: z.string(),
      /** image, SEG, RTSTRUCT, RTPLAN, RTDOSE, SR, KO, PR or other (non-image objects cannot be opened as volumes). */
      kind: z.string(),
      description: z.string().optional(),
      seriesNumber: z.number().optional(),
      instances: z.number().int().nonnegative(),
      rows: z.number().int().optional(),
      columns: z.number().int().optional(),
      /** Colour (RGB, YBR, palette): opened with the image tools, frames via `/blob/dicom-frame/<id>/<n>`. */
      color: z.boolean().optional(),
    })
    .optional(),
});
export type ItemSummary = z.infer<typeof ItemSummary>;

export const SourceSpec = z.object({
  id: z.string().min(1),
  /** Absolute, or relative to the project folder ("." when the project lives inside the dataset). */
  path: z.string().min(1),
});
export type SourceSpec = z.infer<typeof SourceSpec>;

/** GeoTIFF display (core/geo/display): bands to R, G, B (0-based), percentile stretch, palette mode, per-channel stretches. */
export const RasterDisplaySettings = z.object({
  bands: z.tuple([z.number().int().min(0).max(999), z.number().int().min(0).max(999), z.number().int().min(0).max(999)]),
  low: z.number().min(0).max(49),
  high: z.number().min(51).max(100),
  /** 'palette': one band (paletteBand) through a colour map, with a legend; default 'rgb'. */
  mode: z.enum(['rgb', 'palette']).optional(),
  palette: z.enum(PALETTES).optional(),
  paletteBand: z.number().int().min(0).max(999).optional(),
  /** Per channel R, G, B (palette: the first): percentile / band min-max / values typed in, and a gamma. */
  stretch: z
    .array(
      z.object({
        kind: z.enum(['percentile', 'minmax', 'manual']),
        low: z.number().finite(),
        high: z.number().finite(),
        gamma: z.number().min(0.05).max(20),
      }),
    )
    .max(3)
    .optional(),
});

export const ProjectSettings = z.object({
  language: z.enum(['en', 'zh']).optional(),
  /** GeoTIFF display for the project (core/geo/display): bands to R, G, B (0-based) and the percentile stretch. */
  rasterDisplay: RasterDisplaySettings.optional(),
  pointSize: z.number().positive().optional(),
  /** Per model id: model class -> project label id ('' = ignore that class). Unmapped classes
   * go to the label with the same name, created when missing. */
  classMappings: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  /**
   * Record layout of this project's headerless `.bin` clouds, e.g. "x:f32,y:f32,z:f32,intensity:f32,ring:u16,_:2"
   * (core/formats/pointcloud/binLayout.ts); absent or "" = KITTI (x y z intensity float32).
   */
  binLayout: z
    .string()
    .max(2000)
    .optional()
    .superRefine((spec, ctx) => {
      // Checked here, so a bad layout is refused both in a request and in a hand-edited datum.json.
      if (!spec?.trim()) return;
      try {
        parseBinLayoutSpec(spec);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }),
});

/** A source outside the project folder: readable once granted (stored) or allowed (--allow, this run). */
export const ExternalSource = z.object({
  id: z.string(),
  /** Resolved absolute folder (symlinks followed). */
  path: z.string(),
  status: z.enum(['granted', 'allowed', 'pending']),
});
export type ExternalSource = z.infer<typeof ExternalSource>;

export const ProjectInfo = z.object({
  path: z.string(),
  name: z.string(),
  schemaVersion: z.number().int(),
  ontology: Ontology,
  sources: z.array(SourceSpec),
  settings: ProjectSettings,
  itemCount: z.number().int().nonnegative(),
  /** True when the index came from the on-disk cache and a refresh has not run yet. */
  indexStale: z.boolean(),
  /** Sources outside the project folder; `pending` ones are neither read nor indexed. */
  externalSources: z.array(ExternalSource).optional(),
});
export type ProjectInfo = z.infer<typeof ProjectInfo>;

const JobInput = { jobId: z.string().min(1).max(64) };
const PathInput = z.string().min(1).max(4096);

export const ListItemsInput = z.object({
  offset: z.number().int().nonnegative().default(0),
  limit: z.number().int().positive().max(1000).default(200),
  modality: z.array(Modality).optional(),
  status: z.array(ItemStatus).optional(),
  search: z.string().max(256).optional(),
});

const ItemIdInput = z.string().min(1).max(64);

const IoInfoOutput = z.object({ name: z.string(), type: z.string().optional(), shape: z.array(z.number()).optional() });
/** What `models.import` saves (or, with dryRun, would save): main/services/inference/importPlan.ts and sampleCheck.ts. */
const ImportPlanOutput = z.object({
  id: z.string(),
  imported: z.boolean(),
  manifest: z.record(z.string(), z.unknown()),
  graph: z.object({ inputs: z.array(IoInfoOutput), outputs: z.array(IoInfoOutput) }),
  notes: z.array(z.string()),
  problems: z.array(z.string()),
  sample: z
    .object({
      itemId: z.string(),
      name: z.string(),
      width: z.number(),
      height: z.number(),
      bestScore: z.number().nullable(),
      predictions: z.array(z.object({ label: z.string(), score: z.number(), box: z.array(z.number()).optional() })),
      warnings: z.array(z.object({ code: z.string(), message: z.string() })),
    })
    .nullable(),
  /** Why the sample check could not run (no image item, a 3D model, an error). */
  sampleNote: z.string().optional(),
});
const Vec3Schema = z.tuple([z.number(), z.number(), z.number()]);

/** One segment of a medical label map (label value = number). */
export const MedicalSegment = z.object({
  number: z.number().int().min(1).max(255),
  label: z.string().max(200),
  color: z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)]),
});
export type MedicalSegment = z.infer<typeof MedicalSegment>;

/** What the renderer needs to show a volume; the voxels come from /blob/volume/<itemId>. */
export const VolumeHeader = z.object({
  itemId: z.string(),
  format: z.enum(['dicom', 'nifti']),
  dims: Vec3Schema,
  spacing: Vec3Schema,
  /** Voxel index -> LPS mm, row-major 4x4. */
  affine: z.array(z.number()).length(16),
  modality: z.string(),
  dtype: z.enum(['int16', 'float32', 'uint8']),
  window: z.object({ center: z.number(), width: z.number() }),
  invert: z.boolean(),
  /** Minimum and maximum voxel value. */
  range: z.tuple([z.number(), z.number()]),
  /** Bytes of the raw voxel blob. */
  bytes: z.number().int(),
  /** DICOM SEG export needs a DICOM source (slice UIDs). */
  canExportSeg: z.boolean(),
  description: z.string().optional(),
  errors: z.array(z.object({ file: z.string(), message: z.string() })),
  warnings: z.array(z.string()),
  /** Dims of the stored (source) grid; `dims` / `affine` are the canonical grid the views show (core/medical/reorient.ts). */
  sourceDims: Vec3Schema,
  /** Canonical axis a shows source axis perm[a], flipped when flip[a]. */
  reorient: z.object({ perm: z.tuple([z.number(), z.number(), z.number()]), flip: z.tuple([z.boolean(), z.boolean(), z.boolean()]) }),
  /** Degrees between the voxel axes and the patient axes (0: not oblique). */
  obliqueDeg: z.number(),
  /** 'volume': three views; 'projection': one 2D viewport (CR, DX, MG, ...); 'single': one slice. */
  viewMode: z.enum(['volume', 'projection', 'single']),
  /** Edge letters a projection states (PatientOrientation); null when it states none. */
  letters: z.object({ left: z.string(), right: z.string(), top: z.string(), bottom: z.string() }).nullable(),
  /** Volumes along the 4th dimension (4D NIfTI); the blob holds them all, one after the other. */
  timepoints: z.number().int().min(1),
  /** Impossible or assumed geometry and the fallback used: shown in the editor, never silent. */
  geometryWarnings: z.array(z.string()),
  /** Unit of the voxel values when known (RT Dose: Gy). */
  units: z.string().optional(),
  /**
   * The voxels are still being built: read them from /blob/volume-stream/<itemId> as they land
   * (core/medical/volume-stream.ts); `range` is not known yet and the final header comes at the end.
   */
  loading: z.boolean().optional(),
  /** `window` is a placeholder (the file states none): the viewer derives one from the first slice. */
  windowProvisional: z.boolean().optional(),
});
export type VolumeHeader = z.infer<typeof VolumeHeader>;

/** A label map on the wire: segments and base64 of the run-length bytes (core/medical/labelmap-rle.ts). */
export const LabelmapPayload = z.object({
  segments: z.array(MedicalSegment).max(255),
  runs: z.string().max(200 * 1024 * 1024).nullable(),
});
export type LabelmapPayload = z.infer<typeof LabelmapPayload>;

const ExportResult = z.object({ path: z.string(), relPath: z.string(), bytes: z.number().int() });

const AuthorInput = z.string().min(1).max(200);

export const QaFinding = z.object({
  check: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  item: z.string(),
  frame: z.number().nullable(),
  object: z.string().nullable(),
  message: z.string(),
});
export type QaFinding = z.infer<typeof QaFinding>;

export const QueueRow = z.object({
  itemId: z.string(),
  name: z.string(),
  modality: z.string(),
  assignee: z.string().nullable(),
  submittedAt: z.number().nullable(),
  submittedBy: z.string().nullable(),
  resubmitted: z.boolean(),
  openIssues: z.number().int(),
});
export type QueueRow = z.infer<typeof QueueRow>;

export const MetricsRow = z.object({
  key: z.string(),
  name: z.string(),
  color: z.string().optional(),
  objects: z.number().int(),
  items: z.number().int(),
  reviews: z.number().int(),
  rejections: z.number().int(),
  rejectionRate: z.number().nullable(),
  openIssues: z.number().int(),
});
export type MetricsRow = z.infer<typeof MetricsRow>;


/** Teams (issue #21): jobs, item leases and presence. `who` is the local profile's name; on a team
 * server the signed-in account (CallContext.caller) speaks instead and `who` is ignored. */
const WhoInput = z.string().min(1).max(200).optional();
// Named `job`, never `jobId`: the router treats a `jobId` input as a cancellable long-running task
// (one call at a time per id), which would refuse two people changing one job at once.
const JobIdInput = z.string().min(1).max(64);
export const JobSchema = TeamJob;
export const LeaseSchema = TeamLease;
export const PresenceSchema = z.object({ name: z.string(), itemId: z.string().nullable(), mode: z.enum(['edit', 'view']), at: z.number() });
const SplitFilter = z.object({ status: z.array(ItemStatus).optional(), modality: z.array(Modality).optional(), search: z.string().max(256).optional() });
const WorkSplitInput = z.discriminatedUnion('by', [
  z.object({ by: z.literal('items'), name: z.string().min(1).max(200), perJob: z.number().int().min(1).max(100_000), itemIds: z.array(ItemIdInput).max(100_000).optional(), skipAssigned: z.boolean().optional(), who: WhoInput }),
  z.object({ by: z.literal('frames'), name: z.string().min(1).max(200), perJob: z.number().int().min(1).max(100_000), itemId: ItemIdInput, overlap: z.number().int().min(0).max(100_000).optional(), who: WhoInput }),
  z.object({ by: z.literal('filter'), name: z.string().min(1).max(200), perJob: z.number().int().min(1).max(100_000).optional(), filter: SplitFilter, skipAssigned: z.boolean().optional(), who: WhoInput }),
]);
const JobProgressSchema = z.object({
  jobId: z.string(),
  name: z.string(),
  status: TeamJob.shape.status,
  annotator: z.string().nullable(),
  reviewer: z.string().nullable(),
  total: z.number().int(),
  done: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
});
const PersonProgressSchema = z.object({
  name: z.string(),
  annotate: z.object({ jobs: z.number().int(), total: z.number().int(), done: z.number().int(), accepted: z.number().int() }),
  review: z.object({ jobs: z.number().int(), total: z.number().int(), reviewed: z.number().int() }),
});
export const TeamProgressSchema = z.object({
  jobs: z.array(JobProgressSchema),
  people: z.array(PersonProgressSchema),
  totals: z.object({ jobs: z.number().int(), units: z.number().int(), done: z.number().int(), accepted: z.number().int() }),
});
const LeaseAnswerSchema = z.object({ granted: z.boolean(), lease: TeamLease, heartbeatMs: z.number().int(), ttlMs: z.number().int() });

const teamMethods = {
  /** A manager splits items, a sequence's frames, or a filter's items into new open jobs. */
  'work.split': { input: WorkSplitInput, output: z.object({ jobs: z.array(TeamJob) }) },
  'work.list': { input: z.object({}), output: z.object({ jobs: z.array(TeamJob) }) },
  /** Jobs assigned to me (annotator), rejected ones first. */
  'work.mine': { input: z.object({ who: WhoInput }), output: z.object({ jobs: z.array(TeamJob) }) },
  /** The reviewer's queue: submitted jobs for me, oldest submission first. */
  'work.queue': { input: z.object({ who: WhoInput }), output: z.object({ jobs: z.array(TeamJob) }) },
  /** Set or clear (null) a job's annotator and reviewer (managers). */
  'work.assign': {
    input: z.object({ job: JobIdInput, annotator: z.string().min(1).max(200).nullable().optional(), reviewer: z.string().min(1).max(200).nullable().optional(), who: WhoInput }),
    output: z.object({ job: TeamJob }),
  },
  'work.delete': { input: z.object({ job: JobIdInput, who: WhoInput }), output: z.object({ ok: z.literal(true) }) },
  'work.start': { input: z.object({ job: JobIdInput, who: WhoInput }), output: z.object({ job: TeamJob }) },
  /** The annotator hands the job in: its items go to submitted (review workflow), then the job. */
  'work.submit': { input: z.object({ job: JobIdInput, who: WhoInput }), output: z.object({ job: TeamJob }) },
  /** The reviewer sends it back: items with open issues (or all) rejected with the note. */
  'work.reject': { input: z.object({ job: JobIdInput, note: z.string().min(1).max(4000), who: WhoInput }), output: z.object({ job: TeamJob, rejectedItems: z.array(z.string()) }) },
  'work.accept': { input: z.object({ job: JobIdInput, force: z.boolean().optional(), who: WhoInput }), output: z.object({ job: TeamJob }) },
  /** The next item of a job to open: not done, not being edited by someone else; null when none. */
  'work.next': {
    input: z.object({ job: JobIdInput, after: ItemIdInput.optional(), who: WhoInput }),
    output: z.object({ next: z.object({ itemId: z.string(), frames: z.tuple([z.number().int(), z.number().int()]).optional() }).nullable() }),
  },
  /** Items done / total per job and per person. */
  'work.progress': { input: z.object({}), output: TeamProgressSchema },
  /** Take, renew (heartbeat) or take over an expired lease; `granted: false` names the holder. */
  'lease.acquire': { input: z.object({ itemId: ItemIdInput, who: WhoInput }), output: LeaseAnswerSchema },
  'lease.release': { input: z.object({ itemId: ItemIdInput, who: WhoInput }), output: z.object({ released: z.boolean() }) },
  'lease.get': { input: z.object({ itemId: ItemIdInput }), output: z.object({ lease: TeamLease.nullable() }) },
  /** Say which item I am on (null: none), or that I left; answers who is where. */
  'presence.update': {
    input: z.object({ itemId: ItemIdInput.nullable(), mode: z.enum(['edit', 'view']).default('view'), gone: z.boolean().optional(), who: WhoInput }),
    output: z.object({ people: z.array(PresenceSchema) }),
  },
  'presence.list': { input: z.object({}), output: z.object({ people: z.array(PresenceSchema) }) },
} as const;

/** name -> {input, output}. Add methods here; both hosts and the client pick them up. */
/** Training (issue #17): the shapes of core/training/job.ts on the wire. */
export const ValidationMetricsSchema = z
  .object({ primary: z.object({ name: z.string(), value: z.number() }), precision: z.number().optional(), recall: z.number().optional(), n: z.number() })
  .catchall(z.union([z.number(), z.object({ name: z.string(), value: z.number() })]).optional());
export const ModelVersionSchema = z.object({
  version: z.number().int().positive(),
  createdAt: z.string(),
  task: z.enum(TRAINING_TASKS),
  backend: z.enum(TRAINING_BACKENDS),
  metrics: ValidationMetricsSchema,
  snapshotId: z.string(),
  dir: z.string(),
  /** What the version was compared with when it was installed (the promoted version or the built-in base, on the same split). */
  comparedWith: z.object({ label: z.string(), metrics: ValidationMetricsSchema }).optional(),
});
export const ModelVersionsSchema = z.object({
  modelId: z.string(),
  /** The version pre-labelling uses; null = the built-in / imported base model. */
  promoted: z.number().int().positive().nullable(),
  versions: z.array(ModelVersionSchema),
  /** Earlier promoted versions, most recent last (Roll back returns to the last one). */
  history: z.array(z.number().int().positive().nullable()).default([]),
});
export const TrainingProgressSchema = z.object({
  phase: z.enum(['snapshot', 'train', 'evaluate', 'export', 'install']),
  fraction: z.number(),
  epoch: z.number().optional(),
  epochs: z.number().optional(),
  metrics: z.record(z.string(), z.number()).optional(),
  message: z.string().optional(),
});
const ModelIdInput = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a model id');

export const contract = {
  'app.info': {
    input: z.object({}),
    output: z.object({
      version: z.string(),
      host: z.enum(['electron', 'headless']),
      platform: z.string(),
      canPickFolders: z.boolean(),
    }),
  },
  /** Desktop only: open a team server (`datum serve --accounts`, https unless loopback) in its own sandboxed window. */
  'app.connectTeamServer': { input: z.object({ url: z.string().min(1).max(2048) }), output: z.object({ url: z.string() }) },
  'project.current': { input: z.object({}), output: ProjectInfo.nullable() },
  /** Open an existing project folder (one with datum.json) the user picked or opened before. */
  'project.open': { input: z.object({ path: PathInput }), output: ProjectInfo },
  /** Make a project over a dataset folder, indexing it in place; copies nothing. */
  'project.create': {
    input: z.object({ path: PathInput, name: z.string().min(1).max(200).optional() }),
    output: ProjectInfo,
  },
  /** Generate the built-in demo project (or reuse it) and open it. */
  'project.openDemo': { input: z.object({}), output: ProjectInfo },
  /** Native folder picker; only the desktop host has one. Returns null when cancelled. */
  'project.pickFolder': { input: z.object({}), output: z.object({ path: z.string().nullable() }) },
  /** The user consents to reading these outside sources (stored per project in userData). */
  'project.grantSources': { input: z.object({ ids: z.array(z.string().min(1).max(256)).min(1).max(100) }), output: ProjectInfo },
  /** Withdraw a stored source grant. */
  'project.revokeSource': { input: z.object({ id: z.string().min(1).max(256) }), output: ProjectInfo },
  'project.close': { input: z.object({}), output: z.object({ ok: z.literal(true) }) },
  'project.updateOntology': { input: z.object({ ontology: Ontology }), output: ProjectInfo },
  'project.updateSettings': { input: z.object({ settings: ProjectSettings }), output: ProjectInfo },
  /** Rescan the sources; items appear as they are found. */
  'index.refresh': {
    input: z.object(JobInput),
    output: z.object({ items: z.number().int(), added: z.number().int(), removed: z.number().int(), changed: z.number().int() }),
  },
  'items.list': {
    input: ListItemsInput,
    output: z.object({ total: z.number().int(), items: z.array(ItemSummary) }),
  },
  'items.get': { input: z.object({ id: z.string().min(1).max(64) }), output: ItemSummary },
  'annotations.load': { input: z.object({ itemId: z.string().min(1).max(64) }), output: ItemDocument },
  'annotations.save': {
    /**
     * `author` (the local profile's name) stamps new and changed objects with who and when.
     * `baseRevision`: the document revision the edit started from; when the file has moved on
     * since, the save is refused with CONFLICT and nothing is written (the editor merges and saves
     * again). Without it the save merges review fields only (older clients, scripts).
     */
    input: z.object({
      itemId: z.string().min(1).max(64),
      document: ItemDocument,
      author: z.string().max(120).optional(),
      baseRevision: z.number().int().nonnegative().optional(),
    }),
    output: z.object({ savedAt: z.number(), revision: z.number().int() }),
  },
  /**
   * Size of an image item read from its header (nothing decoded) and the levels of its tile
   * pyramid served at /blob/tile/<itemId>/<level>/<x>/<y> (level 0 full resolution, each next one
   * half the size; tiles of tileSize px). The viewer tiles images larger than 4096 px on a side.
   */
  'image.info': {
    input: z.object({ itemId: ItemIdInput }),
    output: z.object({
      width: z.number().int().positive(),
      height: z.number().int().positive(),
      levels: z.number().int().positive(),
      tileSize: z.number().int().positive(),
      /** A GeoTIFF's bands and georeferencing (docs/remote-sensing.md); always shown tiled. */
      geo: z
        .object({
          width: z.number().int(),
          height: z.number().int(),
          bands: z.number().int(),
          bitsPerSample: z.number().int(),
          sampleFormat: z.number().int(),
          nodata: z.number().nullable(),
          overviews: z.number().int(),
          tiled: z.boolean(),
          /** GDAL order: [x0, dx/dcol, dx/drow, y0, dy/dcol, dy/drow], from the pixel grid's top-left corner. */
          geotransform: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]),
          epsg: z.number().int().nullable(),
          crsSupported: z.boolean(),
          resolution: z.tuple([z.number(), z.number()]),
        })
        .optional(),
      /** A region item (geo.split): its window in the parent image; geo.geotransform is already the region's. */
      region: RegionOf.optional(),
    }),
  },
  /** The data range [drawn 0, drawn full] of each displayed channel (palette: one) under the project's display: the legend. */
  'geo.displayRanges': {
    /** `display`: the one being drawn (the renderer's latest pick); absent = the project's saved one. */
    input: z.object({ itemId: ItemIdInput, display: RasterDisplaySettings.optional() }),
    output: z.object({ key: z.string(), ranges: z.array(z.tuple([z.number(), z.number()])) }),
  },
  /**
   * Split a GeoTIFF item into region items (windows of it, no pixel copy), each with its own
   * annotation document, review status and assignee (round robin over `assignees`).
   * Sizes in pixels, or metres (converted with the ground resolution).
   */
  'geo.split': {
    input: z.object({
      itemId: ItemIdInput,
      spec: z.discriminatedUnion('mode', [
        z.object({ mode: z.literal('grid'), cols: z.number().int().min(1).max(100), rows: z.number().int().min(1).max(100), overlap: z.number().min(0).max(1e6).default(0) }),
        z.object({ mode: z.literal('size'), width: z.number().positive(), height: z.number().positive(), unit: z.enum(['px', 'm']).default('px'), overlap: z.number().min(0).max(1e6).default(0) }),
      ]),
      assignees: z.array(z.string().min(1).max(200)).max(1000).optional(),
    }),
    output: z.object({ regions: z.array(ItemSummary) }),
  },
  /**
   * The project's other GeoTIFFs whose footprints overlap this one, for a before / after view:
   * co-registered = same CRS and geotransform and size (drawn pixel on pixel); otherwise resampled
   * through map coordinates (an affine from the other grid onto this one).
   */
  'geo.compareCandidates': {
    input: z.object({ itemId: ItemIdInput }),
    output: z.object({
      items: z.array(
        z.object({
          itemId: z.string(),
          name: z.string(),
          coregistered: z.boolean(),
          /** The other image's pixel -> this image's pixel, [a, b, c, d, e, f]: x' = a + b·x + c·y, y' = d + e·x + f·y. */
          toPrimary: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]),
          /** Share of this image's footprint the other one covers (0..1). */
          overlap: z.number(),
        }),
      ),
    }),
  },
  /**
   * Write the item's labels (boxes, rotated boxes, polygons, polylines, points) as GeoJSON in WGS 84
   * lon/lat (RFC 7946) into <project>/exports/, reprojected from the GeoTIFF's CRS.
   */
  'geo.exportGeoJson': {
    input: z.object({ itemId: ItemIdInput }),
    output: z.object({ path: z.string(), features: z.number().int(), skipped: z.number().int() }),
  },
  /**
   * Write the item's labels in a map or oriented-box format into <project>/exports/
   * (docs/remote-sensing.md): `geojson` (WGS 84), `shapefile` (the image's CRS, or WGS 84 with
   * crs: 'wgs84'; a folder of layers with .prj), `dota`, `yolo-obb` (a folder: data.yaml + labels/),
   * `coco-obb` (bbox = [cx, cy, w, h, angle°]). GeoPackage is not offered (no offline writer).
   */
  'geo.export': {
    input: z.object({
      itemId: ItemIdInput,
      format: z.enum(['geojson', 'shapefile', 'dota', 'yolo-obb', 'coco-obb']),
      crs: z.enum(['image', 'wgs84']).default('image'),
    }),
    output: z.object({ format: z.string(), path: z.string(), files: z.array(z.string()), written: z.number().int(), skipped: z.number().int() }),
  },
  /**
   * Read labels from a file (path relative to the project, or absolute inside it) onto the item,
   * reprojected onto the image; the format is detected from the name and content when not given.
   * All or nothing; importing the same file again adds nothing.
   */
  'geo.import': {
    input: z.object({ itemId: ItemIdInput, path: PathInput, format: z.enum(['geojson', 'shapefile', 'dota', 'yolo-obb', 'coco-obb']).optional() }),
    output: z.object({
      format: z.string(),
      objects: z.number().int(),
      added: z.number().int(),
      updated: z.number().int(),
      unchanged: z.number().int(),
      labelsAdded: z.array(z.string()),
    }),
  },
  /** Decode a DICOM series / NIfTI item on the host and cache its voxels for /blob/volume/<itemId>. */
  'medical.open': { input: z.object({ itemId: ItemIdInput }), output: VolumeHeader },
  'medical.loadLabelmap': { input: z.object({ itemId: ItemIdInput }), output: LabelmapPayload },
  'medical.saveLabelmap': {
    input: z.object({ itemId: ItemIdInput, segments: z.array(MedicalSegment).max(255), runs: z.string().max(200 * 1024 * 1024) }),
    output: z.object({ savedAt: z.number() }),
  },
  /** Write the saved label map as DICOM SEG into <project>/exports/. */
  /** `retainUids` (with `deidentify`): keep the study/series/instance UIDs (Retain UIDs option, code 113110). */
  'medical.exportSeg': { input: z.object({ itemId: ItemIdInput, deidentify: z.boolean().default(false), retainUids: z.boolean().default(false) }), output: ExportResult },
  /** Write the saved label map as a NIfTI label volume into <project>/exports/. */
  'medical.exportNifti': { input: z.object({ itemId: ItemIdInput }), output: ExportResult },
  /** Read a DICOM SEG (path relative to the project, or absolute inside it) onto the item's volume. */
  'medical.importSeg': {
    input: z.object({ itemId: ItemIdInput, path: PathInput }),
    output: LabelmapPayload.extend({ warnings: z.array(z.string()) }),
  },
  /** Write the saved label map as an RT Structure Set (closed planar contours per segment) into <project>/exports/. */
  'medical.exportRtstruct': { input: z.object({ itemId: ItemIdInput, deidentify: z.boolean().default(false), retainUids: z.boolean().default(false) }), output: ExportResult },
  /** Rasterise an RTSTRUCT's closed planar contours (path relative to the project) onto the item's volume as segments. */
  'medical.importRtstruct': {
    input: z.object({ itemId: ItemIdInput, path: PathInput }),
    output: LabelmapPayload.extend({ warnings: z.array(z.string()) }),
  },
  /** Read a NIfTI label volume with the item's dims. */
  'medical.importNifti': {
    input: z.object({ itemId: ItemIdInput, path: PathInput }),
    output: LabelmapPayload.extend({ warnings: z.array(z.string()) }),
  },
  /**
   * The DICOM header of one file of a DICOM item (`index` into the item's files, sorted by name):
   * every element with keyword, VR and formatted value, sequences expanded. Identifying values
   * (names, IDs, dates: the confidentiality profile's rows) are empty unless `reveal`.
   */
  'medical.tags': {
    input: z.object({ itemId: ItemIdInput, index: z.number().int().nonnegative().default(0), reveal: z.boolean().default(false) }),
    output: z.object({
      file: z.string(),
      index: z.number().int(),
      count: z.number().int(),
      truncated: z.number().int(),
      rows: z.array(
        z.object({ tag: z.string(), keyword: z.string(), vr: z.string(), length: z.number(), value: z.string(), depth: z.number().int(), identifying: z.boolean() }),
      ),
    }),
  },
  'jobs.cancel': { input: z.object(JobInput), output: z.object({ cancelled: z.boolean() }) },
  /** The model library: project, user and app models, with the execution provider in use. */
  'models.list': {
    input: z.object({}),
    output: z.object({
      models: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          task: z.string(),
          adapter: z.string(),
          source: z.string(),
          classes: z.number(),
          classNames: z.array(z.string()),
          provider: z.string().nullable(),
          providers: z.array(z.string()),
          license: z.string().optional(),
          /** The trained version in use (project model library), absent for the base model. */
          version: z.number().int().optional(),
          /** accept2d: the promoted acceptance model filtering this detector's predictions. */
          acceptanceVersion: z.number().int().optional(),
        }),
      ),
      problems: z.array(z.object({ path: z.string(), message: z.string() })),
      /** ONNX Runtime intra-op threads per session, decided from the cores (main/services/inference/threads.ts). */
      threads: z.number().int().min(1).optional(),
      cores: z.number().int().min(1).optional(),
    }),
  },
  /** Copy an ONNX model into the project's models/ folder (the path must be one the user may open). */
  'models.import': {
    input: z.object({
      path: PathInput,
      preset: z.string().max(32).optional(),
      classesPath: PathInput.optional(),
      id: z.string().max(64).optional(),
      /** A partial manifest, deep-merged onto the preset. */
      manifest: z.record(z.string(), z.unknown()).optional(),
      /** Only plan and check: copy nothing, run the model on a sample image of the project. */
      dryRun: z.boolean().optional(),
      /** The image item the sample check runs on (default: the project's first image). */
      sampleItemId: ItemIdInput.optional(),
    }),
    output: ImportPlanOutput,
  },
  /** What a library model's ONNX graph declares: input and output names, element types, shapes (-1 = dynamic). */
  'models.graph': {
    input: z.object({ modelId: z.string().min(1).max(64) }),
    output: z.object({ inputs: z.array(IoInfoOutput), outputs: z.array(IoInfoOutput) }),
  },
  /** Training back ends, the tasks each can train and whether it can run here (a `command` back end needs its trainer installed). */
  'training.backends': {
    input: z.object({}),
    output: z.object({ backends: z.array(z.object({ kind: z.enum(TRAINING_BACKENDS), tasks: z.array(z.enum(TRAINING_TASKS)), available: z.boolean(), reason: z.string().optional() })) }),
  },
  /**
   * Train a new version of a model from the open project's labels (a long job: `training.progress`
   * and `job.progress` events, `jobs.cancel`). The new version is installed atomically under
   * `models/<modelId>/versions/<n>/` and promoted when it beats the current one on the validation
   * split (`promote: 'auto'`), or always / never. A cancelled or failed job leaves the library as it was.
   */
  'training.start': {
    input: z.object({
      ...JobInput,
      task: z.enum(TRAINING_TASKS),
      backend: z.enum(TRAINING_BACKENDS).default('local'),
      /** detect3d: `proposals3d` (default); accept2d: the 2D detector whose predictions were reviewed (default: the one with most reviewed predictions). */
      modelId: ModelIdInput.optional(),
      itemIds: z.array(z.string().max(64)).max(100_000).optional(),
      valFraction: z.number().min(0.05).max(0.8).optional(),
      seed: z.number().int().optional(),
      promote: z.enum(['auto', 'always', 'never']).default('auto'),
      /** Back-end options (command template, ssh host ...), checked by the back end. */
      options: z.record(z.string(), z.unknown()).optional(),
    }),
    output: z.object({
      modelId: z.string(),
      version: ModelVersionSchema,
      promoted: z.boolean(),
      /** Why it was (not) promoted, in words. */
      reason: z.string(),
      versions: ModelVersionsSchema,
    }),
  },
  /** Every trained model of the project with its versions (or one model's). */
  'training.versions': {
    input: z.object({ modelId: ModelIdInput.optional() }),
    output: z.object({ models: z.array(ModelVersionsSchema) }),
  },
  /** Make a version the one pre-labelling uses (the user insists, whatever its metrics). */
  'training.promote': {
    input: z.object({ modelId: ModelIdInput, version: z.number().int().positive() }),
    output: ModelVersionsSchema,
  },
  /** Back to the version promoted before this one (or to `version`; null = the built-in / imported base). */
  'training.rollback': {
    input: z.object({ modelId: ModelIdInput, version: z.number().int().positive().nullable().optional() }),
    output: ModelVersionsSchema,
  },
  /** Pre-label image items with a model; resumable (items it already labelled are skipped). */
  'prelabel.run': {
    input: z.object({ ...JobInput, modelId: z.string().min(1).max(64), itemIds: z.array(z.string().max(64)).max(100_000).optional() }),
    output: z.object({ items: z.number(), skipped: z.number(), predictions: z.number(), known: z.number().optional(), failed: z.array(z.object({ item: z.string(), error: z.string() })) }),
  },
  /** Run a promptable-segment (SAM) model's encoder on an image item once; the host caches the embedding. */
  'sam.embed': {
    input: z.object({ itemId: ItemIdInput, modelId: z.string().min(1).max(64) }),
    output: z.object({ width: z.number(), height: z.number() }),
  },
  /** Segment an image item from clicks (label 1 = object, 0 = background) and/or a box, in image pixels. */
  'sam.segment': {
    input: z.object({
      itemId: ItemIdInput,
      modelId: z.string().min(1).max(64),
      points: z.array(z.object({ x: z.number().finite(), y: z.number().finite(), label: z.union([z.literal(0), z.literal(1)]) })).max(64).default([]),
      box: z.tuple([z.number().finite(), z.number().finite(), z.number().finite(), z.number().finite()]).optional(),
    }),
    output: z.object({
      label: z.string(),
      score: z.number(),
      polygon: z.array(z.number()),
      mask: z.object({ size: z.tuple([z.number(), z.number()]), counts: z.array(z.number()) }),
      box: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional(),
    }),
  },
  /** Model predictions not yet accepted, for the review strip (first `limit` items that have any). */
  'review.pending': {
    input: z.object({ limit: z.number().int().positive().max(5000).default(500) }),
    output: z.object({ items: z.array(z.object({ itemId: z.string(), name: z.string(), objects: z.array(AnnotationObject) })) }),
  },
  /** QA checks over the project (or some items), with the project's qa.json or the defaults. */
  'qa.run': {
    input: z.object({ ...JobInput, itemIds: z.array(ItemIdInput).max(100_000).optional() }),
    output: z.object({ items: z.number().int(), findings: z.array(QaFinding), warnings: z.array(z.string()) }),
  },
  /** Move an item through the review workflow as a local profile (core/review rules). */
  'review.transition': {
    input: z.object({ itemId: ItemIdInput, to: ItemStatus, profile: Profile, note: z.string().max(4000).optional(), force: z.boolean().optional() }),
    output: z.object({ document: ItemDocument }),
  },
  /** Pin an issue marker to the item, a frame, an object (or track), a 3D point or a 2D region. */
  'review.addIssue': {
    input: z.object({
      itemId: ItemIdInput,
      author: AuthorInput,
      text: z.string().min(1).max(4000),
      frame: z.number().int().nonnegative().optional(),
      objectId: z.string().max(128).optional(),
      point3d: Vec3Schema.optional(),
      region2d: z.object({ x1: z.number(), y1: z.number(), x2: z.number(), y2: z.number() }).optional(),
      check: z.string().max(64).optional(),
    }),
    output: z.object({ document: ItemDocument, issueId: z.string() }),
  },
  'review.commentIssue': {
    input: z.object({ itemId: ItemIdInput, issueId: z.string().min(1).max(64), author: AuthorInput, text: z.string().min(1).max(4000) }),
    output: z.object({ document: ItemDocument }),
  },
  'review.resolveIssue': {
    input: z.object({ itemId: ItemIdInput, issueId: z.string().min(1).max(64), author: AuthorInput, text: z.string().max(4000).optional() }),
    output: z.object({ document: ItemDocument }),
  },
  'review.reopenIssue': {
    input: z.object({ itemId: ItemIdInput, issueId: z.string().min(1).max(64), author: AuthorInput, text: z.string().max(4000).optional() }),
    output: z.object({ document: ItemDocument }),
  },
  /** Submitted items in the order a reviewer should take them. */
  /** `unreadable`: annotation files that could not be read (file: problem); those items are left out. */
  'review.queue': { input: z.object({}), output: z.object({ items: z.array(QueueRow), unreadable: z.array(z.string()).default([]) }) },
  /** Objects, items, rejection rate and open issues per annotator and per label. */
  'review.metrics': {
    input: z.object({}),
    output: z.object({
      annotators: z.array(MetricsRow),
      labels: z.array(MetricsRow),
      totals: z.object({
        items: z.number(),
        objects: z.number(),
        reviews: z.number(),
        rejections: z.number(),
        openIssues: z.number(),
        byStatus: z.record(z.string(), z.number()),
      }),
      /** Annotation files that could not be read (file: problem); their items are not counted. */
      unreadable: z.array(z.string()).default([]),
    }),
  },
  ...teamMethods,

  ...packageContract,
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;
export const METHOD_NAMES = Object.keys(contract) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** Events the host pushes to the renderer. */
export const events = {
  'job.progress': z.object({ jobId: z.string(), done: z.number(), total: z.number().nullable(), phase: z.string() }),
  'project.changed': z.object({ reason: z.string() }),
  /** A training job's progress (phase, fraction, epoch, live metrics such as loss and validation precision / recall). */
  'training.progress': z.object({ jobId: z.string(), progress: TrainingProgressSchema }),
  /** An item's annotation document was written (by any connection, an import or pre-labelling). */
  'item.changed': z.object({ itemId: z.string(), revision: z.number().int(), status: z.string() }),
  /** Who is on which item changed (any host of the team). */
  'presence.changed': z.object({ people: z.array(PresenceSchema) }),
  /** An item's lease was taken (holder) or released (null), by any host of the team. */
  'lease.changed': z.object({ itemId: z.string(), holder: z.string().nullable() }),
  /** A job was made, assigned, moved or deleted (any host of the team). */
  'work.changed': z.object({ jobId: z.string() }),
} as const;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

export const ErrorCode = z.enum([
  'BAD_REQUEST',
  'NOT_FOUND',
  'FORBIDDEN',
  'NO_PROJECT',
  'CONFLICT',
  'CANCELLED',
  'BAD_FILE',
  'UNSUPPORTED',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;
export interface RpcErrorShape {
  code: ErrorCode;
  message: string;
}

/** The wire envelope, identical in both hosts. */
export interface RpcRequest {
  id: number;
  method: string;
  params: unknown;
}
export type RpcResponse = { id: number; result: unknown } | { id: number; error: RpcErrorShape };
export interface RpcEvent {
  event: EventName;
  data: unknown;
}
