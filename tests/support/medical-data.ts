/**
 * Location of the shared real-data samples for tests and benches: `../shared/data` beside the
 * repository root (never an absolute path; CI clones elsewhere with shared/ next to it).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DATA = fileURLToPath(new URL('../../../shared/data', import.meta.url));
export const HAS_DATA = existsSync(join(DATA, 'dicom')) && existsSync(join(DATA, 'nifti'));
export const SKIP_REASON = `shared sample data not found at ${DATA}; medical data tests skipped`;

export function readBytes(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(join(DATA, ...parts)));
}

/** Every file under a folder (recursive), as names relative to it plus bytes. */
export function readFolder(...parts: string[]): { name: string; bytes: Uint8Array }[] {
  const root = join(DATA, ...parts);
  const out: { name: string; bytes: Uint8Array }[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(root, rel))) {
      const relPath = rel ? `${rel}/${entry}` : entry;
      if (statSync(join(root, relPath)).isDirectory()) walk(relPath);
      else out.push({ name: relPath, bytes: new Uint8Array(readFileSync(join(root, relPath))) });
    }
  };
  walk('');
  return out;
}
