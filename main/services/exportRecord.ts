/**
 * Export folders inside a project, recorded in `.datum/exports.json` (`{folders: [<path relative
 * to the project>]}`) so that the indexer does not take an export (or the images a user puts
 * beside it to make a training set) for new dataset items, and an import of the project folder
 * does not read our own output back. A cache-like file: deleting it only makes exports visible.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { atomicWriteJson } from './atomicWrite';

const FILE = '.datum/exports.json';

/** Recorded export folders, absolute. A missing or broken file means none. */
export async function exportFolders(projectDir: string): Promise<string[]> {
  try {
    const raw = JSON.parse(await fs.readFile(path.join(projectDir, FILE), 'utf8')) as { folders?: unknown };
    if (!Array.isArray(raw.folders)) return [];
    return raw.folders.filter((f): f is string => typeof f === 'string' && f !== '').map((f) => path.resolve(projectDir, f));
  } catch {
    return [];
  }
}

/**
 * Record `out` as an export folder when it lies inside the project. Not recorded (returns false):
 * a folder outside the project, the project folder itself, a folder holding a source root, or
 * one that already holds indexed items (`holdsItems`): skipping those would hide the dataset.
 */
export async function recordExportFolder(projectDir: string, sourceRoots: string[], out: string, holdsItems: (dir: string) => boolean): Promise<boolean> {
  const abs = path.resolve(out);
  const rel = path.relative(projectDir, abs);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return false;
  const within = (parent: string, child: string) => {
    const r = path.relative(parent, child);
    return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
  };
  if (sourceRoots.some((root) => within(abs, root))) return false;
  if (holdsItems(abs)) return false;
  const st = await fs.stat(abs).catch(() => null);
  if (!st?.isDirectory()) return false;
  const folders = (await exportFolders(projectDir)).map((f) => path.relative(projectDir, f).split(path.sep).join('/'));
  const relPosix = rel.split(path.sep).join('/');
  if (folders.includes(relPosix)) return true;
  await atomicWriteJson(path.join(projectDir, FILE), { folders: [...folders, relPosix].sort() });
  return true;
}

/** Whether `p` is one of `folders` or inside one. */
export function inExportFolder(folders: string[], p: string): boolean {
  return folders.some((f) => p === f || p.startsWith(f + path.sep));
}
