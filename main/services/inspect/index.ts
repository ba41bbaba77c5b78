/**
 * `datum inspect`: dispatch on what the path is. Each modality's inspector lives beside this file.
 */
import type { BinLayout } from '../../../core/formats/pointcloud';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { DatumError } from '../../rpc/errors';
import { modalityOf } from '../modality';
import { inspectMedical } from './medical';
import { inspectPointCloud } from './pointcloud';
import { inspectVideo } from './video';
import { PointCloudError } from '../../../core/formats/pointcloud';

/** Point-cloud options: `binLayout` for a headerless .bin (see binLayout.ts), `dropNaN` to leave out non-finite points. */
export async function inspectPath(p: string, options: { binLayout?: BinLayout; dropNaN?: boolean } = {}): Promise<Record<string, unknown>> {
  const st = await fs.stat(p).catch(() => null);
  if (!st) throw new DatumError('NOT_FOUND', `${p}: no such file or folder`);
  const modality = st.isDirectory() ? null : modalityOf(p);
  if (st.isDirectory() || modality === 'dicom' || modality === 'nifti') {
    return (await inspectMedical(p)) as unknown as Record<string, unknown>;
  }
  if (modality === 'image') {
    try {
      const m = await sharp(p).metadata();
      return { format: m.format, modality: 'image', width: m.width, height: m.height, channels: m.channels, size: st.size };
    } catch (err) {
      throw new DatumError('BAD_FILE', `${path.basename(p)}: not a readable image (${(err as Error).message})`);
    }
  }
  if (modality === 'pointcloud') {
    try {
      return { modality: 'pointcloud', ...(await inspectPointCloud(p, options)) };
    } catch (err) {
      if (err instanceof PointCloudError) throw new DatumError('BAD_FILE', err.message);
      throw err;
    }
  }
  if (modality === 'video') return { ...(await inspectVideo(p)) };
  throw new DatumError('UNSUPPORTED', `${path.basename(p)}: inspect does not know this kind of file yet`);
}
