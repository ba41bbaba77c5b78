import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, found from this file's location (tests/helpers/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The real sample data lives beside the repository, never inside it (see shared/data/README.md). */
export const SHARED_DATA = resolve(REPO_ROOT, '../shared/data');
export const HAS_SHARED_DATA = existsSync(SHARED_DATA);
export const SKIP_MESSAGE = `real sample data not found at ${SHARED_DATA}; skipping`;
