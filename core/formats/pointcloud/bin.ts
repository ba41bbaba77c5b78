/**
 * Headerless binary clouds: KITTI velodyne `.bin` (float32 x y z intensity), nuScenes `.pcd.bin`
 * (float32 x y z intensity ring) and any `.bin` whose record layout the user supplies.
 */
import { createRecordDecoder, extractColumns, type CloudParts, type ColumnSource, type NamedColumn } from './columns';
import type { StreamPlan } from './types';
import { BYTES_PER_ELEMENT, PointCloudError, type BinLayout } from './types';

export const KITTI_LAYOUT: BinLayout = {
  stride: 16,
  fields: [
    { name: 'x', type: 'float32', offset: 0 },
    { name: 'y', type: 'float32', offset: 4 },
    { name: 'z', type: 'float32', offset: 8 },
    { name: 'intensity', type: 'float32', offset: 12 },
  ],
};

/** nuScenes stores the ring index as a float32 too; it is kept as float32 to stay bit-exact. */
export const NUSCENES_LAYOUT: BinLayout = {
  stride: 20,
  fields: [...KITTI_LAYOUT.fields, { name: 'ring', type: 'float32', offset: 16 }],
};

function validateLayout(layout: BinLayout, fileName: string): void {
  if (!Number.isInteger(layout.stride) || layout.stride <= 0) throw new PointCloudError(fileName, `bin layout stride ${layout.stride} is not a positive integer`, 'bad-header');
  for (const f of layout.fields) {
    const size = BYTES_PER_ELEMENT[f.type];
    if (size === undefined) throw new PointCloudError(fileName, `bin layout field "${f.name}" has unknown type "${f.type}"`, 'unsupported');
    const count = f.count ?? 1;
    if (!Number.isInteger(f.offset) || f.offset < 0 || f.offset + size * count > layout.stride) {
      throw new PointCloudError(fileName, `bin layout field "${f.name}" (offset ${f.offset}) does not fit in the ${layout.stride}-byte stride`, 'bad-header');
    }
  }
  for (const axis of ['x', 'y', 'z']) {
    if (!layout.fields.some((f) => f.name === axis)) throw new PointCloudError(fileName, `bin layout has no "${axis}" field`, 'bad-header');
  }
}

function columnsOf(layout: BinLayout): { xyz: [ColumnSource, ColumnSource, ColumnSource]; attributes: NamedColumn[] } {
  const column = (name: string): ColumnSource => {
    const f = layout.fields.find((g) => g.name === name)!;
    return { start: f.offset, stride: layout.stride, type: f.type, count: 1 };
  };
  const attributes = layout.fields
    .filter((f) => !['x', 'y', 'z'].includes(f.name))
    .map((f) => ({ name: f.name, start: f.offset, stride: layout.stride, type: f.type, count: f.count ?? 1 }));
  return { xyz: [column('x'), column('y'), column('z')], attributes };
}

/** A headerless .bin read record by record (see stream.ts); null when parseBin must do it (a partial last record, non-float32 x y z). */
export function binStreamPlan(fileSize: number, fileName: string, layout: BinLayout, format: StreamPlan['format']): StreamPlan | null {
  validateLayout(layout, fileName);
  if (fileSize % layout.stride !== 0) return null;
  const n = fileSize / layout.stride;
  const { xyz, attributes } = columnsOf(layout);
  const decoder = createRecordDecoder(xyz, attributes, n);
  if (!decoder) return null;
  return {
    format,
    bodyStart: 0,
    recordSize: layout.stride,
    count: n,
    decode: decoder.decode,
    finish: () => ({ count: n, warnings: [], ...decoder.finish() }),
  };
}

export function parseBin(bytes: Uint8Array, fileName: string, layout: BinLayout): CloudParts {
  validateLayout(layout, fileName);
  const warnings: string[] = [];
  const n = Math.floor(bytes.length / layout.stride);
  const trailing = bytes.length - n * layout.stride;
  if (trailing > 0) {
    // Whole records are unambiguous; a partial last record is most likely a truncated copy.
    warnings.push(`${fileName}: file size ${bytes.length} is not a multiple of the ${layout.stride}-byte record; last ${trailing} bytes ignored (truncated file?)`);
  }
  const { xyz, attributes } = columnsOf(layout);
  const { positions, offset, bounds, fields } = extractColumns(bytes, xyz, attributes, n);
  return { count: n, positions, offset, fields, warnings, bounds };
}
