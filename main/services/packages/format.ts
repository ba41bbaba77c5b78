/**
 * The task package (`.datumpkg`): one zip file that carries a batch of a project to a machine that
 * is never connected, and its work back. Entries:
 *
 *   manifest.json          what the package holds (PackageManifest below), hashes of every entry
 *   manifest.sha256        sha256 (hex) of manifest.json's bytes
 *   documents/<id>.json    each item's annotation document as it is now (with its revision)
 *   base/<id>.json         the document the package's work started from (the merge's base)
 *   data/<source>/<path>   the items' files (with --with-data; absent with --references)
 *   models/<id>/...        project models needed for pre-labelling (their trained versions)
 *
 * Everything is checked before anything is written (verify.ts): manifest.sha256, then every entry
 * against the size and sha256 the manifest lists, no entry missing, none extra, no path leaving
 * its folder. The hashes detect damage and edits made outside Datum; they are not a signature.
 */
import { z } from 'zod';
import { Ontology } from '../../../core/document/schema';

export const PACKAGE_FORMAT = 'datum-package';
export const PACKAGE_FORMAT_VERSION = 1;
export const PACKAGE_EXTENSION = '.datumpkg';

export const MANIFEST_ENTRY = 'manifest.json';
export const MANIFEST_HASH_ENTRY = 'manifest.sha256';
export const documentEntry = (itemId: string) => `documents/${itemId}.json`;
export const baseEntry = (itemId: string) => `base/${itemId}.json`;
export const dataEntry = (sourceId: string, rel: string) => `data/${sourceId}/${rel}`;

/** Where an imported project keeps what it came from (the origin's base documents, for the return trip). */
export const ORIGIN_DIR = '.datum/package';
export const ORIGIN_FILE = `${ORIGIN_DIR}/origin.json`;
export const originBaseFile = (itemId: string) => `${ORIGIN_DIR}/base/${itemId}.json`;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex');
/** A relative path with forward slashes that stays inside its folder. */
export const SafeRelPath = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.includes('\0') && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..'), 'a relative path inside its folder');
const Id = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a short id');

export const EntryHash = z.object({ size: z.number().int().nonnegative(), sha256: Sha256 });

export const PackageFile = z.object({
  /** Relative to the item's source folder. */
  path: SafeRelPath,
  size: z.number().int().nonnegative(),
  sha256: Sha256,
});
export type PackageFile = z.infer<typeof PackageFile>;

export const PackageItem = z.object({
  id: z.string().regex(/^[0-9a-f]{16}$/, 'an item id'),
  source: Id,
  /** The item's path relative to its source (a file, or a folder for sequences). */
  name: SafeRelPath,
  modality: z.string(),
  /** The item's own files and its companions (calibration, camera images), relative to the source. */
  files: z.array(PackageFile),
  /** The document now (revision as stored there). Absent when the item has none. */
  document: z.object({ revision: z.number().int().nonnegative() }).optional(),
  /**
   * The document the package's work started from, as the home project had it (its revision there).
   * A package exported at home has base = document; one exported from an imported project carries
   * the origin's base, so the merge at home sees what was done offline.
   */
  base: z.object({ revision: z.number().int().nonnegative() }).optional(),
});
export type PackageItem = z.infer<typeof PackageItem>;

export const PackageModel = z.object({
  id: Id,
  /** Trained version in use (project models), absent for library models without versions. */
  version: z.number().int().positive().optional(),
  source: z.enum(['app', 'user', 'project']),
  /** sha256 of the model's ONNX file (absent for built-ins that have none, e.g. proposals3d). */
  sha256: Sha256.optional(),
  /** Package entries holding the model (project models only: `models/<id>/...`). */
  entries: z.array(SafeRelPath).default([]),
});
export type PackageModel = z.infer<typeof PackageModel>;

export const Selection = z.union([
  z.object({ kind: z.literal('job'), job: z.string(), name: z.string().optional() }),
  z.object({ kind: z.literal('items'), items: z.array(z.string()) }),
  z.object({ kind: z.literal('filter'), modality: z.array(z.string()).optional(), status: z.array(z.string()).optional(), name: z.string().optional() }),
]);
export type Selection = z.infer<typeof Selection>;

export const PackageManifest = z.object({
  format: z.literal(PACKAGE_FORMAT),
  formatVersion: z.number().int().positive(),
  /** Unique per export. */
  packageId: z.string().uuid(),
  /** The package this project was imported from (a return package), absent for a home export. */
  origin: z
    .object({
      packageId: z.string().uuid(),
      project: z.string(),
      /** The imported copy it was exported from (one per `datum package import`): its returns follow one another. */
      copyId: z.string().uuid().optional(),
    })
    .optional(),
  project: z.object({
    name: z.string().min(1),
    sources: z.array(z.object({ id: Id })),
    /** The project's settings (a cloud's record layout, class mappings ...) so the copy reads the data alike. */
    settings: z.record(z.string(), z.unknown()).optional(),
  }),
  ontology: Ontology,
  selection: Selection,
  /** The job the items belong to, when exported with --job. */
  job: z.object({ id: z.string(), name: z.string().optional() }).optional(),
  /** 'embedded': the items' files are in the package; 'references': only their hashes are. */
  data: z.enum(['embedded', 'references']),
  items: z.array(PackageItem),
  models: z.array(PackageModel).default([]),
  /** Every entry of the zip except manifest.json and manifest.sha256, with its size and hash. */
  entries: z.record(SafeRelPath, EntryHash),
  createdBy: z.string(),
  createdAt: z.number(),
  /** The Datum version that wrote it. */
  writer: z.string(),
});
export type PackageManifest = z.infer<typeof PackageManifest>;

export interface OriginRecord {
  packageId: string;
  /** This copy's own id (random, made at import). */
  copyId?: string;
  project: string;
  /** The manifest of the package the project was imported from (its ontology, job, items). */
  importedAt: number;
  job?: { id: string; name?: string };
  /** Base revisions per item, as the home project had them. */
  baseRevisions: Record<string, number>;
}
