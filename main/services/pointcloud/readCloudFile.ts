/**
 * Reads and parses a point-cloud file on the host. A file that cannot be read becomes a
 * PointCloudError naming it (code 'io'), like every parse problem, so callers handle one error type.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parsePointCloud, PointCloudError, type ParseOptions, type PointCloud } from '../../../core/formats/pointcloud';

export async function readCloudFile(path: string, options: ParseOptions = {}): Promise<PointCloud> {
  const fileName = basename(path);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new PointCloudError(fileName, `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'io');
  }
  return parsePointCloud(bytes, fileName, options);
}
