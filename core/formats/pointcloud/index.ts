/**
 * Point-cloud parsing entry point. Pure: operates on bytes only, so it serves the browser worker,
 * the Node worker thread and the CLI alike.
 */
import { wasmKernelsAvailable } from './wasm/available';
import { parseBin, KITTI_LAYOUT, NUSCENES_LAYOUT } from './bin';
import { computeBounds, dropNonFinite, type CloudParts } from './columns';
import { parseLas, parseLaz } from './las';
import { parsePcd } from './pcd';
import { parsePly } from './ply';
import { latin1 } from './text';
import { PointCloudError, type ParseOptions, type PointCloud, type PointCloudFormat } from './types';

export * from './types';
export { wasmKernelsAvailable } from './wasm/available';
export { lzfDecompress, LzfError } from './lzf';
export { KITTI_LAYOUT, NUSCENES_LAYOUT } from './bin';
export { BinLayoutError, formatBinLayoutSpec, parseBinLayoutSpec } from './binLayout';
export { planStream, STREAM_HEAD_BYTES, type StreamPlan } from './stream';

/**
 * Decides the format from the content first (PCD / PLY / LAS headers are unambiguous), then from the
 * file name for the headerless binary layouts. Returns null when neither tells.
 */
export function detectPointCloudFormat(fileName: string, bytes: Uint8Array | ArrayBuffer): PointCloudFormat | null {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const head = latin1(data, 0, Math.min(data.length, 256));
  const lower = fileName.toLowerCase();
  if (head.startsWith('LASF')) {
    const formatByte = data.length > 104 ? data[104] : 0;
    return (formatByte & 0xc0) !== 0 || lower.endsWith('.laz') ? 'laz' : 'las';
  }
  if (/^ply\r?\n/.test(head)) return 'ply';
  if (/^(#[^\n]*\n|\s)*(VERSION|FIELDS)\s/.test(head)) return 'pcd';
  if (lower.endsWith('.pcd.bin')) return 'nuscenes-bin';
  if (lower.endsWith('.bin')) return 'kitti-bin';
  if (lower.endsWith('.pcd')) return 'pcd';
  if (lower.endsWith('.ply')) return 'ply';
  if (lower.endsWith('.las')) return 'las';
  if (lower.endsWith('.laz')) return 'laz';
  return null;
}

/**
 * The format to parse `data` (the whole file, or its first bytes) as: detectPointCloudFormat, with
 * a user's binLayout taking headerless files. Throws PointCloudError when nothing fits.
 */
export function resolveFormat(fileName: string, data: Uint8Array, options: ParseOptions = {}): PointCloudFormat {
  if (data.length === 0) throw new PointCloudError(fileName, 'file is empty', 'missing-header');
  let format = detectPointCloudFormat(fileName, data);
  if (options.binLayout && (format === 'kitti-bin' || format === 'nuscenes-bin' || format === null)) format = 'bin';
  if (format === null) throw new PointCloudError(fileName, 'unknown point cloud format (expected PCD, PLY, LAS/LAZ or .bin)', 'unknown-format');
  return format;
}

/**
 * Parses any supported cloud. Never throws anything but PointCloudError for bad input: unexpected
 * internal failures (e.g. an allocation too large) are wrapped with the file name too.
 */
export async function parsePointCloud(bytes: Uint8Array | ArrayBuffer, fileName: string, options: ParseOptions = {}): Promise<PointCloud> {
  const started = performance.now();
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const format = resolveFormat(fileName, data, options);
  let parts: CloudParts;
  try {
    parts = await parseAs(format, data, fileName, options);
  } catch (e) {
    if (e instanceof PointCloudError) throw e;
    throw new PointCloudError(fileName, `cannot read ${format} data: ${(e as Error)?.message ?? String(e)}`, 'corrupt');
  }
  return assembleCloud(format, parts, fileName, options, started);
}

/** The cloud from a parser's parts (either path: whole file or streamed): NaN removal, bounds, timing. */
export function assembleCloud(format: PointCloudFormat, parts: CloudParts, fileName: string, options: ParseOptions, started: number): PointCloud {
  if (options.dropNaN) {
    const before = parts.count;
    parts = dropNonFinite(parts);
    if (parts.count !== before) parts.warnings.push(`${fileName}: dropped ${before - parts.count} points with NaN or infinite coordinates`);
  }
  return {
    format,
    count: parts.count,
    positions: parts.positions,
    offset: parts.offset,
    fields: parts.fields,
    ...(parts.width !== undefined && parts.height !== undefined ? { width: parts.width, height: parts.height } : {}),
    ...(parts.viewpoint ? { viewpoint: parts.viewpoint } : {}),
    bounds: parts.bounds ?? computeBounds(parts.positions, parts.offset),
    warnings: parts.warnings,
    decode: { ms: performance.now() - started, simd: wasmKernelsAvailable() },
  };
}

async function parseAs(format: PointCloudFormat, data: Uint8Array, fileName: string, options: ParseOptions): Promise<CloudParts> {
  switch (format) {
    case 'pcd': return parsePcd(data, fileName);
    case 'ply': return parsePly(data, fileName);
    case 'las': return parseLas(data, fileName);
    case 'laz': return parseLaz(data, fileName, options.lazPerf);
    case 'kitti-bin': return parseBin(data, fileName, KITTI_LAYOUT);
    case 'nuscenes-bin': return parseBin(data, fileName, NUSCENES_LAYOUT);
    case 'bin':
      if (!options.binLayout) throw new PointCloudError(fileName, 'a generic .bin file needs a binLayout option', 'unsupported');
      return parseBin(data, fileName, options.binLayout);
  }
}

/** The buffers to list in postMessage's transfer list (each distinct buffer once). */
export function transferablesOf(cloud: PointCloud): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const array of [cloud.positions, ...cloud.fields.map((f) => f.data)]) {
    if (array.buffer instanceof ArrayBuffer) buffers.add(array.buffer);
  }
  return [...buffers];
}
