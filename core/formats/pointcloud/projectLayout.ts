/**
 * Parse options for a cloud of a project: a sequence that declares its `pointFormat` in
 * sequence.json (`kitti-bin`, `nuscenes-bin`) is read that way; otherwise a `.bin` file (not
 * nuScenes' `.pcd.bin`) is read with the project's `binLayout` setting when one is set, else as
 * KITTI. Shared by the LiDAR editor and the host services (QA, 3D proposals, SemanticKITTI export),
 * so every part reads a file the same way.
 */
import { KITTI_LAYOUT, NUSCENES_LAYOUT } from './bin';
import { parseBinLayoutSpec } from './binLayout';
import type { ParseOptions } from './types';

export function isPlainBin(fileName: string): boolean {
  return /\.bin$/i.test(fileName) && !/\.pcd\.bin$/i.test(fileName);
}

/** Throws BinLayoutError when the setting does not parse (the host refuses to save such a setting). */
export function projectCloudOptions(binLayout: string | undefined, fileName: string): Pick<ParseOptions, 'binLayout'> {
  return binLayout?.trim() && isPlainBin(fileName) ? { binLayout: parseBinLayoutSpec(binLayout) } : {};
}

/** The layout a sequence declares for its frames (sequence.json `pointFormat`), if any. */
export function declaredLayout(pointFormat: string | undefined): Pick<ParseOptions, 'binLayout'> | null {
  if (pointFormat === 'kitti-bin') return { binLayout: KITTI_LAYOUT };
  if (pointFormat === 'nuscenes-bin') return { binLayout: NUSCENES_LAYOUT };
  return null;
}

/** Options for one cloud file: the sequence's declared format first, then the project's layout. */
export function cloudParseOptions(project: { binLayout?: string }, pointFormat: string | undefined, fileName: string): Pick<ParseOptions, 'binLayout'> {
  return declaredLayout(pointFormat) ?? projectCloudOptions(project.binLayout, fileName);
}
