/**
 * The renderer's working store (IndexedDB via Dexie): recent projects, preferences, drafts of
 * annotation documents and the edit journal. The project folder on disk stays the source of
 * truth; this is what lets a killed renderer or host come back without losing committed edits.
 * Records are per document, not per object: IndexedDB is slow per record.
 */
import Dexie, { type Table } from 'dexie';
import type { ItemDocument } from '../../core/document/schema';

export interface RecentProject {
  path: string;
  name: string;
  openedAt: number;
}

/** The newest unsaved state of one item's document; deleted once the host confirms the save. */
export interface Draft {
  key: string; // `${projectPath}\n${itemId}`
  projectPath: string;
  itemId: string;
  document: ItemDocument;
  /** Journal sequence number of the last edit folded into this draft. */
  seq: number;
  /** Host revision of the document these edits started from (a later one on disk means: merge). */
  baseRevision?: number;
  updatedAt: number;
}

/** One committed edit (a plain-data diff), kept until the host has saved it. */
export interface JournalEntry {
  seq?: number;
  projectPath: string;
  itemId: string;
  label: string;
  diff: unknown;
  at: number;
}

export class DatumDB extends Dexie {
  recents!: Table<RecentProject, string>;
  prefs!: Table<{ key: string; value: unknown }, string>;
  drafts!: Table<Draft, string>;
  journal!: Table<JournalEntry, number>;

  constructor(name = 'datum') {
    super(name);
    this.version(1).stores({
      recents: 'path, openedAt',
      prefs: 'key',
      drafts: 'key, projectPath',
      journal: '++seq, [projectPath+itemId]',
    });
  }
}

export const db = new DatumDB();

export async function rememberProject(path: string, name: string): Promise<void> {
  await db.recents.put({ path, name, openedAt: Date.now() });
  const all = await db.recents.orderBy('openedAt').reverse().toArray();
  await db.recents.bulkDelete(all.slice(12).map((r) => r.path));
}

export async function recentProjects(): Promise<RecentProject[]> {
  return db.recents.orderBy('openedAt').reverse().toArray();
}

export async function getPref<T>(key: string, fallback: T): Promise<T> {
  const row = await db.prefs.get(key);
  return row ? (row.value as T) : fallback;
}

export async function setPref(key: string, value: unknown): Promise<void> {
  await db.prefs.put({ key, value });
}
