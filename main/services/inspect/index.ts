/**
 * `datum inspect`: dispatch on what the path is. Each modality's inspector lives beside this file
 * and is imported only when the path is of its kind: inspecting a PCD must not pay for loading
 * sharp (~100 ms), mp4box or the DICOM codecs (cold start, issue #19).
 */
import type { BinLayout } from '../../../core/formats/pointcloud';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DatumError } from '../../rpc/errors';
import { modalityOf } from '../modality';

/** Point-cloud options: `binLayout` for a headerless .bin (see binLayout.ts), `dropNaN` to leave out non-finite points. */
export async function inspectPath(p: string, options: { binLayout?: BinLayout; dropNaN?: boolean } = {}): Promise<Record<string, unknown>> {
  const st = await fs.stat(p).catch(() => null);
  if (!st) throw new DatumError('NOT_FOUND', `${p}: no such file or folder`);
  const modality = st.isDirectory() ? null : modalityOf(p);
  if (st.isDirectory() || modality === 'dicom' || modality === 'nifti') {
    const { inspectMedical } = await import('./medical');
    return (await inspectMedical(p)) as unknown as Record<string, unknown>;
  }
  if (modality === 'image') {
    const { default: sharp } = await import('sharp');
    try {
      const m = await sharp(p).metadata();
      return { format: m.format, modality: 'image', width: m.width, height: m.height, channels: m.channels, size: st.size };
    } catch (err) {
      throw new DatumError('BAD_FILE', `${path.basename(p)}: not a readable image (${(err as Error).message})`);
    }
  }
  if (modality === 'pointcloud') {
    const [{ inspectPointCloud }, { PointCloudError }] = await Promise.all([import('./pointcloud'), import('../../../core/formats/pointcloud')]);
    try {
      return { modality: 'pointcloud', ...(await inspectPointCloud(p, options)) };
    } catch (err) {
      if (err instanceof PointCloudError) throw new DatumError('BAD_FILE', err.message);
      throw err;
    }
  }
  if (modality === 'video') return { ...(await (await import('./video')).inspectVideo(p)) };
  throw new DatumError('UNSUPPORTED', `${path.basename(p)}: inspect does not know this kind of file yet`);
}
