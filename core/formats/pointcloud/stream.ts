/**
 * Streamed parsing: for record formats whose body is fixed-size records after a header (binary
 * PCD with float32 x y z, headerless .bin, uncompressed LAS), the host reads the file in chunks
 * into one small reused buffer and hands whole records to the plan's decoder, which writes straight
 * into the output arrays. The file is never held whole, so fresh memory is touched once, for the
 * output (issue #19: a cold open cost read-into-fresh-buffer + decode-into-fresh-arrays before).
 * Pure: the reading itself is the host's (main/services/pointcloud/readCloudFile.ts).
 *
 * Anything unusual (ascii, compressed, trailing or missing bytes, recentred coordinates, extra
 * bytes) gets no plan: the caller reads the whole file and parsePointCloud handles it, warnings
 * and errors included, so both paths give the same cloud.
 */
import { binStreamPlan, KITTI_LAYOUT, NUSCENES_LAYOUT } from './bin';
import { lasStreamPlan } from './las';
import { pcdStreamPlan } from './pcd';
import type { ParseOptions, PointCloudFormat, StreamPlan } from './types';

export type { StreamPlan };

/** Bytes of the file's start that planStream needs to see (PCD headers are scanned this far). */
export const STREAM_HEAD_BYTES = 64 * 1024;

/**
 * The plan for a file whose first bytes are `head` (STREAM_HEAD_BYTES, or the whole file when
 * shorter), or null to parse it whole. `format` is detectPointCloudFormat's answer. Never throws:
 * a header problem is left to the whole-file path, which reports it.
 */
export function planStream(format: PointCloudFormat, head: Uint8Array, fileSize: number, fileName: string, options: ParseOptions = {}): StreamPlan | null {
  try {
    switch (format) {
      case 'pcd': return pcdStreamPlan(head, fileSize, fileName);
      case 'las': return lasStreamPlan(head, fileSize, fileName);
      case 'kitti-bin': return binStreamPlan(fileSize, fileName, KITTI_LAYOUT, format);
      case 'nuscenes-bin': return binStreamPlan(fileSize, fileName, NUSCENES_LAYOUT, format);
      case 'bin': return options.binLayout ? binStreamPlan(fileSize, fileName, options.binLayout, format) : null;
      default: return null;
    }
  } catch {
    return null;
  }
}
