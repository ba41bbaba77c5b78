/**
 * datum.json: the project manifest. Versioned; older versions migrate forward step by step when
 * read, and are written back (atomically) in the current version only when the project is saved.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { Ontology } from '../../core/document/schema';
import { ProjectSettings, SourceSpec } from '../../preload/contract';
import { DatumError } from '../rpc/errors';
import { formatZodError } from '../rpc/router';
import { atomicWriteJson } from './atomicWrite';

export const PROJECT_FILE = 'datum.json';
export const PROJECT_SCHEMA_VERSION = 2;

export const ProjectFile = z.object({
  schemaVersion: z.literal(PROJECT_SCHEMA_VERSION),
  name: z.string().min(1),
  ontology: Ontology,
  sources: z.array(SourceSpec).min(1),
  settings: ProjectSettings.default({}),
  createdAt: z.number().optional(),
  /**
   * A team project: documents, ontology, settings and records live in this PostgreSQL database
   * (postgres://user@host/db; a password is better given as PGPASSWORD than written here), while
   * the items stay in the sources, on a path every host mounts. Absent: the folder holds everything.
   */
  database: z.string().optional(),
});
export type ProjectFile = z.infer<typeof ProjectFile>;

type Json = Record<string, unknown>;

/**
 * Migrations from version N to N+1. Version 1 was the pre-release layout: a flat `labels` list of
 * {name, color} and a single `dataset` path.
 */
const migrations: Record<number, (doc: Json) => Json> = {
  1: (doc) => {
    const labels = Array.isArray(doc.labels) ? (doc.labels as Json[]) : [];
    return {
      schemaVersion: 2,
      name: doc.name ?? 'Untitled',
      ontology: {
        labels: labels.map((l, i) => ({
          id: slugId(String(l.name ?? `label-${i}`), i),
          name: String(l.name ?? `label ${i}`),
          color: typeof l.color === 'string' && /^#[0-9a-f]{6}$/i.test(l.color) ? l.color : defaultColor(i),
          kinds: [],
          attributes: [],
        })),
      },
      sources: [{ id: 'main', path: typeof doc.dataset === 'string' ? doc.dataset : '.' }],
      settings: {},
    };
  },
};

export function migrateProject(raw: unknown, fileForErrors: string): ProjectFile {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new DatumError('BAD_FILE', `${fileForErrors}: not a JSON object`);
  }
  let doc = raw as Json;
  let version = typeof doc.schemaVersion === 'number' ? doc.schemaVersion : typeof doc.version === 'number' ? doc.version : NaN;
  if (!Number.isInteger(version) || version < 1) {
    throw new DatumError('BAD_FILE', `${fileForErrors}: missing or invalid schemaVersion`);
  }
  if (version > PROJECT_SCHEMA_VERSION) {
    throw new DatumError(
      'UNSUPPORTED',
      `${fileForErrors}: schema version ${version} is newer than this Datum supports (${PROJECT_SCHEMA_VERSION}); update Datum to open it`,
    );
  }
  while (version < PROJECT_SCHEMA_VERSION) {
    doc = migrations[version](doc);
    version++;
  }
  const parsed = ProjectFile.safeParse(doc);
  if (!parsed.success) throw new DatumError('BAD_FILE', `${fileForErrors}: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

export async function readProjectFile(projectDir: string): Promise<ProjectFile> {
  const file = path.join(projectDir, PROJECT_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DatumError('NOT_FOUND', `${file}: no Datum project here (datum.json is missing)`);
    }
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DatumError('BAD_FILE', `${file}: invalid JSON (${(err as Error).message})`);
  }
  return migrateProject(raw, file);
}

export async function writeProjectFile(projectDir: string, project: ProjectFile): Promise<void> {
  await atomicWriteJson(path.join(projectDir, PROJECT_FILE), ProjectFile.parse(project));
}

const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#46f0f0', '#f032e6', '#bcf60c', '#008080', '#9a6324'];
export function defaultColor(i: number): string {
  return PALETTE[i % PALETTE.length];
}

export function slugId(name: string, i: number): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return slug || `label-${i}`;
}

export function defaultOntology(): z.infer<typeof Ontology> {
  return {
    labels: [
      { id: 'car', name: 'Car', color: '#4363d8', hotkey: '1', kinds: ['box2d', 'cuboid3d', 'polygon'], attributes: [
        { id: 'occluded', name: 'Occluded', type: 'bool', scope: 'frame', required: false, default: false },
        { id: 'parked', name: 'Parked', type: 'bool', scope: 'track', required: false, default: false },
      ] },
      { id: 'pedestrian', name: 'Pedestrian', color: '#e6194b', hotkey: '2', kinds: ['box2d', 'cuboid3d', 'skeleton'], attributes: [] },
      { id: 'cyclist', name: 'Cyclist', color: '#3cb44b', hotkey: '3', kinds: ['box2d', 'cuboid3d'], attributes: [] },
    ],
  };
}
