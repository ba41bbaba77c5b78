import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, found from this file's location (tests/helpers/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The real sample data lives beside the repository, never inside it (see shared/data/README.md). */
export const SHARED_DATA = resolve(REPO_ROOT, '../shared/data');
export const HAS_SHARED_DATA = existsSync(SHARED_DATA);
export const SKIP_MESSAGE = `real sample data not found at ${SHARED_DATA}; skipping`;

/** The sample sets the tests read (shared/data/README.md); each gates its tests' skips. */
export const SHARED_DATA_SETS = ['kitti', 'kitti-tracking-0001', 'nuscenes', 'sustech', 'pcd', 'ply', 'las', 'dicom', 'nifti', 'images', 'video', 'models'];

/**
 * Real-data tests skip when ../shared/data is absent, which is right on a laptop and wrong in CI:
 * there a missing folder would turn the run green while testing nothing real. With `CI` set (any
 * value but "" / "0" / "false") a missing set is an error for the whole run; returns the message
 * or null. Used by the vitest and Playwright global setups (sharedDataGate.ts).
 */
export function sharedDataProblem(env: NodeJS.ProcessEnv, dir = SHARED_DATA): string | null {
  const ci = (env.CI ?? '').trim().toLowerCase();
  if (ci === '' || ci === '0' || ci === 'false') return null;
  const missing = SHARED_DATA_SETS.filter((set) => !existsSync(join(dir, set)));
  if (missing.length === 0) return null;
  return `CI is set but the real sample data is missing at ${dir} (${missing.join(', ')}): real-data tests would be skipped. Put ../shared/data beside the checkout.`;
}
